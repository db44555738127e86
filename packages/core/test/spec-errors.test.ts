/**
 * Bad specs, one problem each: every one must be reported at the right file,
 * line and path with its specific message. The line is marked in the YAML
 * with `# <-`, so the cases stay readable and the assertion stays exact.
 */
import { formatDiagnostic, loadSpecTexts, type Diagnostic } from '../src/spec';

const FILE = 'bad.yaml';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly message: RegExp;
  readonly hint?: RegExp;
  readonly severity?: 'error' | 'warning';
}

function markedLine(yaml: string): number {
  const index = yaml.split('\n').findIndex((line) => line.includes('# <-'));
  if (index < 0) throw new Error('case has no # <- marker');
  return index + 1;
}

/** A valid OpenSLO SLO; `patch` replaces lines of it. */
function slo(patch: Record<string, string> = {}, extra = ''): string {
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

const GOOD_SOURCE = `          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: RequestCount
              stat: Sum
`;

function policy(body: string): string {
  return `apiVersion: sre-kit/v1
kind: AlarmPolicy
metadata:
  name: goodgreets
spec:
  service: goodgreets
${body}`;
}

function routing(receivers: string, route: string, intervals = ''): string {
  return `apiVersion: sre-kit/v1
kind: AlertRouting
metadata:
  name: goodgreets
spec:
  receivers:
${receivers}  route:
${route}${intervals}`;
}

const RECEIVERS = `    - name: page
      slack:
        - channel: '#page'
          webhookSecret: goodgreets/slack/page
      email: [oncall@goodgreets.example]
`;

function windows(page: string): string {
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

function sloth(sloBody: string): string {
  return `version: prometheus/v1
service: myservice
slos:
  - name: availability
${sloBody}`;
}

const EVENTS = `    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
`;

const CASES: Case[] = [
  {
    name: 'objective out of range (a percentage written as target)',
    yaml: slo({ 'target: 0.999': 'target: 99.9 # <-' }),
    path: 'spec.objectives[0].target',
    message: /objective 99\.9 is out of range/,
    hint: /targetPercent: 99\.9/,
  },
  {
    name: 'targetPercent of 100 (no error budget)',
    yaml: slo({ 'target: 0.999': 'targetPercent: 100 # <-' }),
    path: 'spec.objectives[0].targetPercent',
    message: /objective 100% is out of range/,
  },
  {
    name: 'target given as both ratio and percent',
    yaml: slo({ 'target: 0.999': 'target: 0.999\n      targetPercent: 99.9 # <-' }),
    path: 'spec.objectives[0].targetPercent',
    message: /both as a ratio \(target\) and as a percentage \(targetPercent\)/,
  },
  {
    name: 'good and bad both given',
    yaml: slo({ '        total:\n': `        good: # <-\n${GOOD_SOURCE}        total:\n` }),
    path: 'spec.indicator.spec.ratioMetric.good',
    message: /good and bad are both given/,
  },
  {
    name: 'missing total',
    yaml: slo({
      '      ratioMetric:': '      ratioMetric: # <-',
      [`        total:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: RequestCount
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum
`]: '',
    }),
    path: 'spec.indicator.spec.ratioMetric.total',
    message: /ratioMetric is missing total/,
  },
  {
    name: 'unknown kind',
    yaml: slo({ 'kind: SLO': 'kind: Slo # <-' }),
    path: 'kind',
    message: /unknown kind "Slo" for openslo\/v1/,
    hint: /did you mean "SLO"/,
  },
  {
    name: 'unknown apiVersion',
    yaml: slo({ 'apiVersion: openslo/v1': 'apiVersion: openslo/v2 # <-' }),
    path: 'apiVersion',
    message: /unknown apiVersion "openslo\/v2"/,
    hint: /did you mean "openslo\/v1"/,
  },
  {
    name: 'unknown indicatorRef',
    yaml: `apiVersion: openslo/v1
kind: SLI
metadata:
  name: api-errors
spec:
  ratioMetric:
    bad:
${GOOD_SOURCE.replace(/^ {4}/gm, '')}    total:
${GOOD_SOURCE.replace(/^ {4}/gm, '')}---
${slo({
  [`  indicator:
    metadata:
      name: api-errors
    spec:`]: `  indicatorRef: api-eror # <-
  x-unused:`,
}).replace(/ {2}x-unused:[\s\S]*?(?= {2}timeWindow)/, '')}`,
    path: 'spec.indicatorRef',
    message: /unknown SLI "api-eror"/,
    hint: /did you mean "api-errors"/,
  },
  {
    name: 'unknown alertPolicyRef',
    yaml: slo({}, '  alertPolicies:\n    - alertPolicyRef: fast-burn # <-\n'),
    path: 'spec.alertPolicies[0].alertPolicyRef',
    message: /unknown AlertPolicy "fast-burn"/,
  },
  {
    name: 'unknown conditionRef',
    yaml: slo(
      {},
      `  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: fast }
      spec:
        conditions:
          - conditionRef: fast-burn # <-
`,
    ),
    path: 'spec.alertPolicies[0].spec.conditions[0].conditionRef',
    message: /unknown AlertCondition "fast-burn"/,
  },
  {
    name: 'unknown service when services are declared',
    yaml: `apiVersion: openslo/v1
kind: Service
metadata:
  name: goodgreets
---
${slo({ 'service: goodgreets': 'service: goodgreet # <-' })}`,
    path: 'spec.service',
    message: /unknown Service "goodgreet"/,
    hint: /did you mean "goodgreets"/,
  },
  {
    name: 'duplicate SLO names',
    yaml: `${slo()}---\n${slo({ '  name: api-availability': '  name: api-availability # <-' })}`,
    path: 'metadata.name',
    message: /duplicate SLO name "api-availability"/,
    hint: /first defined at bad\.yaml:4:9/,
  },
  {
    name: 'bad SLO period duration',
    yaml: slo({ 'duration: 30d': 'duration: 30 days # <-' }),
    path: 'spec.timeWindow[0].duration',
    message: /bad duration "30 days"/,
  },
  {
    name: 'bad lookback window duration',
    yaml: slo(
      {},
      `  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: fast }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: fast-burn }
            spec:
              severity: page
              condition: { kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1hour } # <-
`,
    ),
    path: 'spec.alertPolicies[0].spec.conditions[0].spec.condition.lookbackWindow',
    message: /bad duration "1hour"/,
  },
  {
    name: 'alert window longer than the SLO period',
    yaml: slo(
      { 'duration: 30d': 'duration: 7d' },
      `  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: slow }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: slow-burn }
            spec:
              severity: ticket
              condition:
                kind: burnrate
                op: gt
                threshold: 1
                lookbackWindow: 14d # <-
`,
    ),
    path: 'spec.alertPolicies[0].spec.conditions[0].spec.condition.lookbackWindow',
    message: /lookbackWindow is longer than the SLO period/,
  },
  {
    name: 'alert window CloudWatch cannot express for a CloudWatch SLI',
    yaml: slo(
      {},
      `  alertPolicies: # <-
    - kind: AlertPolicy
      metadata: { name: slow }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: ten-days }
            spec:
              severity: ticket
              condition: { kind: burnrate, op: gt, threshold: 1, lookbackWindow: 10d }
`,
    ),
    path: 'spec.alertPolicies',
    message: /tier ten-days: the 10d window cannot be a CloudWatch alarm period: .*604800s \(7 d\)/,
  },
  {
    name: 'burn-rate tier that can never fire (warning)',
    yaml: slo({ 'target: 0.999': 'target: 0.9 # <-' }),
    path: 'spec.objectives[0].target',
    message: /tier page-1h \(burn rate 14\.4\) can never fire at objective 90 %: it needs an error ratio of 1\.44/,
    severity: 'warning',
  },
  {
    name: 'CloudWatch expression over more than 10 metrics',
    yaml: slo({
      [`        bad:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: HTTPCode_Target_5XX_Count
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum
`]: `        bad:
          metricSource:
            type: CloudWatch
            spec:
              expression: SUM(METRICS())
              metrics: # <-
${Array.from({ length: 11 }, (_, i) => `                m${i}: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, stat: Sum }`).join('\n')}
`,
    }),
    path: 'spec.indicator.spec.ratioMetric.bad.metricSource.spec.metrics',
    message: /expression references 11 metrics; a CloudWatch alarm may use at most 10/,
  },
  {
    name: 'expression using an undefined metric id',
    yaml: slo({
      [`        bad:
          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: HTTPCode_Target_5XX_Count
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum
`]: `        bad:
          metricSource:
            type: CloudWatch
            spec:
              expression: FILL(target5xx, 0) + FILL(elb5xx, 0) # <-
              metrics:
                target5xx: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, stat: Sum }
                elb5x: { namespace: AWS/ApplicationELB, metricName: HTTPCode_ELB_5XX_Count, stat: Sum }
`,
    }),
    path: 'spec.indicator.spec.ratioMetric.bad.metricSource.spec.expression',
    message: /expression uses "elb5xx", which metrics does not define/,
    hint: /did you mean "elb5x"/,
  },
  {
    name: 'unknown CloudWatch statistic',
    yaml: slo({ '              stat: Sum\n        total:': '              stat: P99x # <-\n        total:' }),
    path: 'spec.indicator.spec.ratioMetric.bad.metricSource.spec.stat',
    message: /unknown CloudWatch statistic "P99x"/,
    hint: /TC\(:0\.3\)/,
  },
  {
    name: 'metricSource type with the wrong case',
    yaml: slo({
      '            type: CloudWatch\n            spec:\n              namespace: AWS/ApplicationELB\n              metricName: RequestCount':
        '            type: cloudwatch # <-\n            spec:\n              namespace: AWS/ApplicationELB\n              metricName: RequestCount',
    }),
    path: 'spec.indicator.spec.ratioMetric.total.metricSource.type',
    message: /unknown metricSource type "cloudwatch"/,
    hint: /did you mean "CloudWatch"/,
  },
  {
    name: 'Prometheus query without the window placeholder',
    yaml: slo({
      [`            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: RequestCount
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum`]: `            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[5m])) # <-`,
    }),
    path: 'spec.indicator.spec.ratioMetric.total.metricSource.spec.query',
    message: /query has no \{\{\.window\}\} placeholder/,
  },
  {
    name: 'unknown field with a did-you-mean hint',
    yaml: slo({ '  budgetingMethod: Occurrences': '  budgetingMethd: Occurrences # <-' }),
    path: 'spec.budgetingMethd',
    message: /unknown field "budgetingMethd"/,
    hint: /did you mean "budgetingMethod"/,
  },
  {
    name: 'unknown budgeting method',
    yaml: slo({ '  budgetingMethod: Occurrences': '  budgetingMethod: Occurences # <-' }),
    path: 'spec.budgetingMethod',
    message: /unknown budgetingMethod "Occurences"/,
    hint: /did you mean "Occurrences"/,
  },
  {
    name: 'Timeslices without timeSliceTarget',
    yaml: slo({
      '  budgetingMethod: Occurrences': '  budgetingMethod: Timeslices',
      '    - displayName: good': '    - displayName: good # <-',
      '      target: 0.999': '      target: 0.999\n      timeSliceWindow: 1m',
    }),
    path: 'spec.objectives[0].timeSliceTarget',
    message: /budgetingMethod Timeslices needs timeSliceTarget/,
  },
  {
    name: 'calendar window in an unknown time zone',
    yaml: slo({
      '      isRolling: true':
        '      isRolling: false\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: Europe/Berlinn # <-',
    }),
    path: 'spec.timeWindow[0].calendar.timeZone',
    message: /unknown time zone "Europe\/Berlinn"/,
  },
  {
    name: 'Sloth objective of 100 %',
    yaml: sloth(`    objective: 100 # <-\n${EVENTS}`),
    path: 'slos[0].objective',
    message: /objective 100 is out of range/,
  },
  {
    name: 'Sloth query without the window placeholder',
    yaml: sloth(`    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[5m])) # <-
        total_query: sum(rate(http_requests_total[{{.window}}]))
`),
    path: 'slos[0].sli.events.error_query',
    message: /query has no \{\{\.window\}\} placeholder/,
  },
  {
    name: 'Sloth SLI with both events and raw',
    yaml: sloth(`    objective: 99.9
    sli: # <-
      events:
        error_query: sum(rate(errors[{{.window}}]))
        total_query: sum(rate(total[{{.window}}]))
      raw:
        error_ratio_query: sum(rate(errors[{{.window}}])) / sum(rate(total[{{.window}}]))
`),
    path: 'slos[0].sli',
    message: /sli has events and raw; give exactly one/,
  },
  {
    name: 'unknown Sloth spec version',
    yaml: sloth(`    objective: 99.9\n${EVENTS}`).replace('version: prometheus/v1', 'version: prometheus/v2 # <-'),
    path: 'version',
    message: /unknown Sloth spec version "prometheus\/v2"/,
  },
  {
    name: 'AlertWindows long window longer than the SLO period',
    yaml: windows(`    quick: { errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }
    slow:
      errorBudgetPercent: 12.5
      shortWindow: 30m
      longWindow: 8d # <-
`),
    path: 'spec.page.slow.longWindow',
    message: /longWindow 8d is longer than the SLO period 7d/,
  },
  {
    name: 'AlertWindows short window not shorter than the long one',
    yaml: windows(`    quick:
      errorBudgetPercent: 8
      shortWindow: 2h # <-
      longWindow: 1h
    slow: { errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h }
`),
    path: 'spec.page.quick.shortWindow',
    message: /shortWindow 2h is not shorter than longWindow 1h/,
  },
  {
    name: 'alarm policy for an undeclared service',
    yaml: `apiVersion: openslo/v1
kind: Service
metadata:
  name: goodgreets
---
${policy('  families: {}\n').replace('  service: goodgreets', '  service: goodgreetz # <-')}`,
    path: 'spec.service',
    message: /unknown Service "goodgreetz"/,
    hint: /did you mean "goodgreets"/,
  },
  {
    name: 'unknown alarm family',
    yaml: policy(`  families:
    lamda: # <-
      resources: [{ id: delivery }]
`),
    path: 'spec.families.lamda',
    message: /unknown alarm family "lamda"/,
    hint: /did you mean "lambda"/,
  },
  {
    name: 'unknown catalogue id in overrides',
    yaml: policy(`  families:
    lambda:
      resources:
        - id: delivery
          overrides:
            lambda.error: { threshold: 1 } # <-
`),
    path: 'spec.families.lambda.resources[0].overrides["lambda.error"]',
    message: /unknown alarm catalogue id "lambda.error"/,
    hint: /did you mean "lambda.errors"/,
  },
  {
    name: 'catalogue id of another family',
    yaml: policy(`  families:
    lambda:
      resources:
        - id: delivery
          overrides:
            ecs.cpu-utilization: { threshold: 70 } # <-
`),
    path: 'spec.families.lambda.resources[0].overrides["ecs.cpu-utilization"]',
    message: /alarm "ecs.cpu-utilization" belongs to family ecs, not lambda/,
  },
  {
    name: 'alarm period CloudWatch does not accept',
    yaml: policy(`  defaults:
    lambda.errors:
      period: 45s # <-
  families: {}
`),
    path: 'spec.defaults["lambda.errors"].period',
    message: /period 45s must be 10, 20, 30 or a multiple of 60 seconds/,
  },
  {
    name: 'alarm looking back more than a day with a sub-hour period',
    yaml: policy(`  defaults:
    lambda.errors:
      period: 5m
      evaluationPeriods: 300 # <-
      datapointsToAlarm: 3
  families: {}
`),
    path: 'spec.defaults["lambda.errors"].evaluationPeriods',
    message: /period x evaluation periods is 90000s; CloudWatch allows at most 86400s \(1 d\) for periods under 1 h/,
  },
  {
    name: 'alarm looking back more than 7 days',
    yaml: policy(`  defaults:
    waf.blocked-requests:
      period: 1h
      evaluationPeriods: 169 # <-
  families: {}
`),
    path: 'spec.defaults["waf.blocked-requests"].evaluationPeriods',
    message: /period x evaluation periods is 608400s; CloudWatch allows at most 604800s \(7 d\)/,
  },
  {
    name: 'datapointsToAlarm above evaluationPeriods',
    yaml: policy(`  families:
    ecs:
      resources:
        - id: api
          overrides:
            ecs.cpu-utilization:
              datapointsToAlarm: 9 # <-
`),
    path: 'spec.families.ecs.resources[0].overrides["ecs.cpu-utilization"].datapointsToAlarm',
    message: /datapointsToAlarm 9 exceeds evaluationPeriods 5/,
  },
  {
    name: 'misspelt dimension name',
    yaml: policy(`  families:
    lambda:
      resources:
        - id: delivery
          dimensions:
            FunctionNam: goodgreets-delivery # <-
`),
    path: 'spec.families.lambda.resources[0].dimensions.FunctionNam',
    message: /dimension "FunctionNam" is not used by any lambda alarm/,
    hint: /did you mean "FunctionName"/,
  },
  {
    name: 'duplicate resource id',
    yaml: policy(`  families:
    natgateway:
      resources:
        - id: nat-a
        - id: nat-a # <-
`),
    path: 'spec.families.natgateway.resources[1].id',
    message: /duplicate natgateway resource id "nat-a"/,
  },
  {
    name: 'route to an unknown receiver',
    yaml: routing(
      RECEIVERS,
      '    receiver: page\n    routes:\n      - matchers: { severity: warning }\n        receiver: team # <-\n',
    ),
    path: 'spec.route.routes[0].receiver',
    message: /unknown receiver "team"/,
  },
  {
    name: 'route muted by an unknown time interval',
    yaml: routing(
      RECEIVERS,
      '    receiver: page\n    muteTimeIntervals:\n      - weekend # <-\n',
      '  timeIntervals:\n    - name: weekends\n      weekdays: [saturday, sunday]\n',
    ),
    path: 'spec.route.muteTimeIntervals[0]',
    message: /unknown time interval "weekend"/,
    hint: /did you mean "weekends"/,
  },
  {
    name: 'Slack webhook URL written as the secret',
    yaml: routing(
      RECEIVERS.replace(
        'webhookSecret: goodgreets/slack/page',
        'webhookSecret: https://hooks.slack.com/services/T0/B0/XYZ # <-',
      ),
      '    receiver: page\n',
    ),
    path: 'spec.receivers[0].slack[0].webhookSecret',
    message: /webhookSecret holds a webhook URL; a spec may only name the secret that stores it/,
    hint: /Secrets Manager/,
  },
  {
    name: 'bad email address',
    yaml: routing(
      RECEIVERS.replace('email: [oncall@goodgreets.example]', 'email:\n        - oncall@goodgreets # <-'),
      '    receiver: page\n',
    ),
    path: 'spec.receivers[0].email[0]',
    message: /"oncall@goodgreets" is not an email address/,
  },
  {
    name: 'time range ending before it starts',
    yaml: routing(
      RECEIVERS,
      '    receiver: page\n',
      "  timeIntervals:\n    - name: nights\n      times:\n        - start: '22:00'\n          end: '07:00' # <-\n",
    ),
    path: 'spec.timeIntervals[0].times[0].end',
    message: /end 07:00 is not after start 22:00/,
    hint: /split a range that crosses midnight/,
  },
  {
    name: 'matcher on an unknown severity',
    yaml: routing(
      RECEIVERS,
      '    receiver: page\n    routes:\n      - matchers: { severity: critcal } # <-\n        receiver: page\n',
    ),
    path: 'spec.route.routes[0].matchers.severity',
    message: /unknown severity "critcal"/,
    hint: /did you mean "critical"/,
  },
  {
    name: 'YAML syntax error (duplicate key)',
    yaml: slo({ '  service: goodgreets': '  service: goodgreets\n  service: other # <-' }),
    path: '(yaml)',
    message: /Map keys must be unique/,
  },
];

describe('bad specs are rejected with a located, specific message', () => {
  it('has at least 25 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.yaml)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { diagnostics } = loadSpecTexts([{ file: FILE, text: c.yaml }]);
    const line = markedLine(c.yaml);
    const match = diagnostics.find(
      (d: Diagnostic) => d.file === FILE && d.line === line && d.path === c.path && c.message.test(d.message),
    );
    // On failure, show everything that was reported.
    expect({ found: !!match, all: diagnostics.map(formatDiagnostic) }).toEqual(
      expect.objectContaining({ found: true }),
    );
    expect(match!.severity).toBe(c.severity ?? 'error');
    expect(match!.col).toBeGreaterThanOrEqual(1);
    if (c.hint) expect(match!.hint).toMatch(c.hint);
  });
});

