import { parse } from 'yaml';
import { buildDashboards, layoutDashboard, type Dashboard, type Threshold } from '@sre-kit/core';
import {
  provisioningFiles,
  renderGrafanaDashboard,
  thresholdSteps,
  timeFrom,
  validateGrafanaDashboard,
  mathReferences,
  alarmConsoleUrl,
  splitPos,
} from '../src';
import { PANELS, POLICY, SLOS } from '../../core/test/fixtures/goodgreets';

const models = buildDashboards({ slos: SLOS, alarmPolicies: [POLICY], service: 'goodgreets', panels: PANELS });
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const render = (m: Dashboard): Json => JSON.parse(JSON.stringify(renderGrafanaDashboard(m)));
const rendered = models.map(render);
const panelsOf = (d: Json): Json[] => d.panels;

describe('renderGrafanaDashboard', () => {
  it.each(models.map((m, i) => [m.name, i]))('%s is structurally valid', (_name, i) => {
    expect(validateGrafanaDashboard(rendered[i as number])).toEqual([]);
  });

  it('places rows and panels exactly where the shared layout puts them', () => {
    const d = rendered[1];
    const expected = layoutDashboard(models[1]).flatMap((s) => [s.header, ...s.widgets.map((w) => w.pos)]);
    expect(panelsOf(d).map((p) => p.gridPos)).toEqual(expected.map(({ x, y, w, h }) => ({ x, y, w, h })));
    expect(
      panelsOf(d)
        .filter((p) => p.type === 'row')
        .map((p) => p.title),
    ).toEqual(models[1].sections.map((s) => s.title));
  });

  it('keeps the model ids so metric math refers to the same queries as in CloudWatch', () => {
    const panel = panelsOf(rendered[3]).find((p) => p.title.startsWith('api availability: burn rate page-1h'))!;
    const byId = Object.fromEntries(panel.targets.map((t: Json) => [t.id, t]));
    expect(byId.l_total).toMatchObject({ metricName: 'RequestCount', statistic: 'Sum', period: '3600', hide: true });
    expect(byId.s_total).toMatchObject({ metricName: 'RequestCount', period: '300' });
    expect(byId.burnlong).toMatchObject({ expression: 'l_errorRatio / 0.001', metricEditorMode: 1 });
    expect(panel.fieldConfig.defaults.thresholds.steps).toEqual([
      { value: null, color: 'green' },
      { value: expect.closeTo(14.4, 5), color: 'red' },
    ]);
  });

  it('sends Prometheus queries to the Prometheus variable and mixes data sources when a panel needs both', () => {
    const cards = panelsOf(rendered[0]).find((p) => p.title === 'Cards created')!;
    expect(cards.datasource).toEqual({ type: 'datasource', uid: '-- Mixed --' });
    expect(cards.targets.map((t: Json) => t.datasource.uid)).toEqual(['${cloudwatch}', '${prometheus}']);
    expect(rendered[0].templating.list.map((v: Json) => [v.name, v.query])).toEqual([
      ['cloudwatch', 'cloudwatch'],
      ['region', { refId: 'regions', queryType: 'regions' }],
      ['prometheus', 'prometheus'],
    ]);
    const budget = panelsOf(rendered[3]).find((p) => p.title === 'card delivery: budget remaining (month to date)')!;
    expect(budget).toMatchObject({ type: 'stat', timeFrom: 'now/M', datasource: { uid: '${prometheus}' } });
    expect(budget.targets[0]).toMatchObject({ instant: true, expr: expect.stringContaining('[$__range]') });
  });

  it('links the sibling dashboards of the service by tag', () => {
    const d = render(models[0]);
    expect(d.links).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['sre-kit'], asDropdown: true })]);
    expect(d.tags).toEqual(['sre-kit', 'management']);
  });

  it('omits the Prometheus variable when no panel queries Prometheus', () => {
    expect(rendered[1].templating.list.map((v: Json) => v.name)).toEqual(['cloudwatch', 'region']);
  });

  it('turns alarm status into console links and annotates alarm state changes by service prefix', () => {
    const status = panelsOf(rendered[1]).find((p) => p.title === 'delivery: alarms')!;
    expect(status.options.content).toContain(
      '[goodgreets-delivery-lambda.errors](https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/goodgreets-delivery-lambda.errors)',
    );
    expect(rendered[1].annotations.list[0].target).toMatchObject({
      alarmNamePrefix: 'goodgreets-',
      prefixMatching: true,
    });
  });

  it('annotates alarm state with queries the plugin runs: a non-empty action prefix and one statistic each', () => {
    // REFERENCE.md: a prefixMatching query runs only with a non-empty actionPrefix, and keeps only alarms
    // whose statistic equals the query's statistic.
    for (const d of rendered) {
      const targets = (d.annotations?.list ?? []).map((a: Json) => a.target).filter((t: Json) => t?.prefixMatching);
      for (const t of targets) {
        expect(t.actionPrefix).toMatch(/^arn:aws:sns:/);
        expect(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']).toContain(t.statistic);
      }
      expect(new Set(targets.map((t: Json) => t.statistic)).size).toBe(targets.length);
    }
    // The developer dashboard's alarm lists carry no live conditions, so every plain statistic is annotated;
    // a status widget whose alarms are all metric math (SLO tiers) adds none.
    const annotated = rendered[1].annotations.list.map((a: Json) => a.target.statistic);
    expect(annotated).toEqual(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);
    const tierOnly = models[3].sections.flatMap((s) => s.widgets).filter((w) => w.type === 'alarmStatus');
    expect(tierOnly.every((w) => w.type === 'alarmStatus' && w.conditions !== undefined)).toBe(true);
    expect(rendered[3].annotations?.list ?? []).toEqual(
      expect.not.arrayContaining([
        expect.objectContaining({ target: expect.objectContaining({ prefixMatching: true }) }),
      ]),
    );
  });

  describe('SLO firing tiers', () => {
    const slo = SLOS[0];
    const tiers = slo.alerting.policy.tiers;
    const statusWidget = models[3].sections
      .flatMap((s) => s.widgets)
      .find((w) => w.type === 'alarmStatus' && w.title === 'api availability: firing tiers')!;
    const statusPos = layoutDashboard(models[3])
      .flatMap((s) => s.widgets)
      .find((w) => w.widget === statusWidget)!.pos;
    const panels = panelsOf(rendered[3]).filter(
      (p) => p.gridPos.y === statusPos.y && p.gridPos.x >= statusPos.x && p.gridPos.x < statusPos.x + statusPos.w,
    );

    it("evaluates each tier live: a stat of both windows' burn rates, coloured from the tier burn rate", () => {
      expect(panels.map((p) => p.type)).toEqual(tiers.map(() => 'stat'));
      tiers.forEach((tier, i) => {
        const p = panels[i];
        expect(p.title).toBe(`${tier.name}: both windows > ${tier.burnRate}`);
        const visible = p.targets.filter((t: Json) => !t.hide).map((t: Json) => [t.id, t.expression]);
        expect(visible).toEqual([
          ['burnlong', 'l_errorRatio / 0.001'],
          ['burnshort', 's_errorRatio / 0.001'],
        ]);
        const periods = p.targets.filter((t: Json) => t.metricName).map((t: Json) => Number(t.period));
        expect(new Set(periods)).toEqual(new Set([tier.longWindowSeconds, tier.shortWindowSeconds]));
        expect(p.fieldConfig.defaults.thresholds.steps).toEqual([
          { value: null, color: 'green' },
          { value: expect.closeTo(tier.burnRate, 5), color: tier.severity === 'page' ? 'red' : 'orange' },
        ]);
        expect(p.options).toMatchObject({ colorMode: 'background', reduceOptions: { calcs: ['lastNotNull'] } });
      });
    });

    it('keeps the tier alarm in the CloudWatch console and the SLO runbook as panel links', () => {
      tiers.forEach((tier, i) =>
        expect(panels[i].links.map((l: Json) => l.url)).toEqual([
          alarmConsoleUrl('us-east-1', `goodgreets-api-availability-${tier.name}`),
          'https://runbooks.example/api-availability',
        ]),
      );
    });

    it("shares the widget's grid cell between the tiers without overlap", () => {
      const cells = panels.map((p) => p.gridPos);
      expect(cells.reduce((w: number, c: Json) => w + c.w, 0)).toBe(statusPos.w);
      expect(cells.every((c: Json) => c.h === statusPos.h)).toBe(true);
      expect(splitPos({ x: 0, y: 0, w: 8, h: 4 }, 4)).toEqual([
        { x: 0, y: 0, w: 4, h: 2 },
        { x: 4, y: 0, w: 4, h: 2 },
        { x: 0, y: 2, w: 4, h: 2 },
        { x: 4, y: 2, w: 4, h: 2 },
      ]);
      expect(splitPos({ x: 12, y: 5, w: 10, h: 4 }, 3).map((c) => [c.x, c.w])).toEqual([
        [12, 3],
        [15, 3],
        [18, 4],
      ]);
    });
  });

  it('renders log query widgets as CloudWatch Logs Insights targets', () => {
    const logs = panelsOf(rendered[2]).find((p) => p.title === 'Rejected uploads (logs)')!;
    expect(logs.type).toBe('table');
    expect(logs.targets[0]).toMatchObject({
      queryMode: 'Logs',
      logGroupNames: ['/goodgreets/api'],
      queryLanguage: 'CWLI',
    });
  });
});

