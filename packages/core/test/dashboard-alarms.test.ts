/**
 * What dashboards owe the alarms: the SLO tiers' conditions evaluated with the alarms' own math, and
 * the runbook of every alarm whose threshold a panel draws. Also the deployed-names rewrite.
 */
import { buildDashboards, parseDeployedNames, sloTierAlarmName, withDeployedNames } from '../src/dashboards';
import { resolveAlarms } from '../src/catalogue';
import { errorBudget, planSloAlarms, tierThreshold } from '../src/math';
import type { AlarmStatusWidget, Dashboard, DashboardQuery, TimeSeriesWidget, Widget } from '../src/model/dashboard';
import { PANELS, POLICY, SLOS } from './fixtures/goodgreets';

const dashboards = buildDashboards({ slos: SLOS, alarmPolicies: [POLICY], service: 'goodgreets', panels: PANELS });
const byAudience = (audience: string) => dashboards.find((d) => d.audience === audience)!;
const widgets = (d: Dashboard): Widget[] => d.sections.flatMap((s) => s.widgets);
const titled = <W extends Widget>(d: Dashboard, title: string) => widgets(d).find((w) => w.title === title) as W;
const expressionOf = (queries: readonly DashboardQuery[], id: string) => {
  const q = queries.find((x) => x.id === id);
  return q && 'expression' in q ? q.expression : undefined;
};

describe('SLO firing tiers', () => {
  const firing = (displayName: string) => titled<AlarmStatusWidget>(byAudience('slo'), `${displayName}: firing tiers`);

  it('carries one condition per tier alarm, with the tier burn rate as the threshold', () => {
    for (const slo of SLOS) {
      const w = firing(slo.displayName!);
      const tiers = slo.alerting.policy.tiers;
      expect(w.conditions!.map((c) => c.alarmName)).toEqual(w.alarmNames);
      expect(w.alarmNames).toEqual(tiers.map((t) => sloTierAlarmName(slo, t)));
      tiers.forEach((tier, i) => {
        const c = w.conditions![i];
        expect(c.thresholds).toEqual([
          expect.objectContaining({
            value: tier.burnRate,
            severity: tier.severity === 'page' ? 'critical' : 'warning',
          }),
        ]);
        expect(c.queries.filter((q) => !q.hidden).map((q) => q.id)).toEqual(['burnlong', 'burnshort']);
      });
      expect(w.links).toEqual([{ title: 'Runbook', url: slo.alerting.runbookUrl }]);
    }
  });

  it("gives the management dashboard's alerting cell the same live conditions", () => {
    for (const slo of SLOS) {
      const alerting = titled<AlarmStatusWidget>(byAudience('management'), `${slo.displayName}: alerting`);
      expect(alerting.conditions).toEqual(firing(slo.displayName!).conditions);
    }
  });

  it('computes each window with the error-ratio math and threshold the window alarms use', () => {
    const slo = SLOS.find((s) => s.name === 'api-latency')!;
    const plan = planSloAlarms(slo);
    if (plan.kind !== 'cloudwatch') throw new Error('expected CloudWatch alarms');
    const prefixed = (p: string, expression: string) =>
      expression.replace(/\b(total|good|bad|ratio)\b/g, (id) => `${p}_${id}`);
    const budget = errorBudget(slo.objective);
    slo.alerting.policy.tiers.forEach((tier, i) => {
      const c = firing(slo.displayName!).conditions![i];
      const composite = plan.composites.find((x) => x.tier.name === tier.name)!;
      for (const [p, id, key, window] of [
        ['l', 'burnlong', composite.longAlarmKey, tier.longWindowSeconds],
        ['s', 'burnshort', composite.shortAlarmKey, tier.shortWindowSeconds],
      ] as const) {
        const alarm = plan.windowAlarms.find((a) => a.key === key)!;
        expect(expressionOf(c.queries, `${p}_errorRatio`)).toBe(prefixed(p, plan.query.errorRatio.expression));
        expect(expressionOf(c.queries, id)).toBe(`${p}_errorRatio / ${+budget.toPrecision(12)}`);
        // Burn rate past the tier's factor is exactly the error ratio past the alarm's threshold.
        expect(tier.burnRate * budget).toBeCloseTo(alarm.threshold, 12);
        expect(alarm.threshold).toBe(tierThreshold(tier, slo.objective));
        const metrics = c.queries.filter((q) => q.id.startsWith(`${p}_`) && 'source' in q);
        expect(metrics.map((q) => ('periodSeconds' in q ? q.periodSeconds : undefined))).toEqual(
          Object.keys(plan.query.metrics).map(() => window),
        );
        expect(alarm.windowSeconds).toBe(window);
      }
    });
  });

  it('evaluates Prometheus SLIs over the same windows', () => {
    const slo = SLOS.find((s) => s.name === 'card-delivery')!;
    const tier = slo.alerting.policy.tiers[0];
    const c = firing(slo.displayName!).conditions![0];
    const promql = c.queries.map((q) => ('source' in q && q.source.type === 'Prometheus' ? q.source.query : ''));
    expect(promql[0]).toContain(`[${tier.longWindowSeconds / 3600}h]`);
    expect(promql[1]).toContain(`[${tier.shortWindowSeconds / 60}m]`);
  });
});

