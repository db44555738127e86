/** AlarmPolicy, AlertRouting and YAML-level specs with one problem each (line marked `# <-`). */
import { policy, RECEIVERS, routing, slo, type Case } from './builders';

export const ALARM_CASES: Case[] = [
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
    name: 'misspelt resource property',
    yaml: policy(`  families:
    lambda:
      resources:
        - id: delivery
          properties:
            timeoutMS: 30000 # <-
`),
    path: 'spec.families.lambda.resources[0].properties.timeoutMS',
    message: /unknown lambda property "timeoutMS": no alarm derives a threshold from it/,
    hint: /did you mean "timeoutMs"/,
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
    name: 'Slack bot token written as the secret',
    yaml: routing(
      RECEIVERS.replace('webhookSecret: goodgreets/slack/page', 'botTokenSecret: xoxb-1234-5678-abcdef # <-'),
      '    receiver: page\n',
    ),
    path: 'spec.receivers[0].slack[0].botTokenSecret',
    message: /botTokenSecret holds a Slack token; a spec may only name the secret that stores it/,
    hint: /Secrets Manager/,
  },
  {
    name: 'Slack target with both a webhook and a bot token',
    yaml: routing(
      RECEIVERS.replace(
        'webhookSecret: goodgreets/slack/page',
        'webhookSecret: goodgreets/slack/page\n          botTokenSecret: goodgreets/slack/bot',
      ).replace(/(- channel: [^\n]*)/, '$1 # <-'),
      '    receiver: page\n',
    ),
    path: 'spec.receivers[0].slack[0]',
    message: /takes webhookSecret or botTokenSecret, not both/,
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
    name: 'sre-kit kind under the OpenSLO apiVersion',
    yaml: policy('  families: {}\n')
      .replace('kind: AlarmPolicy', 'kind: AlarmPolicy # <-')
      .replace('sre-kit/v1', 'openslo/v1'),
    path: 'kind',
    message: /unknown kind "AlarmPolicy" for openslo\/v1/,
    hint: /AlarmPolicy is apiVersion sre-kit\/v1/,
  },
  {
    name: 'generated Prometheus rules instead of a spec',
    yaml: 'groups: # <-\n  - name: sloth-slo-sli-recordings-myservice-requests-availability\n    rules: []\n',
    path: '',
    message: /not a spec document: no apiVersion and kind/,
    hint: /Prometheus rules file/,
  },
  {
    name: 'YAML syntax error (duplicate key)',
    yaml: slo({ '  service: goodgreets': '  service: goodgreets\n  service: other # <-' }),
    path: '(yaml)',
    message: /Map keys must be unique/,
  },
];
