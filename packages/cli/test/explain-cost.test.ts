import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LowTrafficGuard } from '@sre-kit/core';
import { runSre } from './run';

const FIX = join(__dirname, 'fixtures', 'explain-cost');
const SLO = join(FIX, 'slo.yaml');
const POLICY = join(FIX, 'policy.yaml');
const BROKEN = join(FIX, 'broken.yaml');
const PERIODS = join(FIX, 'periods.yaml');

describe('sre explain', () => {
  it('prints the 30 d tiers with thresholds and a ~52 s full-outage detection', async () => {
    const { stdout, code } = await runSre(['explain', SLO]);
    expect(code).toBe(0);
    expect(stdout).toContain('api-availability (service goodgreets): objective 99.9 % over 30d rolling');
    expect(stdout).toContain('43.2 min of full outage per 30d');
    const row = (tier: string) =>
      stdout
        .split('\n')
        .find((l) => l.trim().startsWith(tier))!
        .trim()
        .split(/\s{2,}/);
    expect(row('page-1h')).toEqual(['page-1h', 'page', '1h/5m', '14.4', '0.0144', '51.8s / 2 %', '4m56s', 'never']);
    expect(row('page-6h').slice(0, 5)).toEqual(['page-6h', 'page', '6h/30m', '6', '0.006']);
    expect(row('ticket-1d').slice(0, 5)).toEqual(['ticket-1d', 'ticket', '1d/2h', '3', '0.003']);
    expect(row('ticket-3d')).toEqual([
      'ticket-3d',
      'ticket',
      '3d/6h',
      '1',
      '0.001',
      '4m19s / 10 %',
      '6h',
      '1d12h / 10 %',
    ]);
  });

  it('--json is the documented stable document', async () => {
    const { stdout, code } = await runSre(['explain', SLO, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.version).toBe(1);
    expect(doc.slos).toHaveLength(1);
    const [slo] = doc.slos;
    expect(slo.tiers.map((t: { burnRate: number }) => t.burnRate)).toEqual([14.4, 6, 3, 1]);
    expect(slo.tiers[0].fullOutage.detectionSeconds).toBeCloseTo(51.84, 6);
    expect(slo.tiers[0].doubleBurn.detectionSeconds).toBeNull();
  });

  it('says at which traffic the low-traffic guard matters, per tier, in text and JSON', async () => {
    const json = JSON.parse((await runSre(['explain', SLO, '--json'])).stdout);
    const [slo] = json.slos;
    type Tier = {
      name: string;
      severity: string;
      longWindowSeconds: number;
      threshold: number;
      lowTraffic: LowTrafficGuard;
    };
    for (const t of slo.tiers as Tier[]) {
      const g = t.lowTraffic;
      // The default N: 1.5 / the slowest page's threshold (6 x 0.1 %), the same for every tier.
      expect(g.minEvents).toBe(250);
      expect(g.mattersBelowPerHour).toBeCloseTo((250 * 3600) / t.longWindowSeconds, 9);
      // Below that traffic: the smallest count of errors above threshold x N.
      expect(g.errorsToFire).toBe(Math.floor(t.threshold * 250 + 1e-9) + 1);
      // One failed request never pages (a quiet day's single error may open a ticket).
      if (t.severity === 'page') expect(g.errorsToFire).toBeGreaterThan(1);
      expect(g.neverFiresBelowPerHour).toBeCloseTo((g.errorsToFire * 3600) / t.longWindowSeconds, 9);
    }
    const { stdout } = await runSre(['explain', SLO]);
    expect(stdout).toContain(
      'page-1h: at least 250 events per 1h; matters below 250 requests/hour, where it takes 4 failed requests in 1h ' +
        'to fire (a single one never does); below 4 requests/hour even a full outage cannot fire it',
    );
    expect(stdout).toMatch(
      /page-6h: at least 250 events per 6h; matters below 42 requests\/hour, where it takes 2 failed/,
    );
  });

  it('shows tiers within the burn-rate rules for 7d, 1w, 4w, 28d, 30d and 90d SLOs', async () => {
    const { stdout, code } = await runSre(['explain', PERIODS, '--json']);
    expect(code).toBe(0);
    type Tier = {
      severity: string;
      burnRate: number;
      doubleBurn: { detectionSeconds: number | null; budgetSpent: number | null };
    };
    const slos: { name: string; period: string; tiers: Tier[] }[] = JSON.parse(stdout).slos;
    expect(slos.map((s) => [s.name, s.period])).toEqual([
      ['api-7d', '7d'],
      ['api-1w', '7d'],
      ['api-4w', '28d'],
      ['api-28d', '28d'],
      ['api-30d', '30d'],
      ['api-90d', '90d'],
    ]);
    for (const slo of slos) {
      const rates = slo.tiers.map((t) => t.burnRate);
      for (const t of slo.tiers) expect(t.burnRate).toBeGreaterThanOrEqual(t.severity === 'page' ? 3 : 0.9);
      expect(Math.min(...rates)).toBeLessThanOrEqual(1.5);
      // A 2x burn: no page, and a ticket before 90 % of the budget is spent.
      for (const t of slo.tiers.filter((x) => x.severity === 'page')) expect(t.doubleBurn.detectionSeconds).toBeNull();
      const spent = slo.tiers.map((t) => t.doubleBurn.budgetSpent).filter((x): x is number => x !== null);
      expect(Math.min(...spent)).toBeLessThan(0.9);
    }
    expect(slos[0].tiers).toEqual(slos[1].tiers);
    expect(slos[4].tiers.map((t) => t.burnRate)).toEqual([14.4, 6, 3, 1]);
  });

  it('prints the 7 d tiers as text', async () => {
    const { stdout } = await runSre(['explain', PERIODS]);
    const block = stdout.split('\n\n')[0];
    expect(block).toContain('api-7d (service goodgreets): objective 99.9 % over 7d rolling');
    const burns = block
      .split('\n')
      // Table rows only (the guard lines below the table start with "<tier>:").
      .filter((l) => /^\s+(page|ticket)-\S+\s{2,}/.test(l))
      .map((l) =>
        l
          .trim()
          .split(/\s{2,}/)
          .slice(0, 4),
      );
    expect(burns).toEqual([
      ['page-1h', 'page', '1h/5m', '3.36'],
      ['page-6h', 'page', '6h/30m', '3'],
      ['ticket-1d', 'ticket', '1d/2h', '1'],
      ['ticket-3d', 'ticket', '3d/6h', '1'],
    ]);
  });

  it('exits 1 with located errors and no report on a bad spec', async () => {
    const { stdout, stderr, code } = await runSre(['explain', SLO, BROKEN]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/broken\.yaml:\d+:\d+: .*objectives\[0\]\.target/);
  });

  it('exits 1 when the paths hold no SLO', async () => {
    const { stderr, code } = await runSre(['explain', POLICY]);
    expect(code).toBe(1);
    expect(stderr).toContain('no SLOs found');
  });
});

describe('sre cost', () => {
  it('prints the breakdown by SLO and family, and the total', async () => {
    const { stdout, code } = await runSre(['cost', SLO, POLICY, '--reviews-per-month', '0', '--view-hours', '0']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('viewing');
    const lines = stdout.split('\n');
    const amount = (label: string) =>
      lines
        .find((l) => l.trim().split(/\s{2,}/)[0] === label)!
        .trim()
        .split(/\s{2,}/)
        .pop();
    // SLO: 8 window alarms x 2 metrics x 0.10 + 4 tier composites and 2 suppressor composites x 0.50
    expect(amount('api-availability')).toBe('4.60');
    expect(amount('burn-rate window alarm')).toBe('1.60');
    expect(amount('burn-rate suppressor composite')).toBe('1.00');
    // lambda: errors, throttles, duration, concurrent executions = 4 metrics; NAT: 1 + 3 metrics
    expect(amount('lambda')).toBe('0.40');
    expect(amount('natgateway')).toBe('0.40');
    // The dashboards that show data (management, developer, SLO) x 3.00: with no WAF the security board
    // would be text alone, which neither the kit creates nor `sre cost` bills.
    expect(amount('dashboard')).toBe('9.00');
    expect(amount('Total')).toBe('14.40');
    expect(stdout).toMatch(/^free tier: not deducted: up to 10 USD \(10 alarm metrics, 3 dashboards/m);
    // Without reviews or custom SLI metrics, nothing is beyond what the kit's costReport() prices.
    expect(stdout).not.toContain("not in the CDK kit's costReport()");
  });

  it('--dashboards overrides the dashboards built from the specs; usage beyond the kit is named', async () => {
    const { stdout, code } = await runSre(['cost', SLO, POLICY, '--dashboards', '0']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/^\s+dashboard\s/m);
    expect(stdout).toMatch(
      /^not in the CDK kit's costReport\(\): the SLIs' custom metrics, review and dashboard-viewing GetMetricData/m,
    );
  });

  it('prices looking at each dashboard: metrics per refresh x refreshes while open, at the audience default or --refresh', async () => {
    const viewing = async (...extra: string[]) => {
      const { stdout, code } = await runSre(['cost', SLO, POLICY, '--json', '--reviews-per-month', '0', ...extra]);
      expect(code).toBe(0);
      const doc = JSON.parse(stdout) as {
        lines: Array<{ item: string; category: string; quantity: number; monthlyUsd: number; note?: string }>;
      };
      return doc.lines.filter((l) => l.category === 'dashboardViewing');
    };
    const byDefault = await viewing();
    // Boards that read nothing from CloudWatch (this fixture has no WAF for the security board) cost nothing.
    expect(byDefault.map((l) => l.item).sort()).toEqual(
      ['developer', 'management', 'slo'].map((a) => `viewing goodgreets-${a}`).sort(),
    );
    const perRefresh = (l: { note?: string }) => Number(/^(\d+) metrics per refresh/.exec(l.note ?? '')?.[1]);
    for (const line of byDefault) {
      expect(perRefresh(line)).toBeGreaterThan(0);
      const refresh =
        line.item.endsWith('management') || line.item.endsWith('slo')
          ? 900
          : line.item.endsWith('developer')
            ? 600
            : 300;
      expect(line.quantity).toBe(perRefresh(line) * Math.ceil((176 * 3600) / refresh));
      expect(line.monthlyUsd).toBeCloseTo((line.quantity / 1000) * 0.01, 4);
    }
    // Every board refreshed each minute requests 5, 10 or 15 times as much as at its default.
    const everyMinute = await viewing('--refresh', '1m', '--view-hours', '176');
    for (const line of everyMinute) {
      const base = byDefault.find((l) => l.item === line.item)!;
      expect(perRefresh(line)).toBe(perRefresh(base));
      expect(line.note).toContain('refresh every 1 min, open 176 h a month');
      expect([5, 10, 15]).toContain(line.quantity / base.quantity);
    }
    expect(await viewing('--view-hours', '0')).toEqual([]);
    const bad = await runSre(['cost', SLO, '--refresh', '0s']);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('expected a refresh interval')]);
  });

  it('--json with --free-tier and dashboards', async () => {
    const { stdout, code } = await runSre(['cost', SLO, POLICY, '--json', '--free-tier', '--dashboards', '4']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ version: 1, currency: 'USD', freeTierApplied: true });
    expect(doc.byCategory.dashboards).toBe(12);
    // 10 alarm metrics (1.00) and 3 dashboards (9.00) deducted.
    expect(doc.byCategory.freeTier).toBe(-10);
    expect(doc.totalUsd).toBeCloseTo(
      doc.lines.reduce((s: number, l: { monthlyUsd: number }) => s + l.monthlyUsd, 0),
      4,
    );
  });

  it("keeps each of GoodGreets' boards under 3 USD a month of viewing at the default refresh, open 176 h", async () => {
    const repo = join(__dirname, '..', '..', '..');
    const { stdout, code } = await runSre(['cost', join(repo, 'slos'), join(repo, 'alarms'), '--json']);
    expect(code).toBe(0);
    const views = (JSON.parse(stdout) as { lines: Array<{ item: string; category: string; monthlyUsd: number }> }).lines
      .filter((l) => l.category === 'dashboardViewing')
      .map((l) => [l.item, l.monthlyUsd < 3]);
    expect(views).toHaveLength(4);
    expect(views.filter(([, cheap]) => !cheap)).toEqual([]);
  });

  it('rejects a bad option value', async () => {
    const { stderr, code } = await runSre(['cost', SLO, '--dashboards', 'two']);
    expect(code).toBe(1);
    expect(stderr).toContain('expected a whole number');
  });
});

describe('the built bin', () => {
  const bin = join(__dirname, '..', 'dist', 'bin.js');

  it('runs explain and cost as a child process', () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
    const explain = spawnSync(process.execPath, [bin, 'explain', SLO], { encoding: 'utf8' });
    expect(explain.status).toBe(0);
    expect(explain.stdout).toMatch(/page-1h\s+page\s+1h\/5m\s+14\.4\s+0\.0144\s+51\.8s/);
    const cost = spawnSync(process.execPath, [bin, 'cost', SLO, POLICY], { encoding: 'utf8' });
    expect(cost.status).toBe(0);
    expect(cost.stdout).toMatch(/^Total\s+\d+\.\d\d$/m);
    const bad = spawnSync(process.execPath, [bin, 'explain', BROKEN], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
