import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSpecFiles } from '@sre-kit/core';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(__dirname, '..', 'examples', 'review-data.csv');
const SLOS = join(__dirname, 'fixtures', 'review', 'slos.yaml');
const DAY = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z'];
const tmp = mkdtempSync(join(tmpdir(), 'sre-review-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** `sre review slos --source file --data <the committed example> <one day> ...extra` */
const reviewExample = (extra: string[]) =>
  runSre(['review', join(ROOT, 'slos'), '--source', 'file', '--data', EXAMPLE, ...DAY, ...extra]);

describe('sre review --source file', () => {
  it('reviews the committed example against the reference slos/', async () => {
    const { stdout, stderr, code } = await reviewExample(['--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toContain('no data for SLO "delivery-on-time"; skipped');
    const { reviews } = JSON.parse(stdout);
    type Review = {
      slo: string;
      verdict: { level: string };
      budget: { spent: number };
      period: { complete: boolean; remaining: number; spentInRange: number };
      history: { complete: boolean };
      tiers: { tier: string; severity: string; intervals: { start: number; sinceBefore?: boolean }[] }[];
      incidents: { start: number }[];
    };
    const byName = (name: string): Review => reviews.find((r: Review) => r.slo === name);
    const firing = (r: Review, tier: string) => r.tiers.find((t) => t.tier === tier)!.intervals;
    const api = byName('api-availability');
    // 25 minutes at 8 %: the 1 h tier pages and the day is far over its own budget, but the verdict is the
    // 30-day period's (an incident on 2026-10-18 spent most of it): caution, not freeze.
    expect(firing(api, 'page-1h')).toHaveLength(1);
    expect(api.budget.spent).toBeGreaterThan(1);
    expect(api.period.complete).toBe(true);
    expect(api.period.remaining).toBeGreaterThan(0);
    expect(api.verdict.level).toBe('caution');
    expect(api.incidents[0]).toMatchObject({ start: 1793541600, end: 1793543100, peakErrorRatio: 0.08 });
    // With the history of clean traffic in its window, the slowest ticket does not fire, as the deployed alarm would not.
    const slowest = api.tiers.filter((t) => t.severity === 'ticket').at(-1)!.tier;
    expect(firing(api, slowest)).toEqual([]);
    for (const r of reviews as Review[]) expect(r.history.complete).toBe(true);
    // The website outage ending at midnight keeps a page firing into the reviewed day.
    const site = byName('website-availability');
    expect(site.tiers.flatMap((t) => t.intervals).filter((iv) => iv.sinceBefore)).toHaveLength(1);
    expect(site.period.spentInRange).toBeLessThan(0.01);
    expect(reviews.map((r: Review) => r.verdict.level)).toEqual(['caution', 'ok', 'ok']);
  });

  it('replays without history when the data file has none, and says so', async () => {
    const dayOnly = join(tmp, 'day-only.csv');
    const rows = readFileSync(EXAMPLE, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('slo,') || /,2026-11-01T/.test(l));
    writeFileSync(dayOnly, `${rows.join('\n')}\n`);
    const { stdout, code } = await runSre([
      'review',
      join(ROOT, 'slos'),
      '--source',
      'file',
      '--data',
      dayOnly,
      ...DAY,
      '--slo',
      'api-availability',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('note: data covers 1d of the 30d period (from 2026-11-01T00:00:00Z');
    expect(stdout).toMatch(/note: alert tiers replayed with 0s of history before the range/);
  });

  it('writes Markdown and self-contained HTML with --out', async () => {
    const html = join(tmp, 'review.html');
    const { code, stderr } = await reviewExample(['--format', 'html', '--out', html]);
    expect(code).toBe(0);
    expect(stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|<link /);
    expect((page.match(/<svg /g) ?? []).length).toBe(9);
    const md = await reviewExample(['--format', 'md', '--slo', 'api-latency']);
    expect(md.stdout).toContain('| goodgreets/api-latency | 99.000 % |');
  });

  it('exits 1 naming file, line and fix for a bad data file', async () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 'slo,timestamp,good,total\ncheckout-availability,2026-11-01T00:00:00Z,12,10\n');
    const { code, stdout, stderr } = await runSre(['review', SLOS, '--source', 'file', '--data', bad, ...DAY]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `${bad}:2:44: good: good (12) exceeds total (10) (good events are a subset of all events)`,
    );
  });

  it('rejects bad times and a missing --data', async () => {
    expect((await runSre(['review', SLOS, '--source', 'file', '--from', 'yesterday'])).stderr).toContain(
      '--from "yesterday" is not a time',
    );
    expect((await runSre(['review', SLOS, '--source', 'file', ...DAY])).stderr).toContain(
      '--source file needs --data FILE',
    );
  });
});

describe('sre review --source cloudwatch (mocked)', () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());

  it('pages through GetMetricData, fills gaps, and prints calls and cost', async () => {
    const from = Math.floor(Date.now() / 1000 / 60) * 60 - 3600;
    const ts = (i: number) => new Date((from + i * 60) * 1000);
    // 60 buckets; bucket 10 is missing (no traffic), buckets 30..34 fail 50 %.
    const total = Array.from({ length: 60 }, (_, i) => i).filter((i) => i !== 10);
    const whole = {
      MetricDataResults: [
        { Id: 's0_total', Timestamps: total.map(ts), Values: total.map(() => 1000), StatusCode: 'Complete' as const },
        { Id: 's0_bad', Timestamps: [30, 31, 32, 33, 34].map(ts), Values: [500, 500, 500, 500, 500] },
      ],
    };
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: 's0_total',
            Timestamps: total.slice(0, 30).map(ts),
            Values: total.slice(0, 30).map(() => 1000),
            StatusCode: 'PartialData',
          },
        ],
        NextToken: 't1',
      })
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: 's0_total',
            Timestamps: total.slice(30).map(ts),
            Values: total.slice(30).map(() => 1000),
            StatusCode: 'Complete',
          },
          {
            Id: 's0_bad',
            Timestamps: [30, 31, 32, 33, 34].map(ts),
            Values: [500, 500, 500, 500, 500],
            StatusCode: 'Complete',
          },
        ],
      })
      // The budget period's read: the same hour, at its own period.
      .resolves(whole);
    const { stdout, stderr, code } = await runSre([
      'review',
      SLOS,
      '--source',
      'cloudwatch',
      '--region',
      'eu-west-1',
      '--from',
      String(from),
      '--to',
      String(from + 3600),
      '--format',
      'json',
      '--progress',
    ]);
    expect(code).toBe(0);
    // Not a terminal: --progress prints one line per call instead of redrawing in place.
    expect(stderr).toContain('GetMetricData [###############...............] 1/2\n');
    expect(stderr).toContain('GetMetricData [##############################] 2/2\n');
    // The replay read (2 pages at 1 minute, history included) and the 30-day budget read at 5 minutes,
    // what CloudWatch keeps beyond 15 days.
    expect(stderr).toContain(
      'sre review: 3 GetMetricData call(s), 6 metrics requested (1m period, 5m for the budget period, 0 throttling retries), cost $0.0001',
    );
    const [slo] = (await loadSpecFiles([SLOS])).slos;
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input as GetMetricDataCommandInput);
    // Tier replay: from the longest alert window before --from; budget: the SLO period before --to.
    const longest = Math.max(...slo.alerting.policy.tiers.map((t) => t.longWindowSeconds));
    expect(longest).toBeGreaterThan(3600);
    expect(calls.map((c) => [c.StartTime, c.EndTime])).toEqual([
      [new Date((from - longest) * 1000), new Date((from + 3600) * 1000)],
      [new Date((from - longest) * 1000), new Date((from + 3600) * 1000)],
      [new Date((from + 3600 - slo.period.seconds) * 1000), new Date((from + 3600) * 1000)],
    ]);
    expect(calls[2].MetricDataQueries?.map((q) => q.MetricStat?.Period)).toEqual([300, 300]);
    const input = calls[0];
    expect(input.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Period, q.MetricStat?.Stat])).toEqual([
      ['s0_bad', 60, 'Sum'],
      ['s0_total', 60, 'Sum'],
    ]);
    const [r] = JSON.parse(stdout).reviews;
    expect(r.total).toBe(59_000);
    expect(r.good).toBe(56_500);
    expect(r.emptyBuckets).toBe(1);
    expect(r.incidents[0]).toMatchObject({ start: from + 1800, end: from + 2100, badEvents: 2500 });
    // The period budget comes from the budget read; CloudWatch had only this hour, and the review says so.
    expect(r.period).toMatchObject({ total: 59_000, good: 56_500, complete: false, dataFrom: from });
    expect(r.history).toMatchObject({ neededSeconds: longest, complete: false });
  });
});
