/**
 * `sre review --format slack` on the committed example: the digest carries the review's own
 * figures, the change since an earlier review's JSON and the report link, and a real webhook
 * stand-in on 127.0.0.1 accepts and lists it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
