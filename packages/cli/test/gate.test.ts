/**
 * `sre gate` on file data built for each level of a policy: healthy, below the low threshold and
 * exhausted, plus the exact boundaries. The data is 30 days of hourly buckets of 1,000 requests
 * for a 99.9 % SLO, so the period budget is 720 bad events and `bad` sets what remains.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { runSre } from './run';

const SLOS = join(__dirname, 'fixtures', 'review', 'slos.yaml');
const SLO = 'checkout-availability';
const AT = Date.parse('2026-11-02T00:00:00Z') / 1000;
const HOURS = 30 * 24;
const PER_HOUR = 1000;
const BUDGET_EVENTS = (HOURS * PER_HOUR) / 1000; // 1 - 0.999 of the period's requests

const tmp = mkdtempSync(join(tmpdir(), 'sre-gate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const POLICY = join(tmp, 'policy.yaml');
writeFileSync(
  POLICY,
  `apiVersion: sre-kit/v1
kind: ErrorBudgetPolicy
metadata:
  name: deploys
spec:
  slos: [${SLO}]
  levels:
    - name: low
      remainingBelow: 25%
      allow: [fix]
      action: only fixes deploy
    - name: exhausted
      exhausted: true
      allow: []
      action: freeze until the budget recovers
`,
);

/** A CSV of the period ending at AT with `bad` failed requests, spread over four hours four days before AT. */
function data(name: string, bad: number, hours = HOURS): string {
  const file = join(tmp, `${name}.csv`);
  const rows = ['slo,timestamp,good,total'];
  const burst = [HOURS - 100, HOURS - 99, HOURS - 98, HOURS - 97];
  for (let h = HOURS - hours; h < HOURS; h++) {
    const t = AT - (HOURS - h) * 3600;
    const failed = burst.includes(h) ? bad / burst.length : 0;
    rows.push(`${SLO},${t},${PER_HOUR - failed},${PER_HOUR}`);
  }
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

const gate = (file: string, change: string, extra: string[] = []) =>
  runSre(['gate', SLOS, POLICY, '--source', 'file', '--data', file, '--at', String(AT), '--change', change, ...extra]);

const left = (bad: number) => `${((1 - bad / BUDGET_EVENTS) * 100).toFixed(1)} %`;

describe('sre gate --source file', () => {
  it('lets every change through on a healthy budget, saying how much is left', async () => {
    const bad = 144;
    const file = data('healthy', bad);
    for (const change of ['feature', 'fix']) {
      const { code, stdout } = await gate(file, change);
      expect(code).toBe(0);
      expect(stdout.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^${change} allowed: .*${SLO} has ${left(bad)} of its 30d error budget left`)),
      ]);
    }
  });

  it('below the low threshold refuses a feature with a one-line reason but lets a fix through', async () => {
    const bad = 648;
    const file = data('low', bad);
    const feature = await gate(file, 'feature');
    expect(feature.code).toBe(1);
    expect(feature.stdout.trim().split('\n')).toEqual([
      `feature refused: ${SLO} has ${left(bad)} of its 30d error budget left, level "low" (below 25.0 %) ` +
        'of policy deploys allows only fix: only fixes deploy',
    ]);
    const fix = await gate(file, 'fix');
    expect(fix.code).toBe(0);
    expect(fix.stdout).toMatch(/^fix allowed: /);
  });

  it('exhausted refuses even a fix', async () => {
    const bad = 864;
    const { code, stdout } = await gate(data('exhausted', bad), 'fix');
    expect(code).toBe(1);
    expect(stdout).toBe(
      `fix refused: ${SLO} has ${left(bad)} of its 30d error budget left, level "exhausted" (exhausted) ` +
        'of policy deploys allows nothing: freeze until the budget recovers\n',
    );
  });

  it('decides the boundaries as written: 25 % left is not below 25 %, 0 % left is exhausted', async () => {
    expect((await gate(data('at-25', 0.75 * BUDGET_EVENTS), 'feature')).code).toBe(0);
    expect((await gate(data('just-below-25', 0.75 * BUDGET_EVENTS + 4), 'feature')).code).toBe(1);
    const zero = await gate(data('at-0', BUDGET_EVENTS), 'fix');
    expect(zero.code).toBe(1);
    expect(zero.stdout).toContain('level "exhausted"');
    expect((await gate(data('at-0-fix-low', BUDGET_EVENTS - 4), 'fix')).code).toBe(0);
  });

  it('judges the same budget sre review computes', async () => {
    const file = data('same', 500);
    const review = await runSre([
      'review',
      SLOS,
      '--source',
      'file',
      '--data',
      file,
      '--from',
      String(AT - 86400),
      '--to',
      String(AT),
      '--format',
      'json',
    ]);
    const decision = JSON.parse((await gate(file, 'feature', ['--format', 'json'])).stdout);
    expect(decision.slos[0].remaining).toBeCloseTo(JSON.parse(review.stdout).reviews[0].period.remaining, 12);
  });

  it('writes JSON with every SLO, its level and the one-line reason; --out keeps it as an artifact', async () => {
    const out = join(tmp, 'decision.json');
    const { code, stdout } = await gate(data('json', 648), 'feature', ['--format', 'json', '--out', out]);
    expect(code).toBe(1);
    const decision = JSON.parse(stdout);
    expect(decision).toMatchObject({ version: 1, change: 'feature', allowed: false, ungoverned: [] });
    expect(decision.reason).toMatch(/^feature refused: /);
    expect(decision.reason).not.toContain('\n');
    expect(decision.slos).toEqual([
      expect.objectContaining({ slo: SLO, policy: 'deploys', level: 'low', allowed: false, complete: true }),
    ]);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(decision);
  });

  it('judges partial data on what it covers and says so', async () => {
    // Ten days of data: the 720-event budget of the 30d period shrinks to 240; 200 bad leaves 16.7 %.
    const { code, stdout, stderr } = await gate(data('partial', 200, 240), 'feature');
    expect(code).toBe(1);
    expect(stdout).toContain(
      `has ${((1 - 200 / 240) * 100).toFixed(1)} % of its 30d error budget left (data covers only 10d`,
    );
    expect(stderr).toContain('does not cover its whole 30d period');
  });

  it('refuses an SLO without events unless --allow-no-data', async () => {
    const file = join(tmp, 'silent.csv');
    writeFileSync(file, `slo,timestamp,good,total\n${SLO},${AT - 7200},0,0\n`);
    const refused = await gate(file, 'feature');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/no events in its 30d period/);
    expect((await gate(file, 'feature', ['--allow-no-data'])).code).toBe(0);
  });

  it('exits 2, not 1, when it cannot decide', async () => {
    const healthy = data('undecided', 0);
    const unknownChange = await gate(healthy, 'hotfix');
    expect(unknownChange).toMatchObject({ code: 2 });
    expect(unknownChange.stderr).toContain(
      'kind of change "hotfix" is not declared by ErrorBudgetPolicy deploys (feature, fix)',
    );

    const noPolicy = await runSre(['gate', SLOS, '--source', 'file', '--data', healthy, '--change', 'fix']);
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toContain('no ErrorBudgetPolicy in');

    const broken = join(tmp, 'broken.yaml');
    writeFileSync(broken, readFileSync(POLICY, 'utf8').replace('remainingBelow: 25%', 'remainingBelow: 25'));
    const bad = await runSre(['gate', SLOS, broken, '--source', 'file', '--data', healthy, '--change', 'fix']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /broken\.yaml:\d+:\d+: spec\.levels\[0\]\.remainingBelow: remainingBelow 25 is above 1 \(for a percentage write 25%/,
    );

    const otherSlo = join(tmp, 'other.csv');
    writeFileSync(otherSlo, `slo,timestamp,good,total\nsomething-else,${AT - 3600},1,1\n`);
    const missing = await gate(otherSlo, 'fix');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no budget for ${SLO}`);

    const usage = await runSre(['gate', SLOS, POLICY, '--source', 'file', '--data', healthy]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--change <kind>' not specified");
  });
});

describe('sre gate on the GoodGreets reference specs', () => {
  const ROOT = join(__dirname, '..', '..', '..');
  const EXAMPLE = join(__dirname, '..', 'examples', 'review-data.csv');
  const reference = (change: string) =>
    runSre([
      'gate',
      join(ROOT, 'slos'),
      '--source',
      'file',
      '--data',
      EXAMPLE,
      '--at',
      '2026-11-02T00:00:00Z',
      '--change',
      change,
      '--format',
      'json',
    ]);

  it('refuses a feature while api-availability is low and lets a fix through, as sre review advises', async () => {
    const review = await runSre([
      'review',
      join(ROOT, 'slos'),
      '--source',
      'file',
      '--data',
      EXAMPLE,
      '--from',
      '2026-11-01T00:00:00Z',
      '--to',
      '2026-11-02T00:00:00Z',
      '--format',
      'json',
    ]);
    const verdicts = Object.fromEntries(
      JSON.parse(review.stdout).reviews.map((r: { slo: string; verdict: { level: string } }) => [
        r.slo,
        r.verdict.level,
      ]),
    );
    expect(verdicts['api-availability']).toBe('caution');
    const feature = await reference('feature');
    expect(feature.code).toBe(1);
    const decision = JSON.parse(feature.stdout);
    expect(decision.reason).toMatch(
      /^feature refused: api-availability has \d+\.\d % of its 30d error budget left, level "low"/,
    );
    expect(decision.slos.map((s: { slo: string }) => s.slo).sort()).toEqual([
      'api-availability',
      'api-latency',
      'website-availability',
    ]);
    expect(feature.stderr).toContain('not gated (no ErrorBudgetPolicy): ');
    expect((await reference('fix')).code).toBe(0);
  });
});

describe('sre gate --source cloudwatch (mocked GetMetricData)', () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());

  it('reads the deployed dimension values from --dimension-values and gates on what CloudWatch returns', async () => {
    // 0.09 % of requests fail everywhere: 90 % of a 99.9 % budget spent, 10 % left, whatever the period read.
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const start = input.StartTime!.getTime() / 1000;
      const end = input.EndTime!.getTime() / 1000;
      const period = input.MetricDataQueries![0].MetricStat?.Period ?? input.MetricDataQueries![0].Period!;
      const times = Array.from(
        { length: Math.floor((end - start) / period) },
        (_, k) => new Date((start + k * period) * 1000),
      );
      return {
        MetricDataResults: input
          .MetricDataQueries!.filter((q) => q.ReturnData !== false)
          .map((q) => ({
            Id: q.Id,
            Timestamps: times,
            Values: times.map(() => (q.Id!.endsWith('_bad') ? 0.9 : 1000)),
            StatusCode: 'Complete' as const,
          })),
      };
    });
    const names = join(tmp, 'names.yaml');
    writeFileSync(names, 'app/shop/1: app/shop-prod/50dc6c495c0c9188\n');
    const { code, stdout, stderr } = await runSre([
      'gate',
      SLOS,
      POLICY,
      '--source',
      'cloudwatch',
      '--region',
      'us-east-1',
      '--change',
      'feature',
      '--dimension-values',
      names,
    ]);
    expect(stderr).not.toContain('warning: no placeholder');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^feature refused: checkout-availability has 10\.0 % of its 30d error budget left, level "low"/,
    );
    const dims = cw
      .commandCalls(GetMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricDataQueries ?? [])
      .flatMap((q) => q.MetricStat?.Metric?.Dimensions ?? []);
    expect(dims.length).toBeGreaterThan(0);
    expect(new Set(dims.map((d) => d.Value))).toEqual(new Set(['app/shop-prod/50dc6c495c0c9188']));
  });
});
