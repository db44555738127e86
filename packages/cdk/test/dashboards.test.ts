import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildDashboards, layoutDashboard, type Dashboard } from '@sre-kit/core';
import { renderCloudWatchDashboardBody, SreDashboards, sreDashboards } from '../src/dashboards';
import { splitDashboardBody, type CloudWatchWidget } from '../src/dashboards/body';
import { AlarmSeverity } from '../src/severity';
import { SreKit } from '../src/sre-kit';
import { PANELS, POLICY, SLOS } from '../../core/test/fixtures/goodgreets';

const models = buildDashboards({ slos: SLOS, alarmPolicies: [POLICY], service: 'goodgreets', panels: PANELS });
const byName = (name: string) => models.find((m) => m.name === `goodgreets-${name}`)!;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const widgetsOf = (d: Dashboard, options = {}): Json[] => renderCloudWatchDashboardBody(d, options).widgets as Json[];
const titled = (widgets: Json[], title: string) => widgets.find((w) => w.properties.title === title)!;

describe('renderCloudWatchDashboardBody', () => {
  it('writes metric stats as [namespace, name, dimension pairs..., options] and math as expressions', () => {
    const w = titled(widgetsOf(byName('slo')), 'api availability: burn rate page-1h (1h / 5m > 14.4)');
    expect(w.properties.metrics).toContainEqual([
      'AWS/ApplicationELB',
      'RequestCount',
      'LoadBalancer',
      'app/goodgreets/0123456789abcdef',
      { id: 'l_total', visible: false, stat: 'Sum', period: 3600 },
    ]);
    expect(w.properties.metrics).toContainEqual([
      { expression: 'l_errorRatio / 0.001', id: 'burnlong', label: 'burn rate 1h' },
    ]);
    expect(w.properties.annotations.horizontal).toEqual([
      { value: 14.4, label: 'page-1h burn rate', color: '#d62728', fill: 'above' },
    ]);
    expect(w.properties).toMatchObject({
      view: 'timeSeries',
      region: 'us-east-1',
      period: 300,
      start: '-PT24H',
      end: 'P0D',
    });
  });

  it('places widgets on the shared layout, with a text header per section', () => {
    const model = byName('developer');
    const widgets = widgetsOf(model);
    const expected = layoutDashboard(model).flatMap((s) => [s.header, ...s.widgets.map((w) => w.pos)]);
    expect(widgets.map((w) => ({ x: w.x, y: w.y, w: w.width, h: w.height }))).toEqual(expected);
    expect(widgets[0]).toMatchObject({ type: 'text', properties: { markdown: `## ${model.sections[0].title}` } });
  });

  it('shows alarm status by ARN, from the resolver when it knows the alarm and built from the name otherwise', () => {
    const w = titled(
      widgetsOf(byName('developer'), {
        region: 'eu-west-1',
        accountId: '111122223333',
        alarmArn: (n: string) => (n === 'goodgreets-delivery-lambda.errors' ? 'arn:real' : undefined),
      }),
      'delivery: alarms',
    );
    expect(w.type).toBe('alarm');
    expect(w.properties.alarms[0]).toBe('arn:real');
    expect(w.properties.alarms[1]).toBe(
      'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:goodgreets-delivery-lambda.throttles',
    );
  });

  it('shades "below" thresholds downwards and ranges budgets over the SLO period', () => {
    const w = titled(widgetsOf(byName('slo')), 'api availability: budget remaining (30d)');
    expect(w.properties).toMatchObject({ view: 'singleValue', start: '-PT720H' });
    expect(w.properties.annotations.horizontal.map((a: Json) => a.fill)).toEqual(['below', 'below']);
  });

  it('shows no month-to-date number in CloudWatch (it has no calendar range): a pointer to Grafana instead', () => {
    const w = widgetsOf(byName('slo')).find((x) =>
      String(x.properties.markdown ?? '').includes('api availability: budget remaining (month to date)'),
    )!;
    expect(w.type).toBe('text');
    expect(w.properties.markdown).toContain('CloudWatch dashboards have no month-to-date range');
    expect(
      widgetsOf(byName('slo')).filter((x) => x.type === 'metric' && /month to date/.test(x.properties.title)),
    ).toEqual([]);
  });

  it('leaves Prometheus queries out and turns Prometheus-only panels into a pointer to Grafana', () => {
    const mgmt = widgetsOf(byName('management'));
    expect(titled(mgmt, 'Cards created').properties.metrics).toEqual([
      [
        'GoodGreets',
        'goodgreets_cards_created_total',
        'Service',
        'goodgreets',
        { id: 'cw', label: 'cards', stat: 'Sum' },
      ],
    ]);
    const lag = mgmt.find((w) => String(w.properties.markdown).startsWith('### Delivery lag p95'))!;
    expect(lag.type).toBe('text');
    expect(lag.properties.markdown).toContain('Grafana');
  });

  it('puts a widget in its own region when it names one, and a metric in its own when that differs', () => {
    const widget = {
      type: 'timeSeries' as const,
      title: 'cf',
      width: 6,
      height: 6,
      periodSeconds: 60,
      unit: 'count' as const,
      thresholds: [],
      region: 'us-east-1',
      queries: [
        {
          id: 'a',
          source: {
            type: 'CloudWatch' as const,
            kind: 'metric' as const,
            namespace: 'N',
            metricName: 'M',
            dimensions: {},
            statistic: 'Sum',
            region: 'eu-west-1',
          },
        },
      ],
    };
    const [, w] = widgetsOf(
      { ...byName('developer'), sections: [{ title: 's', widgets: [widget] }] },
      { region: 'eu-central-1' },
    );
    expect(w.properties.region).toBe('us-east-1');
    expect(w.properties.metrics[0].at(-1)).toMatchObject({ region: 'eu-west-1' });
  });

  it('keeps the firing tiers an alarm widget of the tier alarms (CloudWatch reads their state itself)', () => {
    const w = titled(widgetsOf(byName('slo')), 'api availability: firing tiers');
    expect(w.type).toBe('alarm');
    expect(w.properties.alarms).toEqual(
      SLOS[0].alerting.policy.tiers.map(
        (t) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:goodgreets-api-availability-${t.name}`,
      ),
    );
  });

  it('draws each catalogue threshold on a panel of the one series its alarm watches, never shading from 0', () => {
    const dev = widgetsOf(byName('developer'));
    const lines = (w: Json) => w.properties.annotations?.horizontal.map((a: Json) => [a.value, a.label]);
    // Errors and throttles share a panel: their lines would read against each other, so each alarm has its own.
    expect(lines(titled(dev, 'delivery: Errors and throttles'))).toBeUndefined();
    const errors = titled(dev, 'delivery: Lambda function errors');
    expect(lines(errors)).toEqual([[0, 'Lambda function errors (critical)']]);
    expect(errors.properties.annotations.horizontal[0].fill).toBeUndefined();
    expect(lines(titled(dev, 'delivery: Lambda function throttled'))).toEqual([
      [1, 'Lambda function throttled (warning)'],
    ]);
    expect(titled(dev, 'delivery: Lambda function throttled').properties.annotations.horizontal[0].fill).toBe('above');
    expect(lines(titled(dev, 'db: CPU'))).toEqual([[90, 'RDS CPU high (warning)']]);
    expect(lines(titled(dev, 'edge: Allowed and blocked'))).toBeUndefined();
    expect(lines(titled(widgetsOf(byName('security')), 'edge: blocked by rule'))).toBeUndefined();
  });

  it('writes log widgets as Logs Insights queries over their log groups', () => {
    const w = titled(widgetsOf(byName('security')), 'Rejected uploads (logs)');
    expect(w).toMatchObject({
      type: 'log',
      properties: {
        query: `SOURCE '/goodgreets/api' | filter msg = "upload rejected" | stats count(*) by reason`,
        view: 'table',
      },
    });
  });
});

describe('SreDashboards', () => {
  it('creates one CfnDashboard per model with the real alarm ARNs in its alarm widgets', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors' }),
      threshold: 0,
      evaluationPeriods: 1,
    });
    sreDashboards(stack, 'Dashboards', { dashboards: models, alarms: { 'goodgreets-delivery-lambda.errors': alarm } });
    const template = Template.fromStack(stack);
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    expect(
      Object.values(dashboards)
        .map((d) => d.Properties.DashboardName)
        .sort(),
    ).toEqual(models.map((m) => m.name).sort());
    const dev = Object.values(dashboards).find((d) => d.Properties.DashboardName === 'goodgreets-developer')!;
    const body = JSON.stringify(stack.resolve(dev.Properties.DashboardBody));
    expect(body).toContain('Errors');
    expect(body).toContain('goodgreets-delivery-lambda.throttles');
  });

  it('fails at synth naming the construct path when a dashboard name is not valid in CloudWatch', () => {
    const stack = new Stack(new App(), 'S');
    const bad = { ...models[0], name: 'bad name!' };
    expect(() => sreDashboards(stack, 'Dashboards', { dashboards: [bad] })).toThrow(
      /S\/Dashboards: dashboard names .*"bad name!"/,
    );
  });

  it('refuses a dashboard over the CloudWatch widget limit', () => {
    const stack = new Stack(new App(), 'S');
    const many: Dashboard = {
      ...models[0],
      sections: [
        {
          title: 'x',
          widgets: Array.from({ length: 600 }, (_, i) => ({
            type: 'text' as const,
            title: `${i}`,
            width: 1,
            height: 1,
            markdown: '',
          })),
        },
      ],
    };
    sreDashboards(stack, 'Dashboards', { dashboards: [many] });
    expect(() => Template.fromStack(stack)).toThrow(/more widgets than CloudWatch allows \(500\)/);
  });
});

describe('splitDashboardBody', () => {
  const header = (y: number, title: string): CloudWatchWidget => ({
    type: 'text',
    x: 0,
    y,
    width: 24,
    height: 1,
    properties: { markdown: `## ${title}` },
  });
  const panel = (y: number, metrics: number): CloudWatchWidget => ({
    type: 'metric',
    x: 0,
    y,
    width: 6,
    height: 6,
    properties: {
      metrics: Array.from({ length: metrics }, (_, i) => ['AWS/Lambda', 'Errors', 'FunctionName', `f${i}`]),
    },
  });
  /** Sections of a header and `panels` panels of `metrics` metrics each, stacked down the page. */
  const body = (sections: number, panels: number, metrics = 1) => {
    const widgets: CloudWatchWidget[] = [];
    for (let s = 0; s < sections; s++) {
      widgets.push(header(widgets.length * 6, `s${s}`));
      for (let p = 0; p < panels; p++) widgets.push(panel(widgets.length * 6, metrics));
    }
    return { start: '-PT6H', periodOverride: 'inherit' as const, widgets };
  };
  const titles = (b: { widgets: readonly CloudWatchWidget[] }) =>
    b.widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown);

  it('keeps a body within the limits whole', () => {
    const whole = body(3, 4);
    expect(splitDashboardBody(whole, { maxWidgets: 15, maxMetrics: 100 })).toEqual([whole]);
  });

  it('cuts between sections, each part starting at the top, and a section larger than a part at the limit', () => {
    const parts = splitDashboardBody(body(3, 4), { maxWidgets: 11, maxMetrics: 100 });
    // 5 widgets a section: two sections fit in 11, the third starts a part of its own.
    expect(parts.map(titles)).toEqual([['## s0', '## s1'], ['## s2']]);
    for (const p of parts) expect(Math.min(...p.widgets.map((w) => w.y))).toBe(0);
    const cut = splitDashboardBody(body(1, 9), { maxWidgets: 4, maxMetrics: 100 });
    expect(cut.map((p) => p.widgets.length)).toEqual([4, 4, 2]);
  });

  it("counts metrics against CloudWatch's metrics-per-dashboard limit too", () => {
    const parts = splitDashboardBody(body(2, 2, 30), { maxWidgets: 500, maxMetrics: 100 });
    expect(parts.map(titles)).toEqual([['## s0'], ['## s1']]);
  });
});

describe('SreDashboards used with a SreKit', () => {
  it('builds the developer dashboard from what the kit monitors, with its real alarms and dimension values', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const kit = new SreKit(stack, 'Kit', {
      service: 'shop',
      emails: [{ address: 'ops@example.com', severity: AlarmSeverity.CRITICAL }],
    });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    kit.monitorLambda('checkout', fn);
    kit.use(new SreDashboards(stack, 'Dashboards'));
    const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
    const names = Object.values(dashboards).map((d) => d.Properties.DashboardName);
    // A Lambda function alone has no security panels, and there is no SLO: only the developer dashboard has data.
    expect(names).toEqual(['shop-developer']);
    const dev = Object.values(dashboards).find((d) => d.Properties.DashboardName === 'shop-developer')!;
    const body = JSON.stringify(dev.Properties.DashboardBody);
    const fnRef = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(body).toContain('checkout: Invocations');
    expect(body).toMatch(new RegExp(`FunctionName[^{]*\\{"Ref":"${fnRef}"\\}`)); // filled from the construct
    expect(body).toMatch(/Fn::GetAtt.*Arn/); // alarm status shows the kit's alarms by ARN
  });
});

