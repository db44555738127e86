import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
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
    const api = reviews.find((r: { slo: string }) => r.slo === 'api-availability');
    // 25 minutes at 8 %: the 1 h tier pages, the budget of the day is gone.
    expect(api.verdict.level).toBe('freeze');
    expect(api.tiers.find((t: { tier: string }) => t.tier === 'page-1h').intervals).toHaveLength(1);
    expect(api.incidents[0]).toMatchObject({ start: 1793541600, end: 1793543100, peakErrorRatio: 0.08 });
    expect(reviews.map((r: { verdict: { level: string } }) => r.verdict.level)).toEqual(['freeze', 'ok', 'ok']);
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
      });
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
    expect(stderr).toContain(
      'sre review: 2 GetMetricData call(s), 4 metrics requested (1m period, 0 throttling retries), cost $0.0000',
    );
    const input = cw.commandCalls(GetMetricDataCommand)[0].args[0].input as GetMetricDataCommandInput;
    expect(input.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Period, q.MetricStat?.Stat])).toEqual([
      ['s0_bad', 60, 'Sum'],
      ['s0_total', 60, 'Sum'],
    ]);
    const [r] = JSON.parse(stdout).reviews;
    expect(r.total).toBe(59_000);
    expect(r.good).toBe(56_500);
    expect(r.emptyBuckets).toBe(1);
    expect(r.incidents[0]).toMatchObject({ start: from + 1800, end: from + 2100, badEvents: 2500 });
  });
});
