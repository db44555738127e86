/**
 * `sre review --source prometheus` against a real Prometheus (Debian's `prometheus`) fed by
 * promtool's OpenMetrics backfill: two hours of GoodGreets request counters with a ten-minute
 * full outage, reviewed through the loop SLO's own queries.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFiles, type Slo } from '@sre-kit/core';
import { freePort, waitReady } from '../src/loop/engines';
import { readPrometheusSeries } from '../src/review/prometheus-source';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const SPEC = join(ROOT, 'reference-app', 'loop', 'drill-slos.yaml');
const RPS = 10;
const SCRAPE = 15;

describe('sre review --source prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sre-review-prom-'));
  let prometheus: ChildProcess;
  let url: string;
  let slo: Slo;
  // Whole minutes, two hours ending ten minutes ago; the outage is [end-60m, end-50m).
  const end = Math.floor(Date.now() / 1000 / 3600) * 3600 - 600;
  const start = end - 2 * 3600;
  const outage = { from: end - 3600, to: end - 3000 };

  beforeAll(async () => {
    let ok = 0;
    let bad = 0;
    const okLines: string[] = [];
    const badLines: string[] = [];
    for (let t = start; t <= end; t += SCRAPE) {
      const failing = t > outage.from && t <= outage.to;
      if (failing) bad += RPS * SCRAPE;
      else if (t > start) ok += RPS * SCRAPE;
      okLines.push(`http_requests_total{route="/api/v1/designs",status="200"} ${ok} ${t}`);
      badLines.push(`http_requests_total{route="unmatched_api",status="500"} ${bad} ${t}`);
    }
    const om = join(dir, 'data.om');
    writeFileSync(om, ['# TYPE http_requests counter', ...okLines, ...badLines, '# EOF', ''].join('\n'));
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, join(dir, 'tsdb')], { stdio: 'pipe' });
    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await waitReady({ name: 'Prometheus', process: prometheus, log: '(ignored)' }, `${url}/-/ready`);
    slo = (await loadSpecFiles([SPEC])).slos[0];
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await new Promise((r) => prometheus?.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the requests and the failures of each bucket from the SLI queries', async () => {
    const series = await readPrometheusSeries(slo, { url, from: start, to: end, stepSeconds: 60 });
    const inOutage = series.filter((p) => p.t >= outage.from + 60 && p.t < outage.to - 60);
    const healthy = series.filter((p) => p.t >= start + 120 && p.t < outage.from - 60);
    expect(inOutage.length).toBeGreaterThan(5);
    for (const p of inOutage) expect(p).toMatchObject({ good: 0, total: expect.closeTo(RPS * 60, 0) });
    for (const p of healthy) expect(p.good).toBeCloseTo(p.total, 6);
    const bad = series.reduce((sum, p) => sum + p.total - p.good, 0);
    expect(bad).toBeCloseTo(RPS * 600, -2);
  });

  it('reads a range longer than one query allows in pages, to the same series', async () => {
    const options = { url, from: start, to: end, stepSeconds: 60 };
    const stats = { queries: 0 };
    const paged = await readPrometheusSeries(slo, { ...options, maxPointsPerQuery: 7 }, stats);
    expect(stats.queries).toBeGreaterThan(2 * 17);
    expect(paged).toEqual(await readPrometheusSeries(slo, options));
  });

  it('reports the budget the outage spent, in the same formats as the other sources', async () => {
    const run = await runSre([
      'review',
      SPEC,
      '--source',
      'prometheus',
      '--url',
      url,
      '--from',
      String(end - 3 * 3600 + 600),
      '--to',
      String(end),
      '--format',
      'json',
      // The spec holds every drill SLO; the recorded data is the API's only.
      '--slo',
      'api-availability',
    ]);
    expect(run.stderr).toMatch(/Prometheus range queries/);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as {
      reviews: { slo: string; good: number; total: number; met: boolean; incidents: { badEvents: number }[] }[];
    };
    expect(json.reviews).toHaveLength(1);
    const [review] = json.reviews;
    // Two hours of data at 10 requests/s inside the range, 6,000 of them failed in the outage.
    expect(review).toMatchObject({ slo: 'api-availability', total: 72_000, good: 66_000, met: false });
    expect(review.incidents.map((i) => i.badEvents)).toEqual([6000]);
  });

  it('sre gate reads the same budget from Prometheus and refuses even a fix once it is exhausted', async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(
      policy,
      'apiVersion: sre-kit/v1\nkind: ErrorBudgetPolicy\nmetadata: { name: drill }\nspec:\n' +
        '  slos: [api-availability]\n  levels:\n    - { remainingBelow: 25%, allow: [fix] }\n' +
        '    - { exhausted: true, allow: [] }\n',
    );
    const gate = await runSre([
      'gate',
      SPEC,
      policy,
      '--source',
      'prometheus',
      '--url',
      url,
      '--at',
      String(end),
      '--change',
      'fix',
      '--format',
      'json',
    ]);
    expect(gate.code).toBe(1);
    const decision = JSON.parse(gate.stdout);
    // 6,000 of 72,000 requests failed: 8.3 % errors against the objective's allowance.
    const expected = 1 - 6000 / 72_000 / (1 - slo.objective);
    expect(decision.slos).toEqual([
      expect.objectContaining({ slo: 'api-availability', level: 'exhausted', complete: false }),
    ]);
    expect(decision.slos[0].remaining).toBeCloseTo(expected, 6);
    expect(decision.reason).toMatch(
      /^fix refused: api-availability has -\d+\.\d % of its \S+ error budget left \(data covers only/,
    );
  });

  it('refuses --source prometheus without --url', async () => {
    const run = await runSre(['review', SPEC, '--source', 'prometheus']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--source prometheus needs --url');
  });
});