describe('runbook links on panels that draw alarm thresholds', () => {
  const alarms = resolveAlarms(POLICY);
  const dev = byAudience('developer');

  it('links every family panel to the runbook of each alarm whose threshold it draws', () => {
    let checked = 0;
    for (const w of widgets(dev)) {
      if (w.type !== 'timeSeries' || w.thresholds.length === 0) continue;
      const resource = w.title.split(':')[0];
      const drawn = alarms.filter(
        (a) => a.resourceId === resource && w.thresholds.some((t) => t.label.startsWith(`${a.title} (`)),
      );
      expect(drawn.length).toBeGreaterThan(0);
      const urls = (w.links ?? []).map((l) => l.url);
      for (const a of drawn)
        expect({ panel: w.title, urls }).toEqual({ panel: w.title, urls: expect.arrayContaining([a.runbookUrl]) });
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    // Errors and throttles share a panel, so neither line is drawn there: each alarm has its own panel and runbook.
    expect(titled<TimeSeriesWidget>(dev, 'delivery: Errors and throttles').thresholds).toEqual([]);
    expect(titled<TimeSeriesWidget>(dev, 'delivery: Lambda function errors').links).toEqual([
      { title: 'Runbook', url: 'https://runbooks.example/alarms/lambda.errors' },
    ]);
    expect(titled<TimeSeriesWidget>(dev, 'db: CPU').links).toEqual([
      { title: 'Runbook', url: 'https://runbooks.example/alarms/rds.cpu-utilization' },
    ]);
  });

  it('draws a 5-minute alarm over 5-minute sums on a panel of its own, not over the 1-minute allowed/blocked panel', () => {
    const alarm = alarms.find((a) => a.catalogueId === 'waf.blocked-requests')!;
    expect(alarm.periodSeconds).toBe(300);
    const shared = titled<TimeSeriesWidget>(dev, 'edge: Allowed and blocked');
    expect(shared.thresholds).toEqual([]);
    const own = widgets(dev).find(
      (w): w is TimeSeriesWidget =>
        w.type === 'timeSeries' && w.thresholds.some((t) => t.label.startsWith(`${alarm.title} (`)),
    )!;
    expect(own.periodSeconds).toBe(300);
    expect(own.queries).toHaveLength(1);
  });

  it('keeps the WAF blocked-requests runbook on the security dashboard, without a line over the per-rule series', () => {
    const security = titled<TimeSeriesWidget>(byAudience('security'), 'edge: blocked by rule');
    expect(security.thresholds).toEqual([]);
    expect(security.links).toEqual([{ title: 'Runbook', url: 'https://runbooks.example/alarms/waf.blocked-requests' }]);
    const total = security.queries.find((q) => q.id === 'blocked');
    expect(total).toMatchObject({ source: { metricName: 'BlockedRequests', dimensions: { Rule: 'ALL' } } });
  });
});

describe('deployed names', () => {
  it('parses a YAML or JSON mapping of placeholder to deployed value', () => {
    const yaml = parseDeployedNames(
      'goodgreets-delivery: prod-Delivery-1A2B\n"/goodgreets/api": /prod/api\n',
      'n.yaml',
    );
    expect(yaml.diagnostics).toEqual([]);
    expect(yaml.names).toEqual([
      { placeholder: 'goodgreets-delivery', deployed: 'prod-Delivery-1A2B', line: 1, col: 1 },
      { placeholder: '/goodgreets/api', deployed: '/prod/api', line: 2, col: 1 },
    ]);
    const json = parseDeployedNames('{\n  "E0000000000000": "E1ABCDEF"\n}\n', 'n.json');
    expect(json.names).toEqual([{ placeholder: 'E0000000000000', deployed: 'E1ABCDEF', line: 2, col: 3 }]);
  });

  it.each([
    ['- a\n- b\n', 1, 1, 'expected a mapping'],
    ['a: x\nb: 12\n', 2, 4, 'b: deployed value must be a non-empty string'],
    ['a: x\nb:\n', 2, 3, 'b: deployed value must be a non-empty string'],
    ['a: x\n12: y\n', 2, 1, 'placeholder must be a non-empty string'],
    ['a: x\na: y\n', 2, 1, 'Map keys must be unique'],
    ['a: [x\n', 2, 1, ''],
    ['', 1, 1, 'expected a mapping'],
  ])('locates what is wrong in %j', (text, line, col, message) => {
    const parsed = parseDeployedNames(text, 'n.yaml');
    expect(parsed.names).toEqual([]);
    expect(parsed.diagnostics[0]).toMatchObject({ severity: 'error', file: 'n.yaml', line, col });
    expect(`${parsed.diagnostics[0].path}: ${parsed.diagnostics[0].message}`).toContain(message);
  });

  it('rewrites dimensions, SEARCH terms, log groups and tier conditions, whole values only, and reports unused names', () => {
    const { dashboards: out, unused } = withDeployedNames(dashboards, [
      { placeholder: 'goodgreets-delivery', deployed: 'prod-Delivery-1A2B' },
      { placeholder: 'goodgreets', deployed: 'prod "acl"' },
      { placeholder: 'app/goodgreets/0123456789abcdef', deployed: 'app/prod-alb/fedcba' },
      { placeholder: '/goodgreets/api', deployed: '/prod/api' },
      { placeholder: 'not-in-any-dashboard', deployed: 'x' },
    ]);
    expect(unused).toEqual(['not-in-any-dashboard']);
    const text = JSON.stringify(out);
    expect(text).not.toContain('"goodgreets-delivery"');
    expect(text).not.toContain('app/goodgreets/0123456789abcdef');
    // A substring of another name is not a match.
    expect(text).toContain('goodgreets-db');
    const find = (audience: string, title: string) =>
      widgets(out.find((d) => d.audience === audience)!).find((w) => w.title === title)!;
    expect(find('developer', 'delivery: Invocations')).toMatchObject({
      queries: [{ source: { dimensions: { FunctionName: 'prod-Delivery-1A2B' } } }],
    });
    expect(expressionOf((find('security', 'edge: blocked by rule') as TimeSeriesWidget).queries, 'rules')).toBe(
      `SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="BlockedRequests" WebACL="prod \\"acl\\""', 'Sum', 300)`,
    );
    expect(find('security', 'Rejected uploads (logs)')).toMatchObject({ logGroupNames: ['/prod/api'] });
    const tier = (find('slo', 'api availability: firing tiers') as AlarmStatusWidget).conditions![0];
    expect(tier.queries.find((q) => q.id === 'l_total')).toMatchObject({
      source: { dimensions: { LoadBalancer: 'app/prod-alb/fedcba' } },
    });
    // The input models are left as they were.
    expect(JSON.stringify(dashboards)).toContain('"goodgreets-delivery"');
  });
});
