import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { parseInbound, startSlackStandin, type SlackStandin } from '@sre-kit/alert-router';
import { buildProgram } from '../src/program';
import { FakeSlack } from '../../alert-router/test/helpers/fake-slack';
import { THREAD_SEQUENCE } from '../../alert-router/test/helpers/fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'packages', 'alert-router', 'test', 'fixtures');
const fx = (name: string) => join(FIXTURES, name);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  let code = 0;
  try {
    await buildProgram()
      .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) })
      .parseAsync(['node', 'sre', ...args]);
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 99;
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  return { code, out: out.join(''), err: err.join('') };
}

describe('sre alerts replay', () => {
  let slack: FakeSlack;
  let base: string;
  beforeEach(async () => {
    slack = new FakeSlack();
    base = await slack.start();
  });
  afterEach(() => slack.stop());

  it('delivers fixtures through the reference routing.yaml (held groups flushed at the end)', async () => {
    const r = await run([
      'alerts',
      'replay',
      fx('sns-metric-alarm.json'),
      fx('sns-metric-alarm.json'),
      fx('eventbridge-alarm.json'),
      '--config',
      join(ROOT, 'alarms', 'routing.yaml'),
      '--slack-url',
      `${base}/hook`,
      '--no-email',
    ]);
    expect(r.err).not.toMatch(/rejected|\(file\)/);
    expect(r.code).toBe(0);
    // routing.yaml waits 30 s per new group: the file lines say pending, the final flush delivers.
    expect(r.out).toContain('sns-metric-alarm.json: pending 1\n');
    expect(r.out).toContain('sns-metric-alarm.json: duplicate 1\n');
    expect(r.out).toMatch(/\(held groups flushed\): delivered 2\nok: 2 message\(s\) sent\n$/);
    expect(
      slack
        .delivered()
        .map((d) => d.body.text)
        .sort(),
    ).toEqual([
      '🔴 FIRING · CRITICAL · goodgreets-api-lambda-errors',
      '🟠 FIRING · WARNING · goodgreets-alb-target-5xx',
    ]);
  });

  it('exits 1 and names the alarm, receiver and Slack error when delivery fails', async () => {
    slack.script('/hook', { status: 410, body: 'channel_is_archived' });
    const r = await run([
      'alerts',
      'replay',
      fx('sns-metric-alarm.json'),
      fx('sns-unknown.json'),
      '--config',
      fx('routing.json'),
      '--slack-url',
      `${base}/hook`,
      '--no-email',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      version: number;
      ok: boolean;
      files: Array<{ ok: boolean; outcomes: Array<{ status: string; detail?: string }> }>;
    };
    expect(doc).toMatchObject({ version: 1, ok: false });
    expect(doc.files[0].outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'failed', detail: expect.stringContaining('HTTP 410 channel_is_archived') }),
      ]),
    );
    expect(doc.files[1].outcomes).toEqual([
      expect.objectContaining({ status: 'rejected', eventId: 'bb6f3071-5c8d-9e0f-2a1b-3c4d5e6f7a08' }),
    ]);
  });

  it('reports unreadable event files and bad configs one line each', async () => {
    const missing = await run([
      'alerts',
      'replay',
      '/nope.json',
      '--config',
      fx('routing.json'),
      '--slack-url',
      `${base}/h`,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('/nope.json: cannot read: ENOENT');
    const badConfig = await run(['alerts', 'replay', fx('sns-ok.json'), '--config', fx('sns-ok.json')]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.err).toMatch(/sns-ok.json:1:1: \(file\): .*receivers: at least one receiver is required/);
  });
});

