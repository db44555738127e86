/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import * as fs from 'node:fs';
import {
  ALARM_FAMILIES,
  buildSpecDashboards,
  estimateCost,
  inventoryForSpecs,
  loadSpecFilesSync,
  planSloAlarms,
  type CostCategory,
} from '@sre-kit/core';
import { statusClass } from '../../api/src/route-emf';
import { ALARMS_DOC, renderAlarmsDoc } from '../src/alarms-doc-main';
import { ENVIRONMENT } from '../src/published-metrics';
import { SPEC_PATHS, WEEKLY_REVIEW } from '../src/stacks/observability';
import { IMAGES_METRICS_FILTER_ID } from '../src/stacks/storage';
import { synthesize } from './synth';

const { json: synthesized, stacks } = synthesize();
const specs = loadSpecFilesSync(SPEC_PATHS);

type Resource = { Type: string; Properties?: Record<string, any> };
type Output = { Value: unknown; Export?: { Name?: unknown } };
type Templates = Record<string, { Resources: Record<string, Resource>; Outputs?: Record<string, Output> }>;
const json = synthesized as Templates;
const all: { stack: string; id: string; r: Resource }[] = Object.entries(json).flatMap(([stack, t]) =>
  Object.entries(t.Resources).map(([id, r]) => ({ stack, id, r })),
);
const tagsOf = (r: Resource): Record<string, string> =>
  Object.fromEntries(((r.Properties?.Tags as { Key: string; Value: string }[]) ?? []).map((t) => [t.Key, t.Value]));
const metricAlarms = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::Alarm');
const composites = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::CompositeAlarm');

/** The resource type a dimension names: a token in its place must resolve to a resource of this type. */
const DIMENSION_RESOURCES: Readonly<Record<string, string>> = {
  FunctionName: 'AWS::Lambda::Function',
  QueueName: 'AWS::SQS::Queue',
  ClusterName: 'AWS::ECS::Cluster',
  ServiceName: 'AWS::ECS::Service',
  BucketName: 'AWS::S3::Bucket',
  LoadBalancer: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  TargetGroup: 'AWS::ElasticLoadBalancingV2::TargetGroup',
  DBInstanceIdentifier: 'AWS::RDS::DBInstance',
  ProxyName: 'AWS::RDS::DBProxy',
  ScheduleGroup: 'AWS::Scheduler::ScheduleGroup',
  NatGatewayId: 'AWS::EC2::NatGateway',
  DistributionId: 'AWS::CloudFront::Distribution',
  WebACL: 'AWS::WAFv2::WebACL',
};

/** Names a template states literally for a resource, which a dimension may repeat (WAF's WebACL is the metric name). */
const LITERAL_NAMES: Readonly<Record<string, (p: Record<string, any>) => unknown[]>> = {
  'AWS::WAFv2::WebACL': (p) => [p.Name, p.VisibilityConfig?.MetricName],
  'AWS::Lambda::Function': (p) => [p.FunctionName],
  'AWS::SQS::Queue': (p) => [p.QueueName],
};

const REGION = stacks.observability.region;
const BOT_CONTROL = 'label namespace of the AWS managed Bot Control rule group on both web ACLs';
/** Dimension values that are constants rather than resources, each with why it is real. */
const UPLOADS = 'a goodgreets_uploads_total label value the API starts at 0 (api/src/metrics.ts)';
const CONSTANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Region: {
    Global: 'CloudFront publishes its distribution metrics with Region=Global',
    [REGION]: 'the Region of the regional web ACL: app.ts puts every GoodGreets stack in this region',
  },
  Rule: { ALL: 'WAF publishes the totals of a web ACL under Rule=ALL' },
  FilterId: { [IMAGES_METRICS_FILTER_ID]: 'the request-metrics filter of the images bucket (storage.ts)' },
  Environment: { [ENVIRONMENT]: 'the Environment GoodGreets publishes its own metrics with (api.ts)' },
  // Label values the API's own code publishes (the spec panels read them): api/src/metrics.ts zeroSeries, route-emf.ts.
  result: { accepted: UPLOADS, rejected: UPLOADS },
  reason: { captcha_missing: UPLOADS, captcha_invalid: UPLOADS, captcha_replayed: UPLOADS },
  status_class: Object.fromEntries(
    [200, 300, 400, 500].map((s) => [statusClass(s), 'the status class of per-route RED (api/src/route-emf.ts)']),
  ),
  LabelNamespace: {
    'awswaf:managed:aws:bot-control:bot:category': BOT_CONTROL,
    'awswaf:managed:aws:bot-control:signal': BOT_CONTROL,
  },
};

