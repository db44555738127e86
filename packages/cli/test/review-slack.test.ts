/**
 * `sre review --format slack` on the committed example: the digest carries the review's own
 * figures, the change since an earlier review's JSON and the report link, and a real webhook
 * stand-in on 127.0.0.1 accepts and lists it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackStandin } from '@sre-kit/alert-router';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(__dirname, '..', 'examples', 'review-data.csv');
const tmp = mkdtempSync(join(tmpdir(), 'sre-review-slack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const review = (from: string, to: string, extra: string[]) =>
  runSre(['review', join(ROOT, 'slos'), '--source', 'file', '--data', EXAMPLE, '--from', from, '--to', to, ...extra]);

type Text = { text: string };
type Block = { type: string; text?: Text; fields?: Text[]; elements?: Text[] };

describe('sre review --format slack', () => {
  it('prints a Block Kit digest with the change since the previous review and the report link', async () => {
    const previous = join(tmp, 'previous.json');
    const before = await review('2026-10-31T00:00:00Z', '2026-11-01T00:00:00Z', ['--format', 'json']);
    expect(before.code).toBe(0);
    writeFileSync(previous, before.stdout);
    const now = await review('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', ['--format', 'json']);
    const digest = await review('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', [
      '--format',
      'slack',
      '--previous',
      previous,
      '--report-url',
      'https://reports.example.com/slo/2026-11-01.html',
    ]);
    expect(digest.code).toBe(0);
    const payload = JSON.parse(digest.stdout) as { text: string; blocks: Block[] };
    const prev = JSON.parse(before.stdout).reviews;
    const reviews = JSON.parse(now.stdout).reviews as {
      slo: string;
      service: string;
      period: { remaining: number };
      tiers: { severity: string; intervals: unknown[] }[];
    }[];
    for (const r of reviews) {
      const section = payload.blocks.find((b) => b.text?.text.includes(`*${r.service}/${r.slo}*`));
      expect(section).toBeDefined();
      const budget = section!.fields!.find((f) => f.text.startsWith('*Budget left'))!.text;
      const was = prev.find((p: { slo: string }) => p.slo === r.slo).period.remaining;
      expect(budget).toContain(`${(r.period.remaining * 100).toFixed(1)} %`);
      expect(budget).toContain(`${((r.period.remaining - was) * 100).toFixed(1)} pts since 2026-11-01T00:00:00Z`);
      const count = (s: string) => r.tiers.filter((t) => t.severity === s).reduce((n, t) => n + t.intervals.length, 0);
      expect(section!.fields!.find((f) => f.text.startsWith('*Pages'))!.text).toBe(
        `*Pages / tickets*\n${count('page')} / ${count('ticket')}`,
      );
    }
    expect(payload.blocks.at(-1)!.text!.text).toContain(
      '<https://reports.example.com/slo/2026-11-01.html|Full report>',
    );

    // What a webhook would receive: the stand-in takes it as Slack would and lists it.
    const standin = await startSlackStandin(0);
    try {
      const res = await fetch(`${standin.url}/services/reviews`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: digest.stdout,
      });
      expect(res.status).toBe(200);
      expect(standin.posts.map((p) => p.payload)).toEqual([payload]);
    } finally {
      await standin.close();
    }
  });

  it('refuses a bad --report-url or --previous with a one-line reason', async () => {
    const day = ['2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'] as const;
    const url = await review(...day, ['--format', 'slack', '--report-url', 'reports/today.html']);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain('--report-url "reports/today.html" is not an http(s) URL');
    const notReview = join(tmp, 'not-review.json');
    writeFileSync(notReview, '{"series": {}}');
    const prev = await review(...day, ['--format', 'slack', '--previous', notReview]);
    expect(prev.code).toBe(1);
    expect(prev.stderr).toContain(`--previous ${notReview}: not the output of sre review --format json`);
  });
});

/** A webhook on 127.0.0.1 answering with `answer`; counts the requests it got. */
async function webhook(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0SECRET/B0SECRET/xoxWebhookToken`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('sre review --post', () => {
  const day = ['2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'] as const;
  const secretParts = ['T0SECRET', 'B0SECRET', 'xoxWebhookToken'];
  const leaks = (run: { stdout: string; stderr: string }) =>
    secretParts.filter((p) => run.stdout.includes(p) || run.stderr.includes(p));
  afterEach(() => {
    delete process.env.SRE_SLACK_WEBHOOK_URL;
  });

  it('posts the digest to the webhook (URL as option or from $SRE_SLACK_WEBHOOK_URL), printing only its host', async () => {
    const standin = await startSlackStandin(0);
    try {
      const hook = `${standin.url}/services/T0SECRET/B0SECRET/xoxWebhookToken`;
      const printed = await review(...day, ['--format', 'slack']);
      const posted = await review(...day, ['--post', hook]);
      expect(posted.code).toBe(0);
      // The text report still goes to stdout; the digest goes to Slack.
      expect(posted.stdout).toContain('goodgreets/api-availability');
      expect(posted.stderr).toContain(`posted the Slack digest (`);
      expect(posted.stderr).toContain(`to ${new URL(standin.url).host} (1 attempt)`);
      expect(leaks(posted)).toEqual([]);
      expect(standin.posts).toHaveLength(1);
      expect(standin.posts[0].payload).toEqual(JSON.parse(printed.stdout));

      process.env.SRE_SLACK_WEBHOOK_URL = hook;
      const fromEnv = await review(...day, ['--format', 'json', '--post']);
      expect(fromEnv.code).toBe(0);
      expect(standin.posts).toHaveLength(2);
      expect(standin.posts[1].payload).toEqual(JSON.parse(printed.stdout));
      expect(leaks(fromEnv)).toEqual([]);
    } finally {
      await standin.close();
    }
  });

  it('fails at once on a 4xx, naming the status and Slack error code but not the URL', async () => {
    const hook = await webhook((_req, res) => res.writeHead(404).end('no_service'));
    try {
      const run = await review(...day, ['--post', hook.url]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/sre review: --post: slack .*: HTTP 404 no_service/);
      expect(hook.requests()).toBe(1);
      expect(leaks(run)).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('retries a 5xx and gives up with the count of attempts', async () => {
    const hook = await webhook((_req, res) => res.writeHead(503).end('service_unavailable'));
    try {
      const run = await review(...day, ['--post', hook.url, '--post-timeout', '20']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/HTTP 503 .*\((gave up after \d+ attempts|no time left to retry)\)/);
      expect(hook.requests()).toBeGreaterThan(1);
      expect(leaks(run)).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('stops at --post-timeout when the webhook never answers', async () => {
    const hook = await webhook(() => undefined);
    try {
      const started = Date.now();
      const run = await review(...day, ['--post', hook.url, '--post-timeout', '2']);
      const seconds = (Date.now() - started) / 1000;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('(limit 2 s, --post-timeout)');
      expect(seconds).toBeLessThan(15);
      expect(leaks(run)).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('refuses a missing or non-http webhook before reading any data, without repeating it', async () => {
    const none = await review(...day, ['--post']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--post without a URL reads $SRE_SLACK_WEBHOOK_URL, which is not set');
    const ftp = await review(...day, ['--post', 'ftp://hooks.example.com/T0SECRET']);
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toContain('the webhook given to --post is a ftp: URL, not http(s)');
    expect(leaks(ftp)).toEqual([]);
  });
});
