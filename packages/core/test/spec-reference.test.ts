import { join } from 'node:path';
import { formatDiagnostic, loadSpecFiles, resolveAlarms, type CloudWatchExpression, type RatioIndicator } from '../src';

const ROOT = join(__dirname, '../../..');

describe('GoodGreets reference specs (slos/, alarms/)', () => {
  let set: Awaited<ReturnType<typeof loadSpecFiles>>;
  beforeAll(async () => {
    set = await loadSpecFiles([join(ROOT, 'slos'), join(ROOT, 'alarms')]);
  });

  it('are valid, without warnings', () => {
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it('declare the six GoodGreets SLOs against the declared service', () => {
    expect(set.slos.map((s) => s.name).sort()).toEqual([
      'api-availability',
      'api-latency',
      'card-delivery-success',
      'delivery-on-time',
      'thumbnail-freshness',
      'website-availability',
    ]);
    expect(set.services.map((s) => s.name)).toEqual(['goodgreets']);
    expect(new Set(set.slos.map((s) => s.service))).toEqual(new Set(['goodgreets']));
  });

  it('API availability: 99.9 % over 30 d rolling, ALB + ELB 5XX over RequestCount, the published tiers', () => {
    const slo = set.slos.find((s) => s.name === 'api-availability')!;
    expect(slo.objective).toBe(0.999);
    expect(slo.period).toEqual({ seconds: 30 * 86400, rolling: true });
    const indicator = slo.indicator as RatioIndicator;
    const bad = indicator.bad as CloudWatchExpression;
    expect(bad.kind).toBe('expression');
    expect(
      Object.values(bad.metrics)
        .map((m) => m.metricName)
        .sort(),
    ).toEqual(['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count']);
    expect(indicator.total).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCount',
      statistic: 'Sum',
    });
    expect(slo.alerting.policy.tiers.map((t) => [t.burnRate, t.longWindowSeconds, t.shortWindowSeconds])).toEqual([
      [14.4, 3600, 300],
      [6, 21600, 1800],
      [3, 86400, 7200],
      [1, 259200, 21600],
    ]);
    expect(slo.alerting.runbookUrl).toMatch(/^https:\/\//);
  });

  it('API latency counts TC(:0.3) over SampleCount of TargetResponseTime', () => {
    const indicator = set.slos.find((s) => s.name === 'api-latency')!.indicator as RatioIndicator;
    expect(indicator.good).toMatchObject({ metricName: 'TargetResponseTime', statistic: 'TC(:0.3)' });
    expect(indicator.total).toMatchObject({ metricName: 'TargetResponseTime', statistic: 'SampleCount' });
  });

  it('website availability reads CloudFront in us-east-1; thumbnails use a 28 d period', () => {
    const web = set.slos.find((s) => s.name === 'website-availability')!;
    expect(web.objective).toBe(0.999);
    // Pages and assets only: the distribution's requests less the API's (page-slo.test.ts in the infra evaluates it).
    const total = (web.indicator as RatioIndicator).total;
    expect(total).toMatchObject({
      kind: 'expression',
      expression: 'requests - FILL(api, 0) - FILL(alb5xx, 0)',
    });
    expect(total.type === 'CloudWatch' && total.kind === 'expression' && total.metrics.requests).toMatchObject({
      namespace: 'AWS/CloudFront',
      region: 'us-east-1',
    });
    const thumbs = set.slos.find((s) => s.name === 'thumbnail-freshness')!;
    expect(thumbs.alerting.policy.tiers.map((t) => t.burnRate)).toEqual([13.44, 5.6, 2.8, 1]);
  });

  it('the alarm policy covers all seven families and resolves through the catalogue', () => {
    const [policy] = set.alarmPolicies;
    expect(Object.keys(policy.families).sort()).toEqual(['alb', 'ecs', 'lambda', 'natgateway', 'rds', 's3', 'waf']);
    expect(policy.families.lambda!.map((r) => r.id)).toEqual([
      'delivery',
      'delivery-dead-letters',
      'email-events',
      'thumbnailer',
      'alert-router',
    ]);
    expect(policy.families.natgateway).toHaveLength(2);
    expect(policy.families.waf!.map((r) => r.attributes?.scope)).toEqual(['REGIONAL', 'CLOUDFRONT']);
    const alarms = resolveAlarms(policy);
    const router = alarms.find((a) => a.resourceId === 'alert-router' && a.catalogueId === 'lambda.errors')!;
    expect(router).toMatchObject({ severity: 'critical', evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 0 });
    expect(alarms.some((a) => a.catalogueId === 's3.4xx-errors')).toBe(false);
    // The database is Multi-AZ, not a read replica: ReplicaLag would never be published (sre verify).
    expect(alarms.some((a) => a.catalogueId === 'rds.replica-lag')).toBe(false);
  });

  it('the routing pages critical alerts to Slack and email and sends warnings to the team channel', () => {
    const [routing] = set.routings;
    const page = routing.receivers.find((r) => r.name === 'page')!;
    expect(page.slack[0].channel).toBe('#goodgreets-page');
    expect(page.email).toEqual(['oncall@goodgreets.example']);
    const byMatcher = Object.fromEntries(routing.route.routes.map((r) => [r.matchers.severity, r]));
    expect(byMatcher.critical.receiver).toBe('page');
    expect(byMatcher.warning.receiver).toBe('team');
    expect(byMatcher.info.muteTimeIntervals).toEqual(['nights', 'weekends']);
    expect(routing.route).toMatchObject({
      groupWaitSeconds: 30,
      groupIntervalSeconds: 300,
      repeatIntervalSeconds: 14400,
    });
    expect(routing.timeIntervals.find((t) => t.name === 'weekends')).toMatchObject({
      weekdays: ['saturday:sunday'],
      location: 'Europe/Berlin',
    });
  });
});