interface Dimension {
  /** stack/logical id of the alarm or dashboard that reads it */
  readonly where: string;
  readonly stack: string;
  readonly name: string;
  readonly value: unknown;
}

type Origin = { stack: string; id: string; type: string };

/**
 * The resource a CloudFormation value stands for: Ref and Fn::GetAtt of a resource of the same template,
 * Fn::ImportValue of an export of a GoodGreets stack (followed to what it exports), Fn::Select over an
 * Fn::Split of one of those. Anything else (a pseudo parameter, a join with literal text) is an error text.
 */
function originOf(templates: Templates, stack: string, value: unknown): Origin | string {
  const entries = value !== null && typeof value === 'object' ? Object.entries(value) : [];
  if (entries.length !== 1) return `not a reference: ${JSON.stringify(value)}`;
  const [[fn, arg]] = entries as [[string, any]];
  const resource = (id: unknown): Origin | string => {
    const r = typeof id === 'string' ? templates[stack].Resources[id] : undefined;
    return r ? { stack, id: id as string, type: r.Type } : `${fn} to ${JSON.stringify(id)}, not a resource of ${stack}`;
  };
  switch (fn) {
    case 'Ref':
      return resource(arg);
    case 'Fn::GetAtt':
      return resource(Array.isArray(arg) ? arg[0] : String(arg).split('.')[0]);
    case 'Fn::ImportValue': {
      for (const [exporter, t] of Object.entries(templates))
        for (const output of Object.values(t.Outputs ?? {}))
          if (output.Export?.Name === arg) return originOf(templates, exporter, output.Value);
      return `imports ${JSON.stringify(arg)}, which no GoodGreets stack exports`;
    }
    case 'Fn::Select': {
      const split = arg?.[1]?.['Fn::Split'];
      return split ? originOf(templates, stack, split[1]) : `Fn::Select over something other than Fn::Split`;
    }
    default:
      return `${fn} is not a reference to a resource`;
  }
}

/** Why a dimension does not name a GoodGreets resource or a documented constant; undefined when it does. */
function dimensionProblem(templates: Templates, d: Dimension): string | undefined {
  const expected = DIMENSION_RESOURCES[d.name];
  const at = `${d.where}: ${d.name}=${JSON.stringify(d.value)}`;
  if (typeof d.value === 'string') {
    if (CONSTANTS[d.name]?.[d.value]) return undefined;
    const named = Object.values(templates).some((t) =>
      Object.values(t.Resources).some(
        (r) => r.Type === expected && (LITERAL_NAMES[r.Type]?.(r.Properties ?? {}) ?? []).includes(d.value),
      ),
    );
    return named ? undefined : `${at} is a hard-coded value naming no GoodGreets resource and no documented constant`;
  }
  if (!expected) return `${at}: no resource type is known for dimension ${d.name}`;
  const origin = originOf(templates, d.stack, d.value);
  if (typeof origin === 'string') return `${at}: ${origin}`;
  return origin.type === expected
    ? undefined
    : `${at} resolves to ${origin.type} ${origin.stack}/${origin.id}, not to a ${expected}`;
}

type Named = { Name: string; Value: unknown };

