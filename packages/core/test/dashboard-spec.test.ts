import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { dashboardForSource } from '../src/dashboards';
import { formatDiagnostic, loadSpecTexts } from '../src/spec';

const doc = (spec: string) =>
  ['apiVersion: sre-kit/v1', 'kind: Dashboard', 'metadata: { name: panels }', 'spec:', spec].join('\n');
const load = (text: string) => loadSpecTexts([{ file: 'panels.yaml', text }]);
const errors = (text: string) => load(text).diagnostics.map(formatDiagnostic);

describe('kind: Dashboard', () => {
  it('rejects stacking CloudWatch and Prometheus series (the stack would add up two views of the same events)', () => {
    const widget = (stacked: string) =>
      doc(`  service: shop
  audience: management
  section: S
  widgets:
    - type: timeSeries
      title: Orders${stacked}
      queries:
        - id: cw
          cloudwatch: { namespace: Shop, metricName: Orders, dimensions: { Env: prod }, stat: Sum }
        - id: prom
          prometheus: sum(increase(orders_total[5m]))
`);
    expect(errors(widget('\n      stacked: true'))).toEqual([
      'panels.yaml:11:16: spec.widgets[0].stacked: a stacked widget mixes CloudWatch and Prometheus series, so the stack adds up two views of the same events (drop stacked: true, or split the widget per source)',
    ]);
    expect(errors(widget(''))).toEqual([]);
  });

  it('loads widgets with their queries, defaults and thresholds', () => {
    const set = load(
      doc(`  service: shop
  audience: management
  section: Business flow
  position: first
  widgets:
    - type: timeSeries
      title: Orders
      period: 1m
      thresholds: [{ value: 5, label: low, severity: critical, comparison: below }]
      queries:
        - id: orders
          cloudwatch: { namespace: Shop, metricName: Orders, dimensions: { Env: prod }, stat: Sum }
          period: 1h
        - id: perMinute
          expression: orders / 60
        - id: prom
          prometheus: sum(rate(orders_total[5m]))
    - type: text
      title: Note
      markdown: hello
`),
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.dashboardPanels).toEqual([
      expect.objectContaining({
        service: 'shop',
        audience: 'management',
        section: 'Business flow',
        position: 'first',
        widgets: [
          {
            type: 'timeSeries',
            title: 'Orders',
            width: 8,
            height: 6,
            periodSeconds: 60,
            unit: 'none',
            thresholds: [{ value: 5, label: 'low', severity: 'critical', comparison: 'below' }],
            queries: [
              {
                id: 'orders',
                periodSeconds: 3600,
                source: {
                  type: 'CloudWatch',
                  kind: 'metric',
                  namespace: 'Shop',
                  metricName: 'Orders',
                  dimensions: { Env: 'prod' },
                  statistic: 'Sum',
                },
              },
              { id: 'perMinute', expression: 'orders / 60' },
              { id: 'prom', source: { type: 'Prometheus', query: 'sum(rate(orders_total[5m]))' } },
            ],
          },
          { type: 'text', title: 'Note', width: 8, height: 6, markdown: 'hello' },
        ],
      }),
    ]);
  });

  it.each([
    [
      'an unknown audience',
      '  service: s\n  audience: managment\n  section: S\n  widgets: []',
      'panels.yaml:6:13: spec.audience: unknown audience "managment" (did you mean "management"?)',
    ],
    [
      'an unknown widget type',
      '  service: s\n  audience: security\n  section: S\n  widgets:\n    - { type: timeseries, title: T }',
      'panels.yaml:9:15: spec.widgets[0].type: unknown widget type "timeseries" (did you mean "timeSeries"?)',
    ],
    [
      'math over an undefined query id',
      '  service: s\n  audience: developer\n  section: S\n  widgets:\n    - type: timeSeries\n      title: T\n      queries:\n        - { id: a, expression: b * 2 }',
      'panels.yaml:12:32: spec.widgets[0].queries[0].expression: expression uses "b", which no query of this widget defines (did you mean "a"?)',
    ],
    [
      'a query with two sources',
      '  service: s\n  audience: developer\n  section: S\n  widgets:\n    - type: timeSeries\n      title: T\n      queries:\n        - { id: a, expression: "1", prometheus: up }',
      'panels.yaml:12:11: spec.widgets[0].queries[0]: a query has exactly one of cloudwatch, expression or prometheus, got 2 (split it into several queries)',
    ],
    [
      'a period CloudWatch refuses',
      '  service: s\n  audience: developer\n  section: S\n  widgets:\n    - type: timeSeries\n      title: T\n      period: 90s\n      queries: []',
      'panels.yaml:11:15: spec.widgets[0].period: period 90s must be 10, 20, 30 or a multiple of 60 seconds (use 10s, 20s, 30s or whole minutes)',
    ],
    [
      'a field of another widget type',
      '  service: s\n  audience: developer\n  section: S\n  widgets:\n    - { type: text, title: T, markdown: x, queries: [] }',
      'panels.yaml:9:44: spec.widgets[0].queries: unknown field "queries" (expected one of: type, title, width, height, description, links, markdown)',
    ],
    [
      'a widget wider than the grid',
      '  service: s\n  audience: developer\n  section: S\n  widgets:\n    - { type: text, title: T, markdown: x, width: 30 }',
      'panels.yaml:9:51: spec.widgets[0].width: width 30 is more than 24 (use 1..24)',
    ],
  ])('rejects %s with a located message', (_what, spec, expected) => {
    expect(errors(doc(spec))).toContain(expected);
  });
});