describe('validateGrafanaDashboard', () => {
  const good = () => JSON.parse(JSON.stringify(rendered[3])) as Json;

  it('reports duplicate ids, overlaps, missing refIds, unresolvable data sources and dangling math ids', () => {
    const d = good();
    const [, a, b, c] = d.panels;
    b.id = a.id;
    c.gridPos = { ...a.gridPos };
    delete a.targets?.[0]?.refId;
    b.targets[0].datasource = { type: 'cloudwatch', uid: '${nope}' };
    b.targets[1].expression = 'ghost + 1';
    d.schemaVersion = 12;
    const problems = validateGrafanaDashboard(d).join('\n');
    expect(problems).toMatch(/schemaVersion/);
    expect(problems).toMatch(/duplicate panel id/);
    expect(problems).toMatch(/panels\[3\]: gridPos overlaps panels\[1\]/);
    expect(problems).toMatch(/variable "nope"/);
    expect(problems).toMatch(/unknown query id "ghost"/);
  });

  it('rejects a panel wider than the grid and a target without refId', () => {
    const d = good();
    d.panels[2].gridPos = { x: 20, y: 1, w: 8, h: 4 };
    delete d.panels[2].targets[0].refId;
    expect(validateGrafanaDashboard(d)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/outside the 24-column grid/),
        expect.stringMatching(/missing refId/),
      ]),
    );
  });

  it('accepts data sources by known uid', () => {
    const d = good();
    d.templating.list = [];
    expect(validateGrafanaDashboard(d).length).toBeGreaterThan(0);
    const fixed = JSON.parse(
      JSON.stringify(d).replaceAll('${cloudwatch}', 'cloudwatch').replaceAll('${prometheus}', 'prometheus'),
    );
    expect(validateGrafanaDashboard(fixed, { knownDatasourceUids: ['cloudwatch', 'prometheus'] })).toEqual([]);
  });

  it('finds math references outside quoted SEARCH terms', () => {
    expect(mathReferences(`IF(t > 0, FILL(b, 0) / t, 0) + SEARCH('{AWS/X,a} MetricName="m"', 'Sum', 60)`)).toEqual([
      't',
      'b',
      't',
    ]);
  });
});

