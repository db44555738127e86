import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, loadSpecFiles } from '../src/spec';

// The CI clone has shared/ next to the repository folder, as this machine does.
const CORPUS = join(__dirname, '../../../../shared/corpus');

function specFiles(dir: string): string[] {
  return readdirSync(join(CORPUS, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(CORPUS, dir, f));
}

const errorsOf = (set: Awaited<ReturnType<typeof loadSpecFiles>>) =>
  set.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('external corpus', () => {
  const openslo = specFiles('openslo');
  const sloth = specFiles('sloth');
  const windows = specFiles('sloth/windows');

  it('has the files this suite is about', () => {
    expect(openslo.length).toBeGreaterThanOrEqual(4);
    expect(sloth.length).toBeGreaterThanOrEqual(6);
    expect(windows.length).toBeGreaterThanOrEqual(2);
  });

  it.each(openslo)('OpenSLO %s loads without errors', async (file) => {
    const set = await loadSpecFiles([file]);
    expect(errorsOf(set)).toEqual([]);
    expect(set.slos.length).toBeGreaterThanOrEqual(1);
    for (const slo of set.slos) {
      expect(slo.origin.format).toBe('openslo');
      expect(slo.objective).toBeGreaterThan(0);
      expect(slo.objective).toBeLessThan(1);
    }
  });

  it.each(sloth)('Sloth %s loads without errors', async (file) => {
    const set = await loadSpecFiles([file]);
    expect(errorsOf(set)).toEqual([]);
    expect(set.slos.length).toBeGreaterThanOrEqual(1);
    for (const slo of set.slos) expect(slo.period.seconds).toBe(30 * 86400);
  });

  it.each(windows)('Sloth AlertWindows %s loads without errors into four tiers', async (file) => {
    const set = await loadSpecFiles([file]);
    expect(errorsOf(set)).toEqual([]);
    const policies = Object.values(set.alertWindows);
    expect(policies).toHaveLength(1);
    expect(policies[0].tiers.map((t) => t.severity)).toEqual(['page', 'page', 'ticket', 'ticket']);
  });

  it('reads the timeslices SLO with two objectives as two SLOs with their own targets', async () => {
    const set = await loadSpecFiles([join(CORPUS, 'openslo/budgeting-method_timeslices-slo.yaml')]);
    expect(set.slos.map((s) => [s.name, s.objective, s.timeSliceTarget, s.timeSliceWindowSeconds])).toEqual([
      ['service-availability-internal-objective', 0.995, 0.99, 60],
      ['service-availability-sla', 0.99, 0.99, 60],
    ]);
    expect(set.slos[0].period).toEqual({ seconds: 60, rolling: false });
    expect(set.slos[0].budgetingMethod).toBe('Timeslices');
    // The corpus writes 1m and comments "1 month": warn, since OpenSLO's month is 1M.
    expect(set.diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(/:27:17: spec\.timeWindow\[0\]\.duration: warning: an SLO period of 1m is very short/),
    );
  });

  it('keeps the "Any" threshold source opaque and takes op/value from the objective', async () => {
    const set = await loadSpecFiles([join(CORPUS, 'openslo/budgeting-method_occurences-slo.yaml')]);
    const [slo] = set.slos;
    expect(slo.indicator).toEqual({
      kind: 'threshold',
      metric: { type: 'Opaque', sourceType: 'Any', spec: { query: 'Any' } },
      operator: 'lt',
      threshold: 500,
    });
    expect(slo.period).toEqual({ seconds: 14 * 86400, rolling: true });
  });

  it('imports Sloth events, raw and disabled alerts as the model says', async () => {
    const set = await loadSpecFiles([
      join(CORPUS, 'sloth/getting-started.yml'),
      join(CORPUS, 'sloth/raw-home-wifi.yml'),
      join(CORPUS, 'sloth/no-alerts.yml'),
    ]);
    const byName = Object.fromEntries(set.slos.map((s) => [s.name, s]));
    const gs = byName['myservice-requests-availability'];
    expect(gs.objective).toBe(0.999);
    expect(gs.labels).toEqual({ owner: 'myteam', repo: 'myorg/myservice', tier: '2' });
    expect(gs.indicator.kind).toBe('ratio');
    expect(gs.alerting.pageAlertName).toBe('MyServiceHighErrorRate');
    expect(gs.alerting.page?.labels).toEqual({ severity: 'pageteam', routing_key: 'myteam' });
    expect(gs.alerting.policy.tiers.map((t) => t.burnRate)).toEqual([14.4, 6, 3, 1]);
    expect(byName['home-wifi-wifi-client-satisfaction'].indicator.kind).toBe('rawErrorRatio');
    expect(byName['myapp-http-availability'].alerting.enabled).toBe(false);
  });

  it('turns AlertWindows into burn rates from errorBudgetPercent x period / long window', async () => {
    const set = await loadSpecFiles([join(CORPUS, 'sloth/windows')]);
    const week = set.alertWindows['7d'];
    expect(week.periodSeconds).toBe(7 * 86400);
    // 8 % of a 7 d budget in 1 h: 0.08 x 168 = 13.44.
    expect(week.tiers[0]).toMatchObject({ longWindowSeconds: 3600, shortWindowSeconds: 300, burnRate: 13.44 });
    expect(set.alertWindows['custom-30d'].tiers[0]).toMatchObject({ longWindowSeconds: 1800, burnRate: 14.4 });
  });
});
