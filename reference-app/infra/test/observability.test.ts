import * as fs from 'node:fs';
import {
  buildSpecDashboards,
  estimateCost,
  inventoryForSpecs,
  loadSpecFilesSync,
  planSloAlarms,
  type CostCategory,
} from '@sre-kit/core';
import { ALARMS_DOC, renderAlarmsDoc } from '../src/alarms-doc-main';
import { SPEC_PATHS } from '../src/stacks/observability';
import { synthesize } from './synth';

const { json, stacks } = synthesize();
const specs = loadSpecFilesSync(SPEC_PATHS);

type Resource = { Type: string; Properties?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
const all: { stack: string; id: string; r: Resource }[] = Object.entries(json).flatMap(([stack, t]) =>
  Object.entries(t.Resources).map(([id, r]) => ({ stack, id, r })),
);
const tagsOf = (r: Resource): Record<string, string> =>
  Object.fromEntries(((r.Properties?.Tags as { Key: string; Value: string }[]) ?? []).map((t) => [t.Key, t.Value]));
const metricAlarms = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::Alarm');
const composites = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::CompositeAlarm');

/** Every literal a spec uses as a dimension value: a deployed alarm or dashboard must not read one of these. */
const placeholders = new Set(
  [
    ...specs.alarmPolicies.flatMap((p) =>
      Object.values(p.families).flatMap((rs) => rs!.flatMap((r) => Object.values(r.dimensions))),
    ),
    ...JSON.stringify(specs.slos).matchAll(/"dimensions":\{([^}]*)\}/g),
  ].flatMap((v) => (typeof v === 'string' ? [v] : [...v[1].matchAll(/:"([^"]+)"/g)].map((m) => m[1]))),
);
// Literal values that are real, not placeholders: fixed dimensions of the catalogue and of the app's own metrics.
const REAL_LITERALS = new Set(['ALL', 'us-east-1', 'EntireBucket', 'production', 'Global']);

function dimensionValues(dimensions: { Name: string; Value: unknown }[] | undefined): unknown[] {
  return (dimensions ?? []).map((d) => d.Value);
}

describe('sre-kit applied to GoodGreets', () => {
  it('puts alarms of all seven families on the stacks’ own resources, never on spec placeholders', () => {
    const families = new Set(metricAlarms.map(({ r }) => tagsOf(r)['sre-kit:family']));
    for (const family of ['lambda', 'ecs', 's3', 'alb', 'rds', 'waf', 'natgateway', 'slo'])
      expect(families).toContain(family);
    for (const { id, r } of metricAlarms) {
      const values = [
        ...dimensionValues(r.Properties?.Dimensions),
        ...(
          (r.Properties?.Metrics as {
            MetricStat?: { Metric: { Dimensions?: { Name: string; Value: unknown }[] } };
          }[]) ?? []
        ).flatMap((m) => dimensionValues(m.MetricStat?.Metric.Dimensions)),
      ];
      for (const value of values) {
        // A reference (Ref, Fn::GetAtt, Fn::ImportValue, Fn::Select...) points at a resource of the app.
        if (typeof value !== 'string') continue;
        expect({ id, value, placeholder: placeholders.has(value) && !REAL_LITERALS.has(value) }).toEqual({
          id,
          value,
          placeholder: false,
        });
      }
    }
  });

  it('maps every resource of alarms/goodgreets.yaml (an unmapped one would fail synth)', () => {
    const expected = specs.alarmPolicies.flatMap((p) =>
      Object.entries(p.families).flatMap(([family, rs]) => rs!.map((r) => `${family}/${r.id}`)),
    );
    const deployed = new Set(
      metricAlarms.map(({ r }) => `${tagsOf(r)['sre-kit:family']}/${tagsOf(r)['sre-kit:resource']}`),
    );
    for (const resource of expected) expect(deployed).toContain(resource);
  });

  it('creates the burn-rate alarm set of every SLO that has a CloudWatch plan', () => {
    for (const slo of specs.slos) {
      const plan = planSloAlarms(slo);
      // The tier composites are the ones with actions; the others only suppress slower tiers.
      const tiers = composites.filter(
        ({ r }) =>
          tagsOf(r)['sre-kit:slo'] === slo.name && tagsOf(r)['sre-kit:tier'] && r.Properties?.AlarmActions?.length,
      );
      if (plan.kind === 'none') {
        expect({ slo: slo.name, tiers: tiers.length }).toEqual({ slo: slo.name, tiers: 0 });
        continue;
      }
      expect({ slo: slo.name, tiers: tiers.map(({ r }) => tagsOf(r)['sre-kit:tier']).sort() }).toEqual({
        slo: slo.name,
        tiers: plan.composites.map((c) => c.tier.name).sort(),
      });
      const windows = metricAlarms.filter(({ r }) => tagsOf(r)['sre-kit:slo'] === slo.name);
      expect(windows).toHaveLength(plan.windowAlarms.length);
    }
    expect(composites.length).toBeGreaterThan(0);
  });

  it('gives every alarm an action, unless it only feeds a composite alarm that has one', () => {
    const referenced = (name: string) =>
      composites.some(
        ({ r }) =>
          JSON.stringify(r.Properties?.AlarmRule ?? '').includes(name) && (r.Properties?.AlarmActions?.length ?? 0) > 0,
      );
    const silent = [...metricAlarms, ...composites].filter(({ r }) => !(r.Properties?.AlarmActions?.length > 0));
    const orphans = silent.filter(({ id, r }) => {
      const name = typeof r.Properties?.AlarmName === 'string' ? r.Properties.AlarmName : id;
      // Suppressor composites ("faster tiers firing") exist only to mute slower tiers' actions.
      const isSuppressor = composites.some(({ r: c }) => {
        const suppressor = JSON.stringify(c.Properties?.ActionsSuppressor ?? '');
        return suppressor.includes(name) || suppressor.includes(`"${id}"`);
      });
      return !referenced(name) && !referenced(`"${id}"`) && !isSuppressor;
    });
    expect(orphans.map(({ stack, id }) => `${stack}/${id}`)).toEqual([]);
  });

  it('routes alarms to the alert router, which reads the routing spec and the Slack secrets it names', () => {
    const subscriptions = all.filter(
      ({ r }) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'lambda',
    );
    expect(subscriptions.length).toBeGreaterThanOrEqual(3);
    const policies = JSON.stringify(all.filter(({ r }) => r.Type === 'AWS::IAM::Policy').map(({ r }) => r.Properties));
    for (const secret of ['goodgreets/slack/page', 'goodgreets/slack/team'])
      expect(policies).toContain(`secret:${secret}`);
  });

  it('shows on its dashboards only metrics of the app’s own resources', () => {
    const dashboards = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards.map(({ r }) => r.Properties?.DashboardName).sort()).toEqual([
      'goodgreets-developer',
      'goodgreets-management',
      'goodgreets-security',
      'goodgreets-slo',
    ]);
    for (const { r } of dashboards) {
      const body = r.Properties!.DashboardBody;
      // The body is JSON text joined around references to the app's resources; the literal parts must not
      // carry a spec placeholder as a dimension value.
      const literal =
        typeof body === 'string'
          ? body
          : (body['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'string').join('\u0000');
      for (const value of placeholders) {
        if (REAL_LITERALS.has(value)) continue;
        expect({ dashboard: r.Properties?.DashboardName, value, shown: literal.includes(`"${value}"`) }).toEqual({
          dashboard: r.Properties?.DashboardName,
          value,
          shown: false,
        });
      }
    }
  });

  it('estimates the monthly CloudWatch cost of the whole observability set', () => {
    const report = stacks.observability.kit.costReport();
    // The kit bills what it created; the router's three health alarms are the AlertRouter's own.
    const kitAlarms = metricAlarms.filter(
      ({ r }) => !['alert-router', undefined].includes(tagsOf(r)['sre-kit:family']),
    );
    expect(report.metricAlarms).toBe(kitAlarms.length);
    expect(report.totalUsd).toBeGreaterThan(0);
  });

  it('`sre cost slos alarms` counts exactly the alarms, composites and dashboards synthesized, for the same dollars', () => {
    // The call `sre cost slos alarms` makes (packages/cli/src/commands/cost.ts), over the same files.
    const inventory = inventoryForSpecs({
      slos: specs.slos,
      alarmPolicies: specs.alarmPolicies,
      dashboards: buildSpecDashboards(specs),
    });
    // Per owner (SLO or family) and kind, with the metrics each metric alarm retrieves (MetricStats in its
    // Metrics array, or its one metric): what CloudWatch bills.
    const fromCore = new Map<string, { alarms: number; metrics: number }>();
    const count = (map: typeof fromCore, key: string, metrics: number) => {
      const entry = map.get(key) ?? { alarms: 0, metrics: 0 };
      map.set(key, { alarms: entry.alarms + 1, metrics: entry.metrics + metrics });
    };
    for (const a of inventory.alarms) count(fromCore, `${a.slo ?? a.family}/${a.kind}`, a.metrics);
    const deployed = new Map<string, { alarms: number; metrics: number }>();
    const kitOwned = ({ r }: { r: Resource }) => !['alert-router', undefined].includes(tagsOf(r)['sre-kit:family']);
    for (const { r } of metricAlarms.filter(kitOwned)) {
      const queries = (r.Properties?.Metrics as { MetricStat?: unknown }[] | undefined) ?? [{ MetricStat: {} }];
      const owner = tagsOf(r)['sre-kit:slo'] ?? tagsOf(r)['sre-kit:family'];
      count(deployed, `${owner}/metric`, queries.filter((q) => q.MetricStat).length);
    }
    for (const { r } of composites.filter(kitOwned))
      count(deployed, `${tagsOf(r)['sre-kit:slo'] ?? tagsOf(r)['sre-kit:family']}/composite`, 0);
    expect(Object.fromEntries([...fromCore].sort())).toEqual(Object.fromEntries([...deployed].sort()));
    const dashboards = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(inventory.dashboards.map((d) => d.name).sort()).toEqual(
      dashboards.map(({ r }) => r.Properties?.DashboardName).sort(),
    );

    // The SLO set as GoodGreets deploys it: 6 composites (4 tiers, 2 "faster tiers firing") per SLO.
    const cloudWatchSlos = specs.slos.filter((slo) => planSloAlarms(slo).kind === 'cloudwatch');
    expect(composites).toHaveLength(cloudWatchSlos.length * 6);

    const report = stacks.observability.kit.costReport();
    expect({
      metricAlarms: report.metricAlarms,
      compositeAlarms: report.compositeAlarms,
      dashboards: report.dashboards,
    }).toEqual({
      metricAlarms: inventory.alarms.filter((a) => a.kind !== 'composite').length,
      compositeAlarms: inventory.alarms.filter((a) => a.kind === 'composite').length,
      dashboards: inventory.dashboards.length,
    });
    const resources: CostCategory[] = ['alarmMetrics', 'highResolutionAlarmMetrics', 'compositeAlarms', 'dashboards'];
    const dollars = (lines: readonly { category: string; monthlyUsd: number }[]) =>
      lines.filter((l) => (resources as string[]).includes(l.category)).reduce((sum, l) => sum + l.monthlyUsd, 0);
    const cli = estimateCost(inventory);
    expect(dollars(cli.lines)).toBeGreaterThan(0);
    expect(dollars(cli.lines)).toBeCloseTo(dollars(report.lines), 9);
    // What is left between the two totals is only what the kit says it leaves out.
    const beyond = cli.lines.filter((l) => l.category === 'getMetricData' || (l.category === 'customMetrics' && l.slo));
    expect(report.excludes).toMatch(/custom metrics.*GetMetricData/);
    expect(cli.totalUsd - beyond.reduce((sum, l) => sum + l.monthlyUsd, 0)).toBeCloseTo(report.totalUsd, 2);
  });

  it('keeps alarms/ALARMS.md in step with the synthesized app', () => {
    expect(renderAlarmsDoc()).toBe(fs.readFileSync(ALARMS_DOC, 'utf8'));
  });
});