describe('thresholdSteps', () => {
  const t = (value: number, severity: Threshold['severity'], comparison?: 'above' | 'below'): Threshold => ({
    value,
    label: '',
    severity,
    ...(comparison ? { comparison } : {}),
  });
  it('colours upward thresholds from green to the worst severity crossed, strictly above each', () => {
    const steps = thresholdSteps([t(90, 'critical'), t(80, 'warning')]);
    expect(steps).toEqual([
      { value: null, color: 'green' },
      { value: expect.closeTo(80, 5), color: 'orange' },
      { value: expect.closeTo(90, 5), color: 'red' },
    ]);
    // Grafana colours value >= step: the alarm value itself (not breaching "> 80") stays green.
    expect(steps[1]!.value).toBeGreaterThan(80);
    expect(steps[2]!.value).toBeGreaterThan(90);
  });
  it('keeps 0 green under an "above 0" alarm (errors > 0)', () => {
    const steps = thresholdSteps([t(0, 'critical', 'above')]);
    expect(steps[0]).toEqual({ value: null, color: 'green' });
    expect(steps[1]!.value).toBeGreaterThan(0);
    expect(steps[1]!.color).toBe('red');
  });
  it('colours downward thresholds (budget left) red below zero and orange below a quarter', () => {
    expect(thresholdSteps([t(0.25, 'warning', 'below'), t(0, 'critical', 'below')])).toEqual([
      { value: null, color: 'red' },
      { value: 0, color: 'orange' },
      { value: 0.25, color: 'green' },
    ]);
  });
  it('is plain green without thresholds', () => {
    expect(thresholdSteps([])).toEqual([{ value: null, color: 'green' }]);
  });
});

