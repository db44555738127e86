/**
 * The scheduled SLO review Lambda: SLIs from (mocked) GetMetricData with the deployed dimension
 * values, the webhook URL from (mocked) Secrets Manager or SSM, the digest posted to a real HTTP
 * server on 127.0.0.1 standing in for Slack; failures throw so the invocation counts as an error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadSpecTexts, type Slo } from '@sre-kit/core';
import { mockClient } from 'aws-sdk-client-mock';
import { silentLogger } from '../src/log';
import { SecretResolver } from '../src/delivery/secrets';
import { createReviewHandler, reviewDepsFromEnv } from '../src/review/handler';
import { FakeSlack } from './helpers/fake-slack';

const cw = mockClient(CloudWatchClient);
const sm = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
const slack = new FakeSlack();
let base = '';
beforeAll(async () => {
  base = await slack.start();
});
afterAll(() => slack.stop());
afterEach(() => {
  cw.reset();
  sm.reset();
  ssm.reset();
  slack.received.length = 0;
});

// The first SLO of the fixture SloReviewSchedule's tests synthesize: checkout-availability, 99 %, 30 days.
const FIXTURE = join(__dirname, '..', '..', 'cdk', 'test', 'fixtures', 'review-slos.yaml');
const slos: Slo[] = loadSpecTexts([{ file: FIXTURE, text: readFileSync(FIXTURE, 'utf8') }]).slos.slice(0, 1);
const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const WEEK = 7 * 86_400;
/** A two-hour outage two days before the review: 30 % of checkouts fail. */
const OUTAGE = { from: NOW / 1000 - 2 * 86_400, to: NOW / 1000 - 2 * 86_400 + 7200 };
const counts = (t: number, period: number) => {
  const total = 100 * (period / 60);
  const bad = t >= OUTAGE.from && t < OUTAGE.to ? 0.3 * total : 0;
  return { good: total - bad, total };
};

/** GetMetricData over the counts above, at whatever period each query asks for. */
function answerMetrics() {
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const results: MetricDataResult[] = [];
    for (const q of input.MetricDataQueries ?? []) {
      const stat = q.MetricStat!;
      const period = stat.Period!;
      const role = stat.Metric!.MetricName!.endsWith('Ok') ? 'good' : 'total';
      const start = Math.ceil(input.StartTime!.getTime() / 1000 / period) * period;
      const timestamps: Date[] = [];
      const values: number[] = [];
      for (let t = start; t < input.EndTime!.getTime() / 1000; t += period) {
        timestamps.push(new Date(t * 1000));
        values.push(counts(t, period)[role]);
      }
      results.push({ Id: q.Id, Timestamps: timestamps, Values: values, StatusCode: 'Complete' });
    }
    return Promise.resolve({ MetricDataResults: results });
  });
}

const handlerWith = (webhookSecret: string) =>
  createReviewHandler({
    slos,
    webhookSecret,
    dimensionValues: { LoadBalancer: 'app/shop-prod/50dc6c495c0c9188' },
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
    secrets: new SecretResolver({
      secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
      ssm: new SSMClient({ region: 'eu-west-1' }),
    }),
    now: () => NOW,
    log: silentLogger,
    // Slack's host is what the secret must name; the post itself goes to the server on 127.0.0.1.
    fetch: (input, init) => fetch(String(input).replace('https://hooks.slack.com', base), init as RequestInit),
  });

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' };

describe('scheduled SLO review handler', () => {
  it('reviews the last week from GetMetricData and posts the digest to the webhook in the secret', async () => {
    answerMetrics();
    sm.on(GetSecretValueCommand, { SecretId: 'shop/slack/reviews' }).resolves({
      SecretString: `https://hooks.slack.com/services/T0/B0/weekly`,
    });
    const summary = await handlerWith('shop/slack/reviews')({}, context);

    expect(summary).toMatchObject({
      from: new Date(NOW - WEEK * 1000).toISOString(),
      to: new Date(NOW).toISOString(),
      reviewed: ['checkout-availability'],
      skipped: [],
      withoutData: [],
      attempts: 1,
    });
    // The deployed load balancer, not the spec's placeholder, in every metric query.
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.length).toBeGreaterThan(0);
    for (const q of calls.flatMap((c) => c.MetricDataQueries ?? []))
      expect(q.MetricStat?.Metric?.Dimensions).toEqual([
        { Name: 'LoadBalancer', Value: 'app/shop-prod/50dc6c495c0c9188' },
      ]);
    expect(summary.metricsRequested).toBe(calls.length * 2);

    expect(slack.received.map((r) => r.path)).toEqual(['/services/T0/B0/weekly']);
    const digest = JSON.stringify(slack.received[0].body);
    expect(digest).toContain('*shop/checkout-availability*');
    // Attainment over the week, from the same counts the mock served: 2 h of 30 % failures.
    const minutes = WEEK / 60;
    const bad = 0.3 * 100 * 120;
    const attainment = (100 * minutes - bad) / (100 * minutes);
    expect(digest).toContain(`${(attainment * 100).toFixed(3)} % (objective 99.000 %)`);
    expect(digest).toContain('Top incident');
    expect(digest).toContain(new Date(OUTAGE.from * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('reads the webhook from an SSM SecureString with decryption', async () => {
    answerMetrics();
    ssm.on(GetParameterCommand, { Name: '/shop/slack/reviews', WithDecryption: true }).resolves({
      Parameter: { Value: `https://hooks.slack.com/services/ssm-hook` },
    });
    await handlerWith('ssm:/shop/slack/reviews')({}, context);
    expect(slack.received.map((r) => r.path)).toEqual(['/services/ssm-hook']);
  });

  it('fails before reading metrics when the secret cannot be read, and fails on a refused post', async () => {
    answerMetrics();
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
        name: 'ResourceNotFoundException',
      }),
    );
    await expect(handlerWith('shop/slack/missing')({}, context)).rejects.toThrow(
      /webhook secret shop\/slack\/missing: .*can’t find the specified secret/,
    );
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);

    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: `https://hooks.slack.com/services/dead` });
    slack.script('/services/dead', { status: 404, body: 'no_active_hooks' });
    const err = await handlerWith('shop/slack/dead')({}, context).catch((e: Error) => e);
    expect(String(err)).toMatch(/HTTP 404 no_active_hooks/);
    expect(String(err)).not.toContain('/services/dead');
  });

  it('builds its dependencies from the environment and the staged slos.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slo-review-'));
    try {
      writeFileSync(join(dir, 'slos.json'), JSON.stringify({ version: 1, slos }));
      const deps = reviewDepsFromEnv(
        {
          WEBHOOK_SECRET: 'shop/slack/reviews',
          LOOKBACK_SECONDS: '86400',
          DIMENSION_VALUES: '{"LoadBalancer":"app/shop-prod/1"}',
        },
        dir,
      );
      expect(deps).toMatchObject({
        webhookSecret: 'shop/slack/reviews',
        lookbackSeconds: 86_400,
        dimensionValues: { LoadBalancer: 'app/shop-prod/1' },
      });
      expect(deps.slos.map((s) => s.name)).toEqual(['checkout-availability']);
      expect(() => reviewDepsFromEnv({}, dir)).toThrow('the SLO review Lambda needs WEBHOOK_SECRET in its environment');
      writeFileSync(join(dir, 'slos.json'), '{"slos": []}');
      expect(() => reviewDepsFromEnv({ WEBHOOK_SECRET: 'x' }, dir)).toThrow('is not an SLO review file (version 1)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