describe('dashboard.schema.json', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
  const validate = ajv.compile(JSON.parse(readFileSync(join(__dirname, '../schema/dashboard.schema.json'), 'utf8')));
  const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

  it('accepts the GoodGreets panels', () => {
    const all = docs(readFileSync(join(__dirname, '../../../alarms/dashboards.yaml'), 'utf8'));
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const doc of all) expect({ ok: validate(doc), errors: validate.errors }).toEqual({ ok: true, errors: null });
  });

  it('rejects what the loader rejects: unknown audiences, fields of another widget type, queries with two sources', () => {
    const [bad] = docs(
      doc(
        '  service: s\n  audience: managment\n  section: S\n  widgets:\n    - { type: text, title: T, markdown: x, queries: [] }',
      ),
    );
    expect(validate(bad)).toBe(false);
    const [twoSources] = docs(
      doc(
        '  service: s\n  audience: developer\n  section: S\n  widgets:\n    - type: timeSeries\n      title: T\n      queries:\n        - { id: a, expression: "1", prometheus: up }',
      ),
    );
    expect(validate(twoSources)).toBe(false);
  });
});

describe('kind: Dashboard prometheusQueries (one panel, the source chosen per render target)', () => {
  const widget = (alternative: string) =>
    doc(`  service: shop
  audience: developer
  section: Routes
  widgets:
    - type: timeSeries
      title: Requests by route
      queries:
        - id: requests
          expression: SEARCH('{Shop,route} MetricName="requests"', 'Sum', 60)
      prometheusQueries:
        - id: requests
${alternative}
`);

  it('loads the Prometheus view beside the CloudWatch one, and dashboardForSource draws one of them', () => {
    const set = load(widget('          prometheus: sum by (route) (rate(requests_total[5m]))'));
    expect(set.diagnostics).toEqual([]);
    const [group] = set.dashboardPanels;
    const model = {
      name: 'shop-developer',
      audience: 'developer' as const,
      title: 't',
      description: 'd',
      sections: [{ title: 'Routes', widgets: group!.widgets }],
    };
    const queriesOf = (source: 'cloudwatch' | 'prometheus') => {
      const [w] = dashboardForSource(model, source).sections[0]!.widgets;
      return w && 'queries' in w ? { queries: w.queries, alternative: 'prometheusQueries' in w } : undefined;
    };
    expect(queriesOf('cloudwatch')).toEqual({
      queries: [{ id: 'requests', expression: `SEARCH('{Shop,route} MetricName="requests"', 'Sum', 60)` }],
      alternative: false,
    });
    expect(queriesOf('prometheus')).toEqual({
      queries: [{ id: 'requests', source: { type: 'Prometheus', query: 'sum by (route) (rate(requests_total[5m]))' } }],
      alternative: false,
    });
  });

  it('refuses CloudWatch in the Prometheus view', () => {
    expect(
      errors(
        widget('          cloudwatch: { namespace: Shop, metricName: requests, dimensions: { route: a }, stat: Sum }'),
      ),
    ).toEqual([
      expect.stringMatching(
        /spec\.widgets\[0\]\.prometheusQueries\[0\]: prometheusQueries\[0\] reads CloudWatch \(prometheusQueries are the Prometheus view/,
      ),
    ]);
  });
});