describe('timeFrom and provisioning', () => {
  it('writes Grafana relative times', () => {
    expect(timeFrom({ kind: 'last', seconds: 30 * 86400 })).toBe('30d');
    expect(timeFrom({ kind: 'last', seconds: 4 * 3600 })).toBe('4h');
    expect(timeFrom({ kind: 'monthToDate' })).toBe('now/M');
  });

  it('provisions a file provider over the dashboards folder and both data sources with the uids of the variables', () => {
    const files = provisioningFiles({ folder: 'goodgreets', region: 'eu-west-1', header: 'Generated.\nDo not edit.' });
    const [provider, datasources] = files.map((f) => ({ path: f.path, doc: parse(f.content), text: f.content }));
    expect(provider.text.startsWith('# Generated.\n# Do not edit.\n')).toBe(true);
    expect(provider.doc.providers[0]).toMatchObject({
      folder: 'goodgreets',
      type: 'file',
      options: { path: '${GF_PATHS_PROVISIONING}/..' },
    });
    expect(datasources.doc.datasources.map((d: Json) => [d.type, d.uid])).toEqual([
      ['cloudwatch', 'cloudwatch'],
      ['prometheus', 'prometheus'],
    ]);
    expect(datasources.doc.datasources[0].jsonData.defaultRegion).toBe('eu-west-1');
  });
});

describe('one panel, the source chosen per render target', () => {
  const model: Dashboard = {
    name: 'shop-developer',
    audience: 'developer',
    title: 'shop developer',
    description: 'routes',
    sections: [
      {
        title: 'API routes',
        widgets: [
          {
            type: 'timeSeries',
            title: 'Requests by route',
            width: 12,
            height: 6,
            periodSeconds: 60,
            unit: 'count',
            thresholds: [],
            queries: [{ id: 'requests', expression: `SEARCH('{Shop,route} MetricName="requests"', 'Sum', 60)` }],
            prometheusQueries: [
              { id: 'requests', source: { type: 'Prometheus', query: 'sum by (route) (rate(requests_total[5m]))' } },
            ],
          },
        ],
      },
    ],
  };
  const routePanel = (d: Json): Json => panelsOf(d).find((p) => p.title === 'Requests by route')!;
  const variables = (d: Json): string[] => d.templating.list.map((v: Json) => v.name);

  it('draws CloudWatch by default (a deployment on AWS has no Prometheus), and no Prometheus variable', () => {
    const d = render(model);
    expect(routePanel(d).targets).toEqual([
      expect.objectContaining({ expression: `SEARCH('{Shop,route} MetricName="requests"', 'Sum', 60)` }),
    ]);
    expect(variables(d)).not.toContain('prometheus');
    expect(validateGrafanaDashboard(d)).toEqual([]);
  });

  it('draws the Prometheus view for a Prometheus target, never both', () => {
    const d = JSON.parse(JSON.stringify(renderGrafanaDashboard(model, { source: 'prometheus' }))) as Json;
    expect(routePanel(d).targets).toEqual([
      expect.objectContaining({
        expr: 'sum by (route) (rate(requests_total[5m]))',
        datasource: expect.objectContaining({ type: 'prometheus' }),
      }),
    ]);
    expect(variables(d)).toContain('prometheus');
    expect(validateGrafanaDashboard(d)).toEqual([]);
  });
});