describe('sre alerts preview', () => {
  it('prints the Block Kit payload', async () => {
    const r = await run(['alerts', 'preview', fx('sns-composite-alarm.json')]);
    expect(r.code).toBe(0);
    const msg = JSON.parse(r.out) as { text: string; blocks: Array<{ type: string }> };
    expect(msg.text).toBe('🔴 FIRING · CRITICAL · goodgreets-api-availability-page');
    expect(msg.blocks[0].type).toBe('header');
    expect(r.out).toContain('Triggering children');
  });

  it('prints the email with --email and exits 1 on a rejected payload', async () => {
    expect((await run(['alerts', 'preview', fx('sns-ok.json'), '--email'])).out).toMatch(
      /^Subject: \[CRITICAL\] RESOLVED - CRITICAL - goodgreets-api-lambda-errors\n/,
    );
    const bad = await run(['alerts', 'preview', fx('sns-malformed.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('rejected aa5e2f60-4b7c-8d9e-1f0a-2b3c4d5e6f07: malformed: SNS Message is not JSON');
  });
});

describe('sre alerts drill', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('publishes a marked synthetic alarm the router recognises as a drill', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'mid-1' });
    const topic = 'arn:aws:sns:eu-west-1:123456789012:goodgreets-warning';
    const r = await run(['alerts', 'drill', '--topic', topic, '--severity', 'warning', '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { messageId: string; drillId: string; alarmName: string };
    expect(printed.messageId).toBe('mid-1');
    expect(printed.drillId).toMatch(/^[0-9a-f]{32}$/);
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input).toMatchObject({
      TopicArn: topic,
      MessageAttributes: { 'sre-kit-drill': { DataType: 'String', StringValue: printed.drillId } },
    });
    const { events } = parseInbound({ Records: [{ Sns: { MessageId: 'mid-1', Message: input.Message } }] });
    expect(events[0]).toMatchObject({
      drill: true,
      alarmName: printed.alarmName,
      region: 'eu-west-1',
      metadata: { severity: 'warning' },
    });
  });

  it('rejects a topic that is not an SNS ARN and an unknown severity', async () => {
    const r = await run(['alerts', 'drill', '--topic', 'goodgreets-critical']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('expected an SNS topic ARN');
    expect(
      (await run(['alerts', 'drill', '--topic', 'arn:aws:sns:eu-west-1:123456789012:t', '--severity', 'sev1'])).err,
    ).toContain('expected one of critical, warning, info');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('sre alerts replay with a Slack bot token', () => {
  let standin: SlackStandin;
  let dir: string;
  beforeEach(async () => {
    standin = await startSlackStandin(0, { token: 'xoxb-cli-test' });
    dir = mkdtempSync(join(tmpdir(), 'sre-thread-'));
  });
  afterEach(async () => {
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('threads a group across separate runs sharing only --state', async () => {
    const config = join(dir, 'routing.yaml');
    writeFileSync(
      config,
      `apiVersion: sre-kit/v1
kind: AlertRouting
metadata:
  name: bot
spec:
  receivers:
    - name: page
      slack:
        - channel: '#sre-page'
          botTokenSecret: sre/slack-bot
  route:
    receiver: page
    groupBy: [service]
`,
    );
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'xoxb-cli-test\n');
    for (const [i, event] of THREAD_SEQUENCE.entries()) {
      const file = join(dir, `step-${i}.json`);
      writeFileSync(file, JSON.stringify(event));
      // One process per step in spirit: each run builds its router afresh and knows the thread from --state only.
      const r = await run([
        'alerts',
        'replay',
        file,
        '--config',
        config,
        '--slack-api-url',
        standin.apiUrl,
        '--slack-token-file',
        tokenFile,
        '--state',
        join(dir, 'state.json'),
        '--no-email',
      ]);
      expect(r.out).toContain(`step-${i}.json: delivered 1\n`);
      expect(r.code).toBe(0);
    }
    const roots = standin.posts.filter((p) => !p.threadTs);
    expect(roots).toHaveLength(1);
    expect(standin.posts.filter((p) => p.threadTs === roots[0].ts)).toHaveLength(4);
    expect(roots[0].edits).toHaveLength(3);
    expect(JSON.stringify(roots[0].payload)).toContain('"color":"#2eb67d"');
  });

  it('refuses a token file that does not hold a bot token, without printing it', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'xoxp-user-token');
    const r = await run([
      'alerts',
      'replay',
      fx('sns-metric-alarm.json'),
      '--config',
      join(ROOT, 'alarms', 'routing.yaml'),
      '--slack-token-file',
      tokenFile,
      '--no-email',
    ]);
    expect(r.code).toBe(2);
    expect(r.err + r.out).not.toContain('xoxp-user-token');
  });
});
