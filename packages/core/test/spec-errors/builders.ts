/** Builders for bad-spec cases: valid documents that each case breaks in one place. */
import { formatDiagnostic, loadSpecTexts, type Diagnostic } from '../../src/spec';

export const FILE = 'bad.yaml';

export interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly message: RegExp;
  readonly hint?: RegExp;
  readonly severity?: 'error' | 'warning';
}

/** Loads the case alone and expects its diagnostic at the marked line, with its path, message, severity and hint. */
export function expectReported(c: Case): void {
  const { diagnostics } = loadSpecTexts([{ file: FILE, text: c.yaml }]);
  const line = markedLine(c.yaml);
  const match = diagnostics.find(
    (d: Diagnostic) => d.file === FILE && d.line === line && d.path === c.path && c.message.test(d.message),
  );
  // On failure, show everything that was reported.
  expect({ found: !!match, all: diagnostics.map(formatDiagnostic) }).toEqual(expect.objectContaining({ found: true }));
  expect(match!.severity).toBe(c.severity ?? 'error');
  expect(match!.col).toBeGreaterThanOrEqual(1);
  if (c.hint) expect(match!.hint).toMatch(c.hint);
}

export function markedLine(yaml: string): number {
  const index = yaml.split('\n').findIndex((line) => line.includes('# <-'));
  if (index < 0) throw new Error('case has no # <- marker');
  return index + 1;
}

/** A valid OpenSLO SLO; `patch` replaces lines of it. */
export function slo(patch: Record<string, string> = {}, extra = ''): string {
  let text = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
spec:
  service: goodgreets
  indicator:
    metadata:
      name: api-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: HTTPCode_Target_5XX_Count
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum
        total:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: RequestCount
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: good
      target: 0.999
`;
  for (const [from, to] of Object.entries(patch)) {
    if (!text.includes(from)) throw new Error(`patch target not found: ${from}`);
    text = text.replace(from, to);
  }
  return text + extra;
}

export const GOOD_SOURCE = `          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: RequestCount
              stat: Sum
`;

export function policy(body: string): string {
  return `apiVersion: sre-kit/v1
kind: AlarmPolicy
metadata:
  name: goodgreets
spec:
  service: goodgreets
${body}`;
}

export function routing(receivers: string, route: string, intervals = ''): string {
  return `apiVersion: sre-kit/v1
kind: AlertRouting
metadata:
  name: goodgreets
spec:
  receivers:
${receivers}  route:
${route}${intervals}`;
}

export const RECEIVERS = `    - name: page
      slack:
        - channel: '#page'
          webhookSecret: goodgreets/slack/page
      email: [oncall@goodgreets.example]
`;

export function windows(page: string): string {
  return `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 7d
  page:
${page}  ticket:
    quick: { errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d }
`;
}

export function sloth(sloBody: string): string {
  return `version: prometheus/v1
service: myservice
slos:
  - name: availability
${sloBody}`;
}

export const EVENTS = `    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
`;

/** An expression source over `n` metrics, indented as a ratioMetric side's metricSource. */
function expressionSource(n: number, metricName: string): string {
  const metrics = Array.from(
    { length: n },
    (_, i) => `                m${i}: { namespace: AWS/ApplicationELB, metricName: ${metricName}, stat: Sum }`,
  );
  return `          metricSource:
            type: CloudWatch
            spec:
              expression: SUM(METRICS())
              metrics:
${metrics.join('\n')}
`;
}

/** The valid SLO with bad over `bad` metrics and total over `total`: each side alone is within CloudWatch's limit. */
export function splitSli(bad: number, total: number): string {
  const text = slo();
  const start = text.indexOf('        bad:\n');
  const end = text.indexOf('  timeWindow:');
  return (
    text.slice(0, start) +
    `        bad:\n${expressionSource(bad, 'HTTPCode_Target_5XX_Count')}        total:\n${expressionSource(total, 'RequestCount')}` +
    text.slice(end)
  );
}

/** A Sloth spec whose error_query is `query`: a YAML scalar as written, or a literal block. */
export function slothWithErrorQuery(query: string): string {
  return `version: prometheus/v1
service: goodgreets
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: ${query}
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      page_alert:
        disable: true
      ticket_alert:
        disable: true
`;
}

/** A developer Dashboard spec with one time series drawing the Prometheus `query`. */
export function dashboardWithQuery(query: string): string {
  return `apiVersion: sre-kit/v1
kind: Dashboard
metadata:
  name: app
spec:
  service: goodgreets
  audience: developer
  section: Traffic
  widgets:
    - type: timeSeries
      title: Requests
      queries:
        - id: r
          prometheus: ${query}
`;
}