describe('environment and region variables', () => {
  const metric = (id: string, metricName: string, environment: string, region?: string) => ({
    id,
    source: {
      type: 'CloudWatch' as const,
      kind: 'metric' as const,
      namespace: 'Shop',
      metricName,
      dimensions: { Environment: environment },
      statistic: 'Sum',
      ...(region ? { region } : {}),
    },
  });
  const board = (environments: [string, string]): Dashboard => ({
    name: 'shop-management',
    audience: 'management',
    title: 'shop',
    description: 'orders',
    sections: [
      {
        title: 'Orders',
        widgets: [
          {
            type: 'timeSeries',
            title: 'Orders',
            width: 12,
            height: 6,
            periodSeconds: 300,
            unit: 'count',
            thresholds: [],
            queries: [
              metric('orders', 'Orders', environments[0]),
              {
                id: 'byRoute',
                expression: `SEARCH('{Shop,Environment,route} Environment="${environments[1]}"', 'Sum', 300)`,
              },
            ],
          },
          {
            type: 'timeSeries',
            title: 'Edge',
            width: 12,
            height: 6,
            periodSeconds: 300,
            unit: 'count',
            thresholds: [],
            queries: [metric('edge', 'EdgeOrders', environments[1], 'us-east-1')],
          },
        ],
      },
    ],
  });
  const targets = (d: Json) => panelsOf(d).flatMap((p) => p.targets ?? []);

  it('reads the environment and region from variables, the rendered ones selected', () => {
    const d = JSON.parse(
      JSON.stringify(renderGrafanaDashboard(board(['prod', 'prod']), { region: 'eu-central-1' })),
    ) as Json;
    const vars = Object.fromEntries(d.templating.list.map((v: Json) => [v.name, v]));
    expect(vars.region).toMatchObject({
      type: 'query',
      current: { value: 'eu-central-1' },
      query: { queryType: 'regions' },
    });
    expect(vars.environment).toMatchObject({
      type: 'query',
      current: { value: 'prod' },
      query: {
        queryType: 'dimensionValues',
        namespace: 'Shop',
        metricName: 'Orders',
        dimensionKey: 'Environment',
        region: '$region',
      },
    });
    const [orders, byRoute, edge] = targets(d);
    expect(orders).toMatchObject({ dimensions: { Environment: '$environment' }, region: '$region' });
    expect(byRoute.expression).toBe(`SEARCH('{Shop,Environment,route} Environment="$environment"', 'Sum', 300)`);
    // CloudFront-like metrics live in one region whatever the board's: they keep it.
    expect(edge).toMatchObject({ dimensions: { Environment: '$environment' }, region: 'us-east-1' });
    expect(validateGrafanaDashboard(d)).toEqual([]);
  });

  it('keeps literal environments when the board reads more than one', () => {
    const d = JSON.parse(JSON.stringify(renderGrafanaDashboard(board(['prod', 'staging'])))) as Json;
    expect(d.templating.list.map((v: Json) => v.name)).toEqual(['cloudwatch', 'region']);
    expect(targets(d)[0].dimensions).toEqual({ Environment: 'prod' });
  });
});
