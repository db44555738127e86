/** OpenSLO, Sloth and AlertWindows specs with one problem each (line marked `# <-`). */
import { EVENTS, GOOD_SOURCE, slo, sloth, splitSli, windows, type Case } from './builders';

export const SLO_CASES: Case[] = [
  {
    name: 'objective out of range (a percentage written as target)',
    yaml: slo({ 'target: 0.999': 'target: 99.9 # <-' }),
    path: 'spec.objectives[0].target',
    message: /objective 99\.9 is out of range/,
    hint: /targetPercent: 99\.9/,
  },
  {
    name: 'target of 1 (no error budget: every burn rate divides by zero)',
    yaml: slo({ 'target: 0.999': 'target: 1 # <-' }),
    path: 'spec.objectives[0].target',
    message: /objective 1 is out of range/,
    hint: /above 0 and below 1/,
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
    message: /lookbackWindow 14d is longer than the SLO period 7d/,
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
    name: 'SLI whose bad and total expressions together exceed 10 metrics per window alarm',
    yaml: splitSli(6, 5).replace('    spec:\n      ratioMetric:', '    spec: # <-\n      ratioMetric:'),
    path: 'spec.indicator.spec',
    message: /each burn-rate window alarm would reference 11 metrics \(bad 6 \+ total 5\); .* at most 10/,
    hint: /one metric per side/,
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
];
