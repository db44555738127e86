/** What cannot run here (DynamoDB, Secrets Manager, SSM, SNS) is tested at the SDK boundary. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { AlertRouter } from '../src/engine/router';
import { botTokenFromSecret, SecretResolver, webhookFromSecret } from '../src/delivery/secrets';
import { DynamoStore } from '../src/state/dynamo-store';
import { FileStore, MemoryStore } from '../src/state/memory-store';
import { fixtureEvent, receiver, route, routing } from './helpers/fixtures';

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

describe('DynamoStore', () => {
  const ddb = mockClient(DynamoDBClient);
  beforeEach(() => ddb.reset());
  const store = () => new DynamoStore('alerts', new DynamoDBClient({ region: 'eu-west-1' }));

  it('claims with a conditional put that frees expired leases and TTL-expired items', async () => {
    ddb.on(PutItemCommand).resolves({});
    expect(await store().claim('m1#ALARM#root#r#slack:#a', 1_000_000, 60_000)).toBe('claimed');
    const input = ddb.commandCalls(PutItemCommand)[0].args[0].input;
    expect(input.Item).toMatchObject({
      pk: { S: 'idem#m1#ALARM#root#r#slack:#a' },
      status: { S: 'inflight' },
      leaseUntil: { N: '1060000' },
    });
    expect(input.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR expiresAt <= :nowSeconds OR (#status = :inflight AND leaseUntil <= :now)',
    );
  });

  it.each([
    ['done', 'done'],
    ['inflight', 'busy'],
  ])('reports %s claims as %s', async (status, expected) => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({ Item: { status: { S: status } } });
    expect(await store().claim('k', 0, 1)).toBe(expected);
  });

  it('writes state with optimistic versions and reports conflicts', async () => {
    ddb.on(PutItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    expect(await store().put('group', 'g', { a: 1 }, 0, 99)).toBe(true);
    expect(await store().put('group', 'g', { a: 2 }, 3)).toBe(false);
    const [first, second] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { version: { N: '1' }, expiresAt: { N: '99' } },
    });
    expect(second).toMatchObject({
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': { N: '3' } },
      Item: { version: { N: '4' } },
    });
  });

  it('lists a kind across pages with consistent reads', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ sk: { S: 'a' }, value: { S: '{"x":1}' }, version: { N: '2' } }],
        LastEvaluatedKey: { pk: { S: 'firing' } },
      })
      .resolvesOnce({ Items: [{ sk: { S: 'b' }, value: { S: '{"x":2}' }, version: { N: '1' } }] });
    expect(await store().list('firing')).toEqual([
      { key: 'a', record: { value: { x: 1 }, version: 2 } },
      { key: 'b', record: { value: { x: 2 }, version: 1 } },
    ]);
    expect(ddb.commandCalls(QueryCommand)[1].args[0].input).toMatchObject({
      ConsistentRead: true,
      ExclusiveStartKey: { pk: { S: 'firing' } },
    });
  });

  it('releases and completes claims', async () => {
    ddb.on(DeleteItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    await store().release('k');
    await store().complete('k', 1_000_000, 3600);
    expect(ddb.commandCalls(DeleteItemCommand)[0].args[0].input.Key).toEqual({
      pk: { S: 'idem#k' },
      sk: { S: 'claim' },
    });
    expect(ddb.commandCalls(PutItemCommand)[0].args[0].input.Item).toMatchObject({
      status: { S: 'done' },
      expiresAt: { N: '4600' },
    });
  });
});

describe('MemoryStore and FileStore', () => {
  it('frees an in-flight claim once its lease has expired (a crashed invocation)', async () => {
    const s = new MemoryStore();
    expect(await s.claim('k', 0, 1000)).toBe('claimed');
    expect(await s.claim('k', 500, 1000)).toBe('busy');
    expect(await s.claim('k', 1001, 1000)).toBe('claimed');
    await s.complete('k', 1001, 60);
    expect(await s.claim('k', 2000, 1000)).toBe('done');
    expect(await s.claim('k', 62_000, 1000)).toBe('claimed'); // past the idempotency TTL
  });

  it('persists between instances so CLI replays can chain', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ar-')), 'state.json');
    const a = new FileStore(file);
    await a.complete('k', Date.now(), 60);
    await a.put('firing', 'f', { n: 1 }, 0);
    const b = new FileStore(file);
    expect(await b.claim('k', Date.now(), 1000)).toBe('done');
    expect(await b.get('firing', 'f')).toEqual({ value: { n: 1 }, version: 1 });
  });
});

describe('webhook secrets', () => {
  const sm = mockClient(SecretsManagerClient);
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    sm.reset();
    ssm.reset();
  });

  it('reads Secrets Manager (plain or JSON) and SSM SecureStrings, caching each', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'goodgreets/slack/oncall' }).resolves({
      SecretString: '{"url":"https://hooks.slack.com/services/T/B/x"}',
    });
    ssm
      .on(GetParameterCommand, { Name: '/goodgreets/slack/team', WithDecryption: true })
      .resolves({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/y' } });
    let now = 0;
    const r = new SecretResolver({
      secretsManager: new SecretsManagerClient({}),
      ssm: new SSMClient({}),
      ttlMs: 1000,
      now: () => now,
    });
    await Promise.all([r.resolve('goodgreets/slack/oncall'), r.resolve('goodgreets/slack/oncall')]);
    expect(await r.resolve('goodgreets/slack/oncall')).toBe('https://hooks.slack.com/services/T/B/x');
    expect(await r.resolve('ssm:/goodgreets/slack/team')).toBe('https://hooks.slack.com/services/T/B/y');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now = 1001;
    await r.resolve('goodgreets/slack/oncall');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('names the secret, never its value, when it is unusable', async () => {
    expect(() => webhookFromSecret('s', 'not a url')).toThrow('webhook secret s: is not a URL');
    expect(() => webhookFromSecret('s', '{"hook":"x"}')).toThrow(/no "url" or "webhookUrl" key/);
    for (const hostile of [
      'http://hooks.slack.com/services/T/B/x',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://hooks.slack.com.evil.example/services/T/B/x',
      'https://evil.example/hooks.slack.com/services/T/B/x',
      'https://hooks.slack.com/api/chat.postMessage',
      'https://user:pw@hooks.slack.com/services/T/B/x',
      'https://hooks.slack.com:8443/services/T/B/x',
    ]) {
      expect(() => webhookFromSecret('s', hostile)).toThrow(/webhook secret s: .*(Slack incoming webhook|credentials)/);
      // The refusal names the secret, never echoes the value it held.
      expect(() => webhookFromSecret('s', hostile)).not.toThrow(hostile);
    }
    expect(webhookFromSecret('s', 'https://hooks.slack-gov.com/services/T/B/x')).toBe(
      'https://hooks.slack-gov.com/services/T/B/x',
    );
    sm.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const r = new SecretResolver({ secretsManager: new SecretsManagerClient({}) });
    await expect(r.resolve('nope')).rejects.toThrow('webhook secret nope: AccessDeniedException');
  });
});

describe('bot token secrets', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  it('reads a bare or JSON token, cached apart from a webhook secret of the same name', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'sre/slack-bot' }).resolves({ SecretString: '{"token":"xoxb-1-abc"}' });
    sm.on(GetSecretValueCommand, { SecretId: 'sre/slack-bot-plain' }).resolves({ SecretString: ' xoxb-2-def\n' });
    const r = new SecretResolver({ secretsManager: new SecretsManagerClient({}) });
    expect(await r.resolveBotToken('sre/slack-bot')).toBe('xoxb-1-abc');
    expect(await r.resolveBotToken('sre/slack-bot')).toBe('xoxb-1-abc');
    expect(await r.resolveBotToken('sre/slack-bot-plain')).toBe('xoxb-2-def');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    // The same secret asked for as a webhook is parsed as one (and refused), not served from the token cache.
    await expect(r.resolve('sre/slack-bot')).rejects.toThrow(/webhook secret sre\/slack-bot: JSON secret has no "url"/);
  });

  it('takes bot tokens only and never echoes what the secret held', () => {
    for (const bad of ['xoxp-user-token', 'https://hooks.slack.com/services/T/B/x', '{"url":"x"}', 'xoxb-has space']) {
      expect(() => botTokenFromSecret('s', bad)).toThrow(/^bot token secret s: /);
      expect(() => botTokenFromSecret('s', bad)).not.toThrow(bad);
    }
    expect(() => botTokenFromSecret('s', '{"token": 1}')).toThrow(/no "token" or "botToken" key/);
    expect(botTokenFromSecret('s', '{"botToken":"xoxb-9"}')).toBe('xoxb-9');
  });
});

describe('email through SNS', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('publishes plain text once per topic with the receiver attribute for the shared address topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'p1' });
    const router = new AlertRouter({
      routing: routing(route({ receiver: 'mail' }), [
        receiver('mail', {
          slack: [],
          email: ['a@example.com', 'b@example.com', 'arn:aws:sns:eu-west-1:123456789012:managers'],
        }),
      ]),
      store: new MemoryStore(),
      resolveWebhook: async () => 'unused',
      sns: new SNSClient({}),
      emailTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alert-email',
    });
    const report = await router.process([fixtureEvent('sns-metric-alarm.json')], [], Date.now() + 10_000);
    expect(report.count('delivered')).toBe(2);
    const inputs = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => [i.TopicArn, i.MessageAttributes?.receiver?.StringValue])).toEqual([
      ['arn:aws:sns:eu-west-1:123456789012:managers', undefined],
      ['arn:aws:sns:eu-west-1:123456789012:alert-email', 'mail'],
    ]);
    expect(inputs[0].Subject).toBe('[CRITICAL] FIRING - CRITICAL - goodgreets-api-lambda-errors');
    expect(inputs[0].Message).toContain('Metric        AWS/Lambda Errors (FunctionName=goodgreets-api)');
  });

  it('fails loudly when addresses are listed but no email topic is configured', async () => {
    const router = new AlertRouter({
      routing: routing(route({ receiver: 'mail' }), [receiver('mail', { slack: [], email: ['a@example.com'] })]),
      store: new MemoryStore(),
      resolveWebhook: async () => 'unused',
      sns: new SNSClient({}),
    });
    const report = await router.process([fixtureEvent('sns-metric-alarm.json')], [], Date.now() + 10_000);
    expect(report.failed).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/no email topic is configured/) }),
    ]);
  });
});
