/**
 * `sre backtest` end to end in-process: generate a seeded history file, backtest it against the example
 * proposal, read the same file back with --source file, and refuse bad input with located errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { generateHistory, type SeriesPoint, type SloBacktest } from '@sre-kit/core';
import { mockClient } from 'aws-sdk-client-mock';
import { runSre } from './run';

const ROOT = join(__dirname, '../../..');
const SLOS = join(ROOT, 'slos');
const PROPOSED = join(ROOT, 'packages/cli/examples/backtest-proposed.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'sre-backtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DATA = join(tmp, 'history.csv');
const base = ['backtest', SLOS, '--slo', 'api-availability', '--compare', PROPOSED];

describe('sre backtest', () => {
  let generated: SloBacktest;

  beforeAll(async () => {
    const r = await runSre([...base, '--generate', DATA, '--seed', '4', '--format', 'json']);
    expect(r.stderr).toContain(`wrote ${DATA}`);
    expect(r.code).toBe(0);
    generated = (JSON.parse(r.stdout) as { backtests: SloBacktest[] }).backtests[0];
  });

  it('generates the file it says it holds, and tells what it put in', async () => {
    const lines = readFileSync(DATA, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('slo,timestamp,good,total');
    expect(lines).toHaveLength(1 + (90 * 86400) / 300);
    const again = await runSre([...base, '--generate', join(tmp, 'again.csv'), '--seed', '4', '--format', 'json']);
    expect(readFileSync(join(tmp, 'again.csv'), 'utf8')).toBe(readFileSync(DATA, 'utf8'));
    for (const name of ['incident 1', 'incident 2', 'slow leak']) expect(again.stderr).toContain(name);
  });

  it('reads the generated file back with --source file to the same backtest', async () => {
    const r = await runSre([...base, '--source', 'file', '--data', DATA, '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { backtests: SloBacktest[] }).backtests[0]).toEqual(generated);
  });

  it('compares the specs policy with the proposal on the same burns', () => {
    expect(generated.variants.map((v) => v.name)).toEqual(['current', 'proposed']);
    expect(generated.variants[1].source).toContain('backtest-proposed.yaml');
    const threatening = generated.burns.filter((b) => b.significant).map((b) => b.id);
    expect(threatening).toHaveLength(3);
    for (const v of generated.variants) expect(v.detections.map((d) => d.burn)).toEqual(threatening);
    // The proposal's ErrorBudgetPolicy restricts below 50 %, the specs' below 25 %: more days, never fewer.
    expect(generated.variants[1].budgetPolicy).toBe('strict-deploys');
    expect(generated.variants[1].restrictedDays).toBeGreaterThanOrEqual(generated.variants[0].restrictedDays);
  });

  it('compares two ErrorBudgetPolicy levels alone: same alerts, the gate days differ by the levels', async () => {
    const file = join(tmp, 'budget-only.yaml');
    writeFileSync(
      file,
      `apiVersion: sre-kit/v1
kind: ErrorBudgetPolicy
metadata:
  name: freeze-at-10
spec:
  levels:
    - name: nearly-out
      remainingBelow: 10%
      allow: []
`,
    );
    const r = await runSre([
      ...base.slice(0, 4),
      '--compare',
      file,
      '--source',
      'file',
      '--data',
      DATA,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const [current, proposed] = (JSON.parse(r.stdout) as { backtests: SloBacktest[] }).backtests[0].variants;
    expect(proposed.source).toBe('budget-only.yaml (budget policy freeze-at-10)');
    expect(proposed.alerts).toEqual(current.alerts);
    // Freezing below 10 % freezes at least every day the specs' policy found the budget exhausted.
    expect(proposed.freezeDays).toBeGreaterThanOrEqual(current.freezeDays);
    expect(proposed.freezeDays).toBe(proposed.restrictedDays);
    expect(proposed.daysAtLevel).toEqual({ 'nearly-out': proposed.freezeDays });
  });

  it('writes Markdown and a self-contained HTML file', async () => {
    const md = await runSre([...base, '--source', 'file', '--data', DATA]);
    expect(md.stdout).toContain('### Policies compared');
    const out = join(tmp, 'report.html');
    const html = await runSre([...base, '--source', 'file', '--data', DATA, '--format', 'html', '--out', out]);
    expect(html.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).toContain('<svg');
    expect(text).not.toMatch(/<script|<link/);
  });

  it('keeps the committed example reports (docs/backtest-example.*) in step with the documented commands', async () => {
    // The README's commands generate seed 4 (as beforeAll did) and read the file back; the report is the same.
    for (const [format, file] of [
      ['markdown', 'backtest-example.md'],
      ['html', 'backtest-example.html'],
    ]) {
      const r = await runSre([...base, '--source', 'file', '--data', DATA, '--format', format]);
      const committed = readFileSync(join(ROOT, 'docs', file), 'utf8');
      // On a change, rerun the two commands in packages/cli/README.md ("sre backtest").
      expect(r.stdout).toBe(committed);
    }
  });

  it('points at the bad row of a data file', async () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 'slo,timestamp,good,total\napi-availability,1785542400,10,5\n');
    const r = await runSre([...base, '--source', 'file', '--data', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2:`);
    expect(r.stderr).toContain('good (10) exceeds total (5)');
  });

  it('points at the error in a --compare file', async () => {
    const bad = join(tmp, 'proposed.yaml');
    writeFileSync(
      bad,
      'apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nmetadata:\n  name: x\nspec:\n  sloPeriod: 30x\n',
    );
    const r = await runSre([...base.slice(0, 4), '--compare', bad, '--source', 'file', '--data', DATA]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:6:\\d+: spec\\.sloPeriod`));
  });

  it.each([
    [['--generate', join(tmp, 'x.csv'), '--days', '5'], /cannot generate: days 5 is too short/],
    [['--generate', join(tmp, 'x.csv'), '--seed', 'abc'], /--seed "abc" is not a whole number/],
    [['--source', 'file', '--data', DATA, '--significant', '200%'], /--significant "200%"/],
    [['--source', 'file', '--data', DATA, '--burn-window', '10s'], /--burn-window "10s" is not a duration of a minute/],
    [['--source', 'file'], /give --source file --data FILE, or --generate FILE/],
    [['--generate', join(tmp, 'x.csv'), '--data', DATA], /--generate writes its own data/],
    [['--source', 'file', '--data', DATA, '--from', 'yesterday'], /--from "yesterday" is not a time/],
  ])('refuses %j', async (args, message) => {
    const r = await runSre([...base, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('sre backtest --source cloudwatch (mocked GetMetricData)', () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());
  const DAY = 86400;
  // 90 days of generated history ending at the last whole hour: the mock answers from it as CloudWatch would.
  const to = Math.floor(Date.now() / 1000 / 3600) * 3600;
  const from = to - 90 * DAY;
  const history = generateHistory({ seed: 5, start: from, objective: 0.999 });

  /** Sums of the generated buckets per requested period: the `_bad` and `_total` queries of the SLO. */
  function answer(series: readonly SeriesPoint[]) {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const start = input.StartTime!.getTime() / 1000;
      const end = input.EndTime!.getTime() / 1000;
      const returned = input.MetricDataQueries!.filter((q) => q.ReturnData !== false);
      const period = returned[0].Period ?? returned[0].MetricStat!.Period!;
      const sums = new Map<number, { bad: number; total: number }>();
      for (const p of series) {
        if (p.t < start || p.t >= end) continue;
        const t = start + Math.floor((p.t - start) / period) * period;
        const s = sums.get(t) ?? { bad: 0, total: 0 };
        sums.set(t, { bad: s.bad + p.total - p.good, total: s.total + p.total });
      }
      const times = [...sums.keys()].sort((a, b) => a - b);
      return {
        MetricDataResults: returned.map((q) => ({
          Id: q.Id,
          Timestamps: times.map((t) => new Date(t * 1000)),
          Values: times.map((t) => (q.Id!.endsWith('_bad') ? sums.get(t)!.bad : sums.get(t)!.total)),
          StatusCode: 'Complete' as const,
        })),
      };
    });
  }

  const cwArgs = (...extra: string[]) => [
    ...base,
    '--source',
    'cloudwatch',
    '--region',
    'us-east-1',
    '--from',
    String(from),
    '--to',
    String(to),
    '--format',
    'json',
    ...extra,
  ];

  it('at 5-minute buckets backtests exactly what the file source does on the same buckets', async () => {
    answer(history.series);
    const r = await runSre(cwArgs('--period', '300'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/in 5m buckets/);
    const file = join(tmp, 'cw.csv');
    writeFileSync(
      file,
      ['slo,timestamp,good,total', ...history.series.map((p) => `api-availability,${p.t},${p.good},${p.total}`)].join(
        '\n',
      ),
    );
    const f = await runSre([...base, '--source', 'file', '--data', file, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(f.stdout));
    // It asked from the longest period or window before --from: 30 days for this SLO.
    const first = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(first.StartTime!.getTime() / 1000).toBe(from - 30 * DAY);
  });

  it('reads 90 days back at CloudWatch 1-hour resolution, says so, and still finds the story', async () => {
    answer(history.series);
    const r = await runSre(cwArgs());
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/in 1h buckets \(the finest CloudWatch keeps that far back\)/);
    const b = (JSON.parse(r.stdout) as { backtests: SloBacktest[] }).backtests[0];
    expect(b.stepSeconds).toBe(3600);
    const md = await runSre([...cwArgs().slice(0, -2)]);
    expect(md.stdout).toContain('the data comes in 1h buckets, longer than the shortest alert window (5m)');
    const leak = history.episodes.find((e) => e.kind === 'leak')!;
    const leakBurn = b.burns.find((x) => x.start < leak.end && leak.start < x.end && x.significant);
    expect(leakBurn).toBeDefined();
    expect(b.variants[0].missed).not.toContain(leakBurn!.id);
  });
});