describe('validation as a whole', () => {
  it('reports every problem of a file at once, in file order', () => {
    const text = slo({
      'target: 0.999': 'target: 1.5',
      '  budgetingMethod: Occurrences': '  budgetingMethod: Sometimes',
      'duration: 30d': 'duration: forever',
    });
    const { diagnostics, slos } = loadSpecTexts([{ file: FILE, text }]);
    expect(slos).toEqual([]);
    expect(diagnostics.map((d) => d.path)).toEqual([
      'spec.timeWindow[0].duration',
      'spec.budgetingMethod',
      'spec.objectives[0].target',
    ]);
  });

  it('formats a diagnostic as file:line:col: path: message (hint)', () => {
    const { diagnostics } = loadSpecTexts([{ file: FILE, text: slo({ 'target: 0.999': 'target: 99.9' }) }]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'bad.yaml:35:15: spec.objectives[0].target: objective 99.9 is out of range (for a percentage write targetPercent: 99.9 or target: 0.999)',
    ]);
  });

  it('resolves references across files in any order and reports a shared SLI problem once', () => {
    const sli = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: shared
spec:
  ratioMetric:
    good:
${GOOD_SOURCE.replace(/^ {4}/gm, '')}`;
    const user = (name: string) =>
      slo({ '  name: api-availability': `  name: ${name}` }).replace(
        / {2}indicator:\n[\s\S]*?(?= {2}timeWindow)/,
        '  indicatorRef: shared\n',
      );
    const { diagnostics } = loadSpecTexts([
      { file: 'a.yaml', text: user('one') },
      { file: 'b.yaml', text: user('two') },
      { file: 'sli.yaml', text: sli },
    ]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'sli.yaml:6:3: spec.ratioMetric.total: ratioMetric is missing total (add total: with a metricSource counting all events)',
    ]);
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['', '---', '- a\n- b', 'just text', '{', 'apiVersion: [1]', 'version: 3\nslos: 4']) {
      expect(() => loadSpecTexts([{ file: FILE, text }])).not.toThrow();
    }
    expect(loadSpecTexts([{ file: FILE, text: 'just text' }]).diagnostics[0]).toMatchObject({
      line: 1,
      col: 1,
      message: 'expected a spec document, got string "just text"',
    });
  });
});