describe('dashboards only for what has data', () => {
  const fnIn = (stack: Stack) =>
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
  const newKit = (id: string) => {
    const stack = new Stack(new App(), id, { env: { account: '123456789012', region: 'eu-west-1' } });
    const kit = new SreKit(stack, 'Kit', {
      service: 'shop',
      emails: [{ address: 'ops@example.com' }],
      dashboards: true,
    });
    return { stack, kit };
  };
  /** Dashboard name -> body text, CloudFormation references written inline as JSON ({"Ref":...}). */
  const dashboardsOf = (stack: Stack): Record<string, string> =>
    Object.fromEntries(
      Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')).map((d) => {
        const [, parts] = d.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
        const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
        return [d.Properties.DashboardName, text];
      }),
    );
  /** The logical id of the composite alarm of an SLO tier (what alarm status widgets point at). */
  const compositeId = (stack: Stack, name: string) =>
    Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm')).find(
      ([, r]) => r.Properties.AlarmName === name,
    )![0];

  it('draws an SLO added in code on the SLO and management dashboards, like a spec SLO', () => {
    const { stack, kit } = newKit('CodeSlo');
    const fn = fnIn(stack);
    kit.monitorLambda('api', fn);
    kit.addSlo({
      sloName: 'api-availability',
      objective: 0.999,
      badMetric: fn.metricErrors(),
      totalMetric: fn.metricInvocations(),
    });
    const bodies = dashboardsOf(stack);
    expect(Object.keys(bodies).sort()).toEqual(['shop-developer', 'shop-management', 'shop-slo']);
    const slo = bodies['shop-slo'];
    expect(slo).toContain('api-availability: SLI vs objective 99.9 %');
    // The SLI reads the function's own metrics, dimension from the construct.
    const fnRef = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(slo).toContain(`"AWS/Lambda","Errors","FunctionName","{"Ref":"${fnRef}"}"`);
    // Tier status shows the real composite alarms, by ARN.
    expect(slo).toContain(compositeId(stack, 'shop-api-availability-page-1h'));
    expect(bodies['shop-management']).toContain(compositeId(stack, 'shop-api-availability-page-1h'));
    // The SLO's alerts link the SLO dashboard, which exists.
    const composite = Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm')[
      compositeId(stack, 'shop-api-availability-page-1h')
    ];
    expect(composite.Properties.AlarmDescription).toContain('"dashboard":"shop-slo"');
  });

  it('creates and bills no dashboard without data: nothing monitored, none at all', () => {
    const { stack, kit } = newKit('Nothing');
    expect(kit.costReport().dashboards).toBe(0);
    expect(Object.keys(dashboardsOf(stack))).toEqual([]);
  });

  it('bills exactly the dashboards the template holds, also when costReport() is read before the last addSlo', () => {
    const { stack, kit } = newKit('Early');
    const fn = fnIn(stack);
    kit.monitorLambda('api', fn);
    expect(kit.costReport().dashboards).toBe(1); // the developer dashboard only
    kit.addSlo({
      sloName: 'api-latency',
      objective: 0.99,
      badMetric: fn.metricThrottles(),
      totalMetric: fn.metricInvocations(),
    });
    const names = Object.keys(dashboardsOf(stack)).sort();
    expect(names).toEqual(['shop-developer', 'shop-management', 'shop-slo']);
    expect(kit.costReport().dashboards).toBe(names.length);
    expect(
      kit
        .costReport()
        .lines.filter((l) => l.category === 'dashboards')
        .reduce((n, l) => n + l.quantity, 0),
    ).toBe(names.length);
  });

  it('draws an SLO over one level of metric math, and warns about (and skips) one that nests math in math', () => {
    const { stack, kit } = newKit('MathSlo');
    const metric = (metricName: string) => new cloudwatch.Metric({ namespace: 'Shop', metricName, statistic: 'Sum' });
    const sum = (expression: string, usingMetrics: Record<string, cloudwatch.IMetric>) =>
      new cloudwatch.MathExpression({ expression, usingMetrics });
    const bad = sum('a + b', { a: metric('Failed'), b: metric('TimedOut') });
    kit.addSlo({ sloName: 'flat', objective: 0.99, badMetric: bad, totalMetric: metric('Requests') });
    const nested = sum('x + y', { x: bad, y: metric('Dropped') });
    kit.addSlo({ sloName: 'nested', objective: 0.99, badMetric: nested, totalMetric: metric('Requests') });
    const slo = dashboardsOf(stack)['shop-slo'];
    expect(slo).toContain('flat: SLI vs objective 99 %');
    expect(slo).toContain('"expression":"wb_a + wb_b"'); // both summed metrics, ids prefixed by the renderer
    expect(slo).not.toContain('nested:');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('SLO nested is not drawn'));
    expect(warnings).toHaveLength(1);
  });

  it('an SLO on custom metrics and no family: the SLO and management dashboards only', () => {
    const { stack, kit } = newKit('SloOnly');
    const metric = (metricName: string) => new cloudwatch.Metric({ namespace: 'Shop', metricName, statistic: 'Sum' });
    kit.addSlo({ sloName: 'orders', objective: 0.995, goodMetric: metric('OrdersOk'), totalMetric: metric('Orders') });
    const bodies = dashboardsOf(stack);
    expect(Object.keys(bodies).sort()).toEqual(['shop-management', 'shop-slo']);
    expect(bodies['shop-slo']).toContain('"Shop","OrdersOk"');
    expect(kit.costReport().dashboards).toBe(2);
  });
});