function alarmDimensions(templates: Templates): Dimension[] {
  return Object.entries(templates).flatMap(([stack, t]) =>
    Object.entries(t.Resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .flatMap(([id, r]) =>
        [
          ...((r.Properties?.Dimensions as Named[] | undefined) ?? []),
          ...(
            (r.Properties?.Metrics as { MetricStat?: { Metric: { Dimensions?: Named[] } } }[] | undefined) ?? []
          ).flatMap((m) => m.MetricStat?.Metric.Dimensions ?? []),
        ].map((d) => ({ where: `${stack}/${id}`, stack, name: d.Name, value: d.Value })),
      ),
  );
}

/**
 * The dimensions of every metric a dashboard shows: the body is JSON text joined around references, so the
 * references are swapped for markers, the text parsed, and the markers swapped back in each dimension value.
 * Metric rows are [namespace, name, dimension, value, ..., options]; SEARCH expressions name theirs as Name="value".
 */
function dashboardDimensions(templates: Templates): Dimension[] {
  const out: Dimension[] = [];
  for (const [stack, t] of Object.entries(templates)) {
    for (const [id, r] of Object.entries(t.Resources)) {
      if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
      const body = r.Properties!.DashboardBody;
      const parts: unknown[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
      const tokens: unknown[] = [];
      const text = parts.map((p) => (typeof p === 'string' ? p : `@@ref${tokens.push(p) - 1}@@`)).join('');
      const restore = (v: string) => {
        const marker = /^@@ref(\d+)@@$/.exec(v);
        return marker ? tokens[Number(marker[1])] : v;
      };
      const add = (name: string, value: string) =>
        out.push({ where: `${stack}/${id}`, stack, name, value: restore(value) });
      for (const widget of JSON.parse(text).widgets as { properties?: { metrics?: unknown[][] } }[]) {
        for (const row of widget.properties?.metrics ?? []) {
          const head = row[0] as { expression?: string } | string;
          if (typeof head === 'object') {
            const search = /SEARCH\('\{[^}]*\}([^']*)'/.exec(head.expression ?? '');
            for (const [, name, value] of (search?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g))
              if (name !== 'MetricName') add(name, value);
            continue;
          }
          const cells = row.filter((c): c is string => typeof c === 'string');
          for (let i = 2; i + 1 < cells.length; i += 2) add(cells[i], cells[i + 1]);
        }
      }
    }
  }
  return out;
}

function dimensionProblems(templates: Templates, dimensions: Dimension[]): string[] {
  return dimensions.map((d) => dimensionProblem(templates, d)).filter((p): p is string => p !== undefined);
}

describe('sre-kit applied to GoodGreets', () => {
  it('puts alarms of all seven families, the queues and the SES account on the app’s own resources', () => {
    const families = new Set(metricAlarms.map(({ r }) => tagsOf(r)['sre-kit:family']));
    for (const family of [...ALARM_FAMILIES, 'slo', 'sqs', 'ses', 'alert-router']) expect(families).toContain(family);
    const dimensions = alarmDimensions(json);
    expect(dimensions.length).toBeGreaterThan(metricAlarms.length);
    expect(dimensionProblems(json, dimensions)).toEqual([]);
  });

  it('refuses a dimension that is a hard-coded name, a dangling import or a reference of the wrong kind', () => {
    const tampered = structuredClone(json);
    const workers = tampered['GoodGreets-Workers'];
    const alarm = (family: string, resource: string) =>
      Object.values(tampered['GoodGreets-Observability'].Resources).find(
        (r) =>
          r.Type === 'AWS::CloudWatch::Alarm' &&
          tagsOf(r)['sre-kit:family'] === family &&
          tagsOf(r)['sre-kit:resource'] === resource,
      )!.Properties!;
    alarm('sqs', 'delivery-parking').Dimensions[0].Value = 'goodgreets-delivery-parking';
    alarm('sqs', 'thumbnail-dead-letters').Dimensions[0].Value = { 'Fn::ImportValue': 'GoodGreets-Workers:Nothing' };
    alarm('lambda', 'delivery').Dimensions[0].Value = { Ref: 'AWS::Region' };
    // A queue dimension that imports a function is a reference, but to the wrong resource.
    const [functionExport] = Object.values(workers.Outputs!).filter((o) =>
      JSON.stringify(o.Value).includes('Delivery5F'),
    );
    alarm('sqs', 'delivery-dead-letters').Dimensions[0].Value = { 'Fn::ImportValue': functionExport.Export!.Name };
    // A dashboard metric row whose FunctionName is the delivery function, made a hard-coded name.
    const [dashboardId, parts, at] = Object.entries(tampered['GoodGreets-Observability'].Resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard')
      .map(([id, r]) => {
        const body: unknown[] = r.Properties!.DashboardBody['Fn::Join'][1];
        const index = body.findIndex(
          (p, i) =>
            typeof p === 'object' &&
            `${body[i - 1]}`.endsWith('"FunctionName","') &&
            JSON.stringify(p).includes('Delivery5F'),
        );
        return [id, body, index] as const;
      })
      .find(([, , index]) => index > 0)!;
    parts[at] = 'goodgreets-delivery';

    const problems = dimensionProblems(tampered, [...alarmDimensions(tampered), ...dashboardDimensions(tampered)]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/QueueName="goodgreets-delivery-parking" is a hard-coded value/),
        expect.stringMatching(/imports "GoodGreets-Workers:Nothing", which no GoodGreets stack exports/),
        expect.stringMatching(/FunctionName=\{"Ref":"AWS::Region"\}: Ref to "AWS::Region", not a resource/),
        expect.stringMatching(/QueueName=.* resolves to AWS::Lambda::Function GoodGreets-Workers\/Delivery/),
        expect.stringMatching(new RegExp(`${dashboardId}: FunctionName="goodgreets-delivery" is a hard-coded value`)),
      ]),
    );
  });

  it('alarms every queue of the app', () => {
    const queues = Object.entries(json).flatMap(([stack, t]) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
        .map(([id]) => `${stack}/${id}`),
    );
    const alarmed = new Set(
      alarmDimensions(json)
        .filter((d) => d.name === 'QueueName')
        .map((d) => originOf(json, d.stack, d.value))
        .map((o) => (typeof o === 'string' ? o : `${o.stack}/${o.id}`)),
    );
    expect(queues.length).toBe(5);
    expect(queues.filter((q) => !alarmed.has(q))).toEqual([]);
  });

  it('alarms the queues by role and the SES reputation through the kit families, with GoodGreets runbooks', () => {
    const own = metricAlarms
      .filter(({ r }) => ['sqs', 'ses'].includes(tagsOf(r)['sre-kit:family']))
      .map(({ r }) => ({
        resource: tagsOf(r)['sre-kit:resource'],
        check: tagsOf(r)['sre-kit:catalogue-id'],
        metric: r.Properties!.MetricName as string,
        threshold: r.Properties!.Threshold as number,
        severity: tagsOf(r)['sre-kit:severity'],
        description: String(r.Properties!.AlarmDescription),
      }));
    const row = (resource: string) => own.find((o) => o.resource === resource)!;
    expect(own.map((o) => o.metric).sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'NumberOfMessagesSent',
      'Reputation.BounceRate',
      'Reputation.BounceRate',
      'Reputation.ComplaintRate',
      'Reputation.ComplaintRate',
    ]);
    // 5 receives x 180 s on the dead-letter consumer, plus 45 minutes to redrive before this reports it again.
    expect(row('delivery-parking')).toMatchObject({ check: 'sqs.oldest-message-age', threshold: 5 * 180 + 45 * 60 });
    expect(row('delivery-dead-letters').check).toBe('sqs.dead-letter-messages-sent');
    expect(row('thumbnail-dead-letters').check).toBe('sqs.dead-letter-messages-visible');
    expect(row('email-event-dead-letters').check).toBe('sqs.dead-letter-messages-visible');
    expect(row('delivery-parking').description).toContain('The dead-letter consumer gave up on a failed delivery');
    const thresholds = own.filter((o) => o.metric.startsWith('Reputation.')).map((o) => o.threshold);
    expect(thresholds.sort()).toEqual([0.0005, 0.001, 0.025, 0.05]);
    // GoodGreets keeps every queue and reputation alarm a warning (outages page through the SLOs).
    expect(new Set(own.map((o) => o.severity))).toEqual(new Set(['warning']));
  });

  it('sends every alarm with a severity to the kit topic of that severity, on ALARM and on OK', () => {
    const severityOfTopic = new Map(
      all.filter(({ r }) => r.Type === 'AWS::SNS::Topic').map(({ id, r }) => [id, tagsOf(r)['sre-kit:severity']]),
    );
    const routed = [...metricAlarms, ...composites].filter(
      ({ r }) => tagsOf(r)['sre-kit:severity'] && r.Properties?.AlarmActions?.length,
    );
    const wrong = routed.filter(({ r }) =>
      ['AlarmActions', 'OKActions'].some((key) => {
        const actions = (r.Properties?.[key] as { Ref?: string }[] | undefined) ?? [];
        return (
          actions.length === 0 ||
          actions.some((a) => severityOfTopic.get(a.Ref ?? '') !== tagsOf(r)['sre-kit:severity'])
        );
      }),
    );
    expect(wrong.map(({ stack, id }) => `${stack}/${id}`)).toEqual([]);
    const own = routed.filter(({ r }) => ['sqs', 'ses'].includes(tagsOf(r)['sre-kit:family']));
    // Four queue alarms (one per worker queue, by role) and the two levels of each SES reputation rate.
    expect(own).toHaveLength(8);
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

  it('reviews its SLOs every Monday 09:00 Berlin time and posts the digest to the team channel', () => {
    expect(WEEKLY_REVIEW).toEqual({ schedule: 'cron(0 9 ? * MON *)', timeZone: 'Europe/Berlin' });
    const schedules = all.filter(({ r }) => r.Type === 'AWS::Scheduler::Schedule');
    expect(
      schedules.map(({ r }) => [r.Properties?.ScheduleExpression, r.Properties?.ScheduleExpressionTimezone]),
    ).toEqual([['cron(0 9 ? * MON *)', 'Europe/Berlin']]);
    const review = stacks.observability.weeklyReview;
    const [fn] = all.filter(
      ({ r }) =>
        r.Type === 'AWS::Lambda::Function' && String(r.Properties?.Description).startsWith('sre-kit SLO review'),
    );
    // Every SLO of slos/ (all CloudWatch), named in the function's description.
    const names = loadSpecFilesSync([SPEC_PATHS[0]]).slos.map((s) => s.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(fn.r.Properties?.Description).toContain(name);
    const env = fn.r.Properties?.Environment.Variables;
    expect(env.WEBHOOK_SECRET).toBe('goodgreets/slack/team');
    // The deployed load balancer, target group and distribution, resolved by CloudFormation: no placeholder.
    const values = JSON.stringify(env.DIMENSION_VALUES);
    for (const key of ['LoadBalancer', 'TargetGroup', 'DistributionId']) expect(values).toContain(key);
    expect(values).not.toContain('0123456789abcdef');
    // Its role reads the team webhook secret and GetMetricData, nothing else.
    const roleId = stacks.observability.getLogicalId(review.reviewFunction.role!.node.defaultChild as any);
    const statements = all
      .filter(({ r }) => r.Type === 'AWS::IAM::Policy' && r.Properties?.Roles.some((x: any) => x.Ref === roleId))
      .flatMap(({ r }) => r.Properties?.PolicyDocument.Statement);
    expect(statements.map((st: any) => st.Action)).toEqual([
      'secretsmanager:GetSecretValue',
      'cloudwatch:GetMetricData',
    ]);
    expect(JSON.stringify(statements[0].Resource)).toContain('secret:goodgreets/slack/team-??????');
    // Its failure is an alarm on the warning topic, priced like the others.
    const failures = metricAlarms.filter(({ r }) => tagsOf(r)['sre-kit:family'] === 'slo-review');
    expect(failures).toHaveLength(1);
    expect(stacks.observability.kit.costReport().lines.map((l) => l.owner)).toContain('slo-review');
  });

  it('shows on its dashboards only metrics of the app’s own resources', () => {
    const dashboards = all.filter(({ r }) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards.map(({ r }) => r.Properties?.DashboardName).sort()).toEqual([
      'goodgreets-developer',
      'goodgreets-management',
      'goodgreets-security',
      'goodgreets-slo',
    ]);
    const dimensions = dashboardDimensions(json);
    // Every audience dashboard shows resource metrics; an unparsed body would check nothing.
    expect(new Set(dimensions.map((d) => d.where)).size).toBe(dashboards.length);
    expect(dimensionProblems(json, dimensions)).toEqual([]);
  });

  it('prices every alarm the app deploys: metric alarms by the metrics they read, composites as composites', () => {
    const report = stacks.observability.kit.costReport();
    expect({ metricAlarms: report.metricAlarms, compositeAlarms: report.compositeAlarms }).toEqual({
      metricAlarms: metricAlarms.length,
      compositeAlarms: composites.length,
    });
    const quantity = (...categories: string[]) =>
      report.lines.filter((l) => categories.includes(l.category)).reduce((sum, l) => sum + l.quantity, 0);
    // CloudWatch bills an alarm per metric it reads: its one metric, or each MetricStat of its metric math.
    const billed = metricAlarms.map(({ r }) =>
      r.Properties?.MetricName
        ? 1
        : (r.Properties?.Metrics as { MetricStat?: unknown }[]).filter((q) => q.MetricStat).length,
    );
    expect(quantity('alarmMetrics', 'highResolutionAlarmMetrics')).toBe(billed.reduce((a, b) => a + b, 0));
    expect(quantity('compositeAlarms')).toBe(composites.length);
    const owners = new Set(report.lines.map((l) => l.owner));
    for (const { r } of [...metricAlarms, ...composites])
      expect(owners).toContain(tagsOf(r)['sre-kit:slo'] ?? tagsOf(r)['sre-kit:family']);
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
    // The specs know the SLOs and the catalogue families; the router's and the app's own alarms are code only.
    const fromSpecs = ({ r }: { r: Resource }) =>
      tagsOf(r)['sre-kit:slo'] !== undefined ||
      (ALARM_FAMILIES as readonly string[]).includes(tagsOf(r)['sre-kit:family']);
    for (const { r } of metricAlarms.filter(fromSpecs)) {
      const queries = (r.Properties?.Metrics as { MetricStat?: unknown }[] | undefined) ?? [{ MetricStat: {} }];
      const owner = tagsOf(r)['sre-kit:slo'] ?? tagsOf(r)['sre-kit:family'];
      count(deployed, `${owner}/metric`, queries.filter((q) => q.MetricStat).length);
    }
    for (const { r } of composites.filter(fromSpecs))
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
    const codeOnly = [...metricAlarms, ...composites].filter((a) => !fromSpecs(a));
    const codeOwners = new Set(codeOnly.map(({ r }) => tagsOf(r)['sre-kit:family']));
    const specLines = report.lines.filter((l) => !codeOwners.has(l.owner));
    expect({
      metricAlarms: report.metricAlarms - codeOnly.filter(({ r }) => r.Type === 'AWS::CloudWatch::Alarm').length,
      compositeAlarms: report.compositeAlarms - codeOnly.filter(({ r }) => r.Type !== 'AWS::CloudWatch::Alarm').length,
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
    expect(dollars(cli.lines)).toBeCloseTo(dollars(specLines), 9);
    // What is left between the two totals is what the kit says it leaves out, and the alarms only code knows.
    const beyond = cli.lines.filter((l) => l.category === 'getMetricData' || (l.category === 'customMetrics' && l.slo));
    expect(report.excludes).toMatch(/custom metrics.*GetMetricData/);
    const codeOnlyUsd = dollars(report.lines) - dollars(specLines);
    expect(codeOnlyUsd).toBeGreaterThan(0);
    expect(cli.totalUsd - beyond.reduce((sum, l) => sum + l.monthlyUsd, 0) + codeOnlyUsd).toBeCloseTo(
      report.totalUsd,
      2,
    );
  });

  it('keeps alarms/ALARMS.md in step with the synthesized app', () => {
    expect(renderAlarmsDoc()).toBe(fs.readFileSync(ALARMS_DOC, 'utf8'));
  });
});
