import { closest } from '../spec/suggest';
import {
  allResources,
  resolveValue,
  type AssemblyTemplate,
  type CfnResource,
  type CloudAssemblyInput,
  type Resolved,
} from './assembly';
import type { MetricPrecondition } from '../model/alarms';
import {
  ALARM_PRECONDITIONS_METADATA,
  CONTAINER_INSIGHTS_NAMESPACE,
  containerInsightsEnabled,
  preconditionPropertyProblem,
  PUBLISHED_METRICS_METADATA,
  RDS_REPLICA_ONLY_METRICS,
  S3_STORAGE_METRICS,
  wafFeatureProblem,
  webAclFeatures,
  type PublishedMetrics,
} from './publishers';

/** Why one metric of an alarm gets no data, and what to change. */
export interface DeadMetric {
  /** `Namespace MetricName`, or the child alarm reference of a composite. */
  readonly metric: string;
  readonly reason: string;
  readonly fix: string;
}

export interface DeadAlarm {
  readonly stack: string;
  readonly logicalId: string;
  /** The AlarmName when literal, else the logical id. */
  readonly alarmName: string;
  readonly type: 'AWS::CloudWatch::Alarm' | 'AWS::CloudWatch::CompositeAlarm';
  readonly problems: readonly DeadMetric[];
}

/** A dashboard widget that can never show data: one of its metrics or SEARCH expressions is dead. */
export interface DeadPanel {
  readonly stack: string;
  readonly logicalId: string;
  /** The DashboardName when literal, else the logical id. */
  readonly dashboard: string;
  /** The widget's title (or `widget <index>` when it has none). */
  readonly widget: string;
  readonly problems: readonly DeadMetric[];
}

export interface VerifyReport {
  readonly alarms: number;
  readonly compositeAlarms: number;
  readonly dead: readonly DeadAlarm[];
  readonly dashboards: number;
  /** Metric widgets checked, over all dashboards. */
  readonly panels: number;
  readonly deadPanels: readonly DeadPanel[];
  /** Metrics in namespaces verify has no publisher rules for (listed, not failed). */
  readonly unchecked: readonly { stack: string; alarmName: string; metric: string }[];
}

export interface VerifyOptions {
  /** Contracts of custom namespaces given outside the assembly (`sre verify --metrics`). */
  readonly published?: readonly PublishedMetrics[];
}

interface MetricRef {
  readonly namespace: string;
  /** Empty for a SEARCH without a MetricName term (any metric of the namespace and schema). */
  readonly metricName: string;
  /** Value undefined: a SEARCH schema dimension without a term (any value). */
  readonly dimensions: ReadonlyArray<{ Name: string; Value: unknown }>;
}

/** How one dimension names a resource: the resource types it can be and the properties that hold its name. */
interface DimensionRule {
  readonly types: readonly string[];
  readonly nameProps: readonly string[];
  /** Literal dimension value -> the name to compare with nameProps (ALB full names are app/<name>/<id>). */
  readonly literalName?: (value: string) => string;
}

const secondSegment = (value: string): string => value.split('/')[1] ?? value;

const rule = (
  types: string | string[],
  nameProps: string[] = [],
  literalName?: (v: string) => string,
): DimensionRule => ({
  types: Array.isArray(types) ? types : [types],
  nameProps,
  ...(literalName ? { literalName } : {}),
});

const ECS_DIMENSIONS = {
  ClusterName: rule('AWS::ECS::Cluster', ['ClusterName']),
  ServiceName: rule('AWS::ECS::Service', ['ServiceName']),
  TaskDefinitionFamily: rule('AWS::ECS::TaskDefinition', ['Family']),
};

/** The AWS namespaces verify knows, and the dimensions in them that name a resource of the assembly. */
const AWS_NAMESPACES: Readonly<Record<string, Readonly<Record<string, DimensionRule>>>> = {
  'AWS/Lambda': { FunctionName: rule('AWS::Lambda::Function', ['FunctionName']) },
  'AWS/ECS': ECS_DIMENSIONS,
  [CONTAINER_INSIGHTS_NAMESPACE]: ECS_DIMENSIONS,
  'AWS/S3': { BucketName: rule('AWS::S3::Bucket', ['BucketName']) },
  'AWS/ApplicationELB': {
    LoadBalancer: rule('AWS::ElasticLoadBalancingV2::LoadBalancer', ['Name'], secondSegment),
    TargetGroup: rule('AWS::ElasticLoadBalancingV2::TargetGroup', ['Name'], secondSegment),
  },
  'AWS/RDS': {
    DBInstanceIdentifier: rule('AWS::RDS::DBInstance', ['DBInstanceIdentifier']),
    DBClusterIdentifier: rule('AWS::RDS::DBCluster', ['DBClusterIdentifier']),
    ProxyName: rule('AWS::RDS::DBProxy', ['DBProxyName']),
  },
  'AWS/NATGateway': { NatGatewayId: rule('AWS::EC2::NatGateway') },
  'AWS/SQS': { QueueName: rule('AWS::SQS::Queue', ['QueueName']) },
  'AWS/SNS': { TopicName: rule('AWS::SNS::Topic', ['TopicName']) },
  'AWS/CloudFront': { DistributionId: rule('AWS::CloudFront::Distribution') },
  'AWS/DynamoDB': { TableName: rule('AWS::DynamoDB::Table', ['TableName']) },
  'AWS/States': { StateMachineArn: rule('AWS::StepFunctions::StateMachine') },
  'AWS/Events': { RuleName: rule('AWS::Events::Rule', ['Name']) },
  'AWS/Scheduler': { ScheduleGroup: rule('AWS::Scheduler::ScheduleGroup', ['Name']) },
  // Account-level metrics (bounce and complaint rate) have no dimension naming a resource.
  'AWS/SES': {},
  // Web ACLs are named by their VisibilityConfig.MetricName: checked by wafProblems.
  'AWS/WAFV2': {},
};

interface Found {
  readonly template: AssemblyTemplate;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/** Verifies every alarm of the assembly reads a metric something in it publishes. */
export function verifyAssembly(assembly: CloudAssemblyInput, options: VerifyOptions = {}): VerifyReport {
  const published = [...publishedIn(assembly), ...(options.published ?? [])];
  const dead: DeadAlarm[] = [];
  const unchecked: Array<{ stack: string; alarmName: string; metric: string }> = [];
  let alarms = 0;
  let compositeAlarms = 0;
  for (const { template, logicalId, resource } of allResources(assembly)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm' && resource.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
    const p = resource.Properties ?? {};
    const alarmName = typeof p.AlarmName === 'string' ? p.AlarmName : logicalId;
    const problems: DeadMetric[] = [];
    if (resource.Type === 'AWS::CloudWatch::CompositeAlarm') {
      compositeAlarms++;
      problems.push(...compositeProblems(assembly, template, p.AlarmRule));
    } else {
      alarms++;
      const metrics = metricsOf(p);
      for (const metric of metrics) {
        const found = metricProblems(assembly, template, metric, published);
        if (found === 'unchecked') unchecked.push({ stack: template.stack, alarmName, metric: metricLabel(metric) });
        else problems.push(...found);
      }
      problems.push(
        ...preconditionProblems(assembly, template, metrics, resource.Metadata?.[ALARM_PRECONDITIONS_METADATA]),
      );
    }
    const distinct = distinctProblems(problems);
    if (distinct.length)
      dead.push({ stack: template.stack, logicalId, alarmName, type: resource.Type, problems: distinct });
  }
  const dashboards = verifyDashboards(assembly, published);
  for (const u of dashboards.unchecked) unchecked.push(u);
  return {
    alarms,
    compositeAlarms,
    dead,
    dashboards: dashboards.dashboards,
    panels: dashboards.panels,
    deadPanels: dashboards.dead,
    unchecked,
  };
}

const metricLabel = (m: MetricRef): string => `${m.namespace} ${m.metricName || '(SEARCH)'}`.trim();

/** One line per distinct problem: metric math often reads the same metric twice (bad and total). */
function distinctProblems(problems: readonly DeadMetric[]): DeadMetric[] {
  return [...new Map(problems.map((x) => [`${x.metric}\u0000${x.reason}`, x])).values()];
}

/** The one check alarms and dashboard widgets share: is `metric` published by the assembly as configured? */
function metricProblems(
  assembly: CloudAssemblyInput,
  where: AssemblyTemplate,
  metric: MetricRef,
  published: readonly PublishedMetrics[],
): DeadMetric[] | 'unchecked' {
  const known = metric.namespace in AWS_NAMESPACES;
  if (!known && metric.namespace.startsWith('AWS/')) return 'unchecked';
  const found = known ? awsMetricProblems(assembly, where, metric) : customMetricProblems(metric, published);
  return found.map((f) => ({ metric: metricLabel(metric), ...f }));
}

/** A template value that may be an Fn::Join of strings and tokens: the text, tokens standing as \uE000<i>\uE000. */
function joinedText(value: unknown): { text: string; tokens: unknown[] } {
  const parts: unknown[] = [];
  const flatten = (v: unknown): void => {
    const join = (v as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
    if (join && Array.isArray(join[1])) {
      join[1].forEach((p, i) => {
        if (i > 0 && join[0]) parts.push(join[0]);
        flatten(p);
      });
    } else parts.push(v);
  };
  flatten(value);
  const tokens: unknown[] = [];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      tokens.push(p);
      return `\uE000${tokens.length - 1}\uE000`;
    })
    .join('');
  return { text, tokens };
}

const TOKEN = /^\uE000(\d+)\uE000$/;

/** A dashboard-body string back to the template value it stands for: the token when it is exactly one. */
function bodyValue(value: unknown, tokens: readonly unknown[]): unknown {
  if (typeof value !== 'string') return value;
  const t = TOKEN.exec(value);
  return t ? tokens[Number(t[1])] : value;
}

/** `SEARCH('{Namespace,Dim,...} Key="value" ...', ...)` to the metric reference it selects. */
export function parseSearch(
  expression: string,
): { namespace: string; schema: string[]; terms: Map<string, string> } | undefined {
  const m = /SEARCH\(\s*'\{([^}]*)\}\s*((?:[^'\\]|\\.)*)'/.exec(expression);
  if (!m) return undefined;
  const [namespace, ...schema] = m[1]!.split(',').map((s) => s.trim());
  const terms = new Map<string, string>();
  for (const t of m[2]!.matchAll(/(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) terms.set(t[1]!, t[2]!.replace(/\\(.)/g, '$1'));
  return { namespace: namespace!, schema, terms };
}

/** The metrics a widget's `metrics` array reads: metric rows, and the namespace and schema of each SEARCH. */
function widgetMetrics(rows: unknown, tokens: readonly unknown[]): MetricRef[] {
  const out: MetricRef[] = [];
  for (const row of Array.isArray(rows) ? rows : []) {
    if (!Array.isArray(row)) continue;
    const head = row[0] as { expression?: unknown } | string;
    if (head && typeof head === 'object') {
      if (typeof head.expression !== 'string') continue;
      for (const call of head.expression.matchAll(/SEARCH\(\s*'(?:[^'\\]|\\.)*'/g)) {
        const search = parseSearch(call[0]);
        if (!search) continue;
        const dimensions = search.schema.map((name) => ({
          Name: name,
          Value: search.terms.has(name) ? bodyValue(search.terms.get(name), tokens) : undefined,
        }));
        // LabelNamespace terms filter on a schema dimension; keep them for the label precondition.
        out.push({ namespace: search.namespace, metricName: search.terms.get('MetricName') ?? '', dimensions });
      }
      continue;
    }
    // [namespace, metric, dim, value, ..., { id, stat, ... }]: tokens sit inside the strings.
    const strings = row.filter((x): x is string => typeof x === 'string');
    if (typeof strings[0] !== 'string' || typeof strings[1] !== 'string') continue;
    const dimensions: Array<{ Name: string; Value: unknown }> = [];
    for (let i = 2; i + 1 < strings.length; i += 2)
      dimensions.push({ Name: String(bodyValue(strings[i], tokens)), Value: bodyValue(strings[i + 1], tokens) });
    out.push({
      namespace: String(bodyValue(strings[0], tokens)),
      metricName: String(bodyValue(strings[1], tokens)),
      dimensions,
    });
  }
  return out;
}

/** Every metric widget of every AWS::CloudWatch::Dashboard, through the same checks as alarms. */
function verifyDashboards(
  assembly: CloudAssemblyInput,
  published: readonly PublishedMetrics[],
): {
  dashboards: number;
  panels: number;
  dead: DeadPanel[];
  unchecked: Array<{ stack: string; alarmName: string; metric: string }>;
} {
  let dashboards = 0;
  let panels = 0;
  const dead: DeadPanel[] = [];
  const unchecked: Array<{ stack: string; alarmName: string; metric: string }> = [];
  for (const { template, logicalId, resource } of allResources(assembly)) {
    if (resource.Type !== 'AWS::CloudWatch::Dashboard') continue;
    dashboards++;
    const p = resource.Properties ?? {};
    const dashboard = literalOf(assembly, template, p.DashboardName) ?? logicalId;
    const { text, tokens } = joinedText(p.DashboardBody);
    let body: { widgets?: Array<{ type?: string; properties?: Record<string, unknown> }> };
    try {
      body = JSON.parse(text);
    } catch (e) {
      dead.push({
        stack: template.stack,
        logicalId,
        dashboard,
        widget: '(body)',
        problems: [
          {
            metric: '-',
            reason: `the DashboardBody is not JSON (${(e as Error).message})`,
            fix: 'render the body with JSON.stringify / stack.toJsonString',
          },
        ],
      });
      continue;
    }
    for (const [i, w] of (body.widgets ?? []).entries()) {
      if (w.type !== 'metric') continue;
      panels++;
      const title = typeof w.properties?.title === 'string' ? w.properties.title : `widget ${i}`;
      const problems: DeadMetric[] = [];
      for (const metric of widgetMetrics(w.properties?.metrics, tokens)) {
        const found = metricProblems(assembly, template, metric, published);
        if (found === 'unchecked')
          unchecked.push({ stack: template.stack, alarmName: `${dashboard}: ${title}`, metric: metricLabel(metric) });
        else problems.push(...found);
      }
      const distinct = distinctProblems(problems);
      if (distinct.length)
        dead.push({ stack: template.stack, logicalId, dashboard, widget: title, problems: distinct });
    }
  }
  return { dashboards, panels, dead, unchecked };
}

/** Single-metric alarms and every MetricStat of a metric-math alarm. */
function metricsOf(p: Record<string, unknown>): MetricRef[] {
  if (typeof p.MetricName === 'string')
    return [
      {
        namespace: String(p.Namespace ?? ''),
        metricName: p.MetricName,
        dimensions: (p.Dimensions as MetricRef['dimensions']) ?? [],
      },
    ];
  const out: MetricRef[] = [];
  for (const q of (p.Metrics as Array<{ MetricStat?: { Metric?: Record<string, unknown> } }>) ?? []) {
    const m = q.MetricStat?.Metric;
    if (!m) continue;
    out.push({
      namespace: String(m.Namespace ?? ''),
      metricName: String(m.MetricName ?? ''),
      dimensions: (m.Dimensions as MetricRef['dimensions']) ?? [],
    });
  }
  return out;
}

type Problem = Omit<DeadMetric, 'metric'>;

function describeResolved(r: Resolved): string {
  switch (r.kind) {
    case 'literal':
      return `"${r.value}"`;
    case 'resource':
      return `${r.template.stack}/${r.logicalId} (${r.resource.Type})`;
    case 'pseudo':
      return r.name;
    case 'unresolved':
      return r.why;
  }
}

/** The resource a dimension value names, or why it names none in the assembly. */
function findResource(
  assembly: CloudAssemblyInput,
  where: AssemblyTemplate,
  dimension: string,
  value: unknown,
  r: DimensionRule,
): Found | Problem {
  const resolved = resolveValue(assembly, where, value);
  const kinds = r.types.join(' or ');
  if (resolved.kind === 'resource') {
    if (r.types.includes(resolved.resource.Type)) return resolved;
    return {
      reason: `dimension ${dimension} is ${describeResolved(resolved)}, not a ${kinds}`,
      fix: `point ${dimension} at the ${kinds} the alarm watches`,
    };
  }
  if (resolved.kind === 'literal') {
    const name = r.literalName ? r.literalName(resolved.value) : resolved.value;
    for (const found of allResources(assembly)) {
      if (!r.types.includes(found.resource.Type)) continue;
      if (r.nameProps.some((prop) => literalOf(assembly, found.template, found.resource.Properties?.[prop]) === name))
        return found;
    }
    return {
      reason: `dimension ${dimension}="${resolved.value}" names no ${kinds} of the assembly`,
      fix: `reference the resource (Ref/GetAtt, an L2 construct) instead of a name, or correct the name`,
    };
  }
  return {
    reason: `dimension ${dimension} resolves to ${describeResolved(resolved)}, not a ${kinds}`,
    fix: `reference the ${kinds} from a stack of this assembly`,
  };
}

function literalOf(assembly: CloudAssemblyInput, where: AssemblyTemplate, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const r = resolveValue(assembly, where, value);
  return r.kind === 'literal' ? r.value : undefined;
}

const isProblem = (x: Found | Problem): x is Problem => 'reason' in x;

function awsMetricProblems(assembly: CloudAssemblyInput, where: AssemblyTemplate, metric: MetricRef): Problem[] {
  if (metric.namespace === 'AWS/WAFV2') return wafProblems(assembly, where, metric);
  const rules = AWS_NAMESPACES[metric.namespace] ?? {};
  const problems: Problem[] = [];
  const found = new Map<string, Found>();
  for (const d of metric.dimensions) {
    const r = rules[d.Name];
    if (!r || d.Value === undefined) continue;
    const f = findResource(assembly, where, d.Name, d.Value, r);
    if (isProblem(f)) problems.push(f);
    else found.set(d.Name, f);
  }
  if (problems.length) return problems;
  const dims = new Map(metric.dimensions.map((d) => [d.Name, d.Value]));

  const cluster = found.get('ClusterName');
  if (metric.namespace === CONTAINER_INSIGHTS_NAMESPACE && cluster) {
    if (!containerInsightsEnabled(cluster.resource.Properties?.ClusterSettings))
      problems.push({
        reason: `Container Insights is off on cluster ${cluster.template.stack}/${cluster.logicalId}, so ${CONTAINER_INSIGHTS_NAMESPACE} is never published for it`,
        fix: 'enable it on the cluster (containerInsightsV2: ecs.ContainerInsights.ENHANCED or ENABLED), or drop the Container Insights alarms',
      });
  }
  const service = found.get('ServiceName');
  if (cluster && service) {
    const of = resolveValue(assembly, service.template, service.resource.Properties?.Cluster);
    if (of.kind === 'resource' && (of.logicalId !== cluster.logicalId || of.template !== cluster.template))
      problems.push({
        reason: `service ${service.template.stack}/${service.logicalId} runs in ${describeResolved(of)}, not in the cluster ClusterName names`,
        fix: 'name the cluster the service runs in',
      });
  }

  const loadBalancer = found.get('LoadBalancer');
  const targetGroup = found.get('TargetGroup');
  if (loadBalancer && targetGroup && !forwardsTo(assembly, loadBalancer, targetGroup))
    problems.push({
      reason: `target group ${targetGroup.template.stack}/${targetGroup.logicalId} receives no traffic from load balancer ${loadBalancer.template.stack}/${loadBalancer.logicalId} (no listener or listener rule of it forwards there), so nothing is published for the pair`,
      fix: 'forward to the target group from a listener of that load balancer, or name the load balancer it is attached to',
    });

  const bucket = found.get('BucketName');
  if (metric.namespace === 'AWS/S3' && bucket && !S3_STORAGE_METRICS.includes(metric.metricName)) {
    const filterId = dims.get('FilterId');
    const filter = filterId === undefined ? undefined : literalOf(assembly, where, filterId);
    const ids = ((bucket.resource.Properties?.MetricsConfigurations as Array<{ Id?: unknown }>) ?? []).map((c) =>
      literalOf(assembly, bucket.template, c.Id),
    );
    if (filter === undefined)
      problems.push({
        reason: `request metric ${metric.metricName} is published only per request-metrics filter, and the alarm has no FilterId`,
        fix: 'add a FilterId dimension naming a metrics configuration of the bucket',
      });
    else if (!ids.includes(filter)) {
      const near = closest(
        filter,
        ids.filter((i): i is string => !!i),
      );
      problems.push({
        reason: `bucket ${bucket.template.stack}/${bucket.logicalId} has no metrics configuration with Id "${filter}" (it has ${ids.length ? ids.map((i) => `"${i}"`).join(', ') : 'none'}), so its request metrics are never published`,
        fix: near
          ? `use FilterId "${near}", or add metrics: [{ id: '${filter}' }] to the bucket`
          : `add metrics: [{ id: '${filter}' }] to the bucket (MetricsConfigurations)`,
      });
    }
  }

  const instance = found.get('DBInstanceIdentifier');
  if (instance && RDS_REPLICA_ONLY_METRICS.includes(metric.metricName)) {
    if (instance.resource.Properties?.SourceDBInstanceIdentifier === undefined)
      problems.push({
        reason: `${metric.metricName} is published only for read replicas, and ${instance.template.stack}/${instance.logicalId} has no SourceDBInstanceIdentifier (Multi-AZ standbys publish none)`,
        fix: `disable rds.replica-lag for this instance (overrides: { 'rds.replica-lag': { enabled: false } }), or alarm on a read replica`,
      });
  }
  return problems;
}

const same = (a: Resolved, b: Found): boolean =>
  a.kind === 'resource' && a.logicalId === b.logicalId && a.template === b.template;

/** Target groups an ELBv2 action list forwards to (TargetGroupArn, or ForwardConfig.TargetGroups). */
function forwardTargets(actions: unknown): unknown[] {
  const out: unknown[] = [];
  for (const a of (Array.isArray(actions) ? actions : []) as Array<Record<string, unknown>>) {
    if (a.TargetGroupArn !== undefined) out.push(a.TargetGroupArn);
    const groups = (a.ForwardConfig as { TargetGroups?: Array<{ TargetGroupArn?: unknown }> } | undefined)
      ?.TargetGroups;
    for (const g of groups ?? []) if (g.TargetGroupArn !== undefined) out.push(g.TargetGroupArn);
  }
  return out;
}

/** True when a listener of the load balancer (default actions or one of its rules) forwards to the target group. */
function forwardsTo(assembly: CloudAssemblyInput, loadBalancer: Found, targetGroup: Found): boolean {
  const resources = [...allResources(assembly)];
  const listeners = resources.filter(
    (r) =>
      r.resource.Type === 'AWS::ElasticLoadBalancingV2::Listener' &&
      same(resolveValue(assembly, r.template, r.resource.Properties?.LoadBalancerArn), loadBalancer),
  );
  const hits = (t: AssemblyTemplate, actions: unknown) =>
    forwardTargets(actions).some((arn) => same(resolveValue(assembly, t, arn), targetGroup));
  for (const listener of listeners) {
    if (hits(listener.template, listener.resource.Properties?.DefaultActions)) return true;
    for (const rule of resources) {
      if (rule.resource.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') continue;
      if (!same(resolveValue(assembly, rule.template, rule.resource.Properties?.ListenerArn), listener)) continue;
      if (hits(rule.template, rule.resource.Properties?.Actions)) return true;
    }
  }
  return false;
}

/** WAF publishes under the web ACL's and rules' VisibilityConfig.MetricName, when CloudWatchMetricsEnabled. */
function wafProblems(assembly: CloudAssemblyInput, where: AssemblyTemplate, metric: MetricRef): Problem[] {
  const dims = new Map(metric.dimensions.map((d) => [d.Name, d.Value]));
  if (!dims.has('WebACL')) return [];
  const aclName = literalOf(assembly, where, dims.get('WebACL'));
  const acls = [...allResources(assembly)].filter((r) => r.resource.Type === 'AWS::WAFv2::WebACL');
  const metricNameOf = (t: AssemblyTemplate, v: unknown) =>
    literalOf(assembly, t, (v as { MetricName?: unknown } | undefined)?.MetricName);
  const acl = acls.find((a) => metricNameOf(a.template, a.resource.Properties?.VisibilityConfig) === aclName);
  if (aclName === undefined || !acl) {
    const names = acls
      .map((a) => metricNameOf(a.template, a.resource.Properties?.VisibilityConfig))
      .filter((n): n is string => !!n);
    // Suggest among ACLs of the scope the alarm reads (a Region dimension means REGIONAL).
    const scope = dims.has('Region') ? 'REGIONAL' : 'CLOUDFRONT';
    const sameScope = acls
      .filter((a) => literalOf(assembly, a.template, a.resource.Properties?.Scope) === scope)
      .map((a) => metricNameOf(a.template, a.resource.Properties?.VisibilityConfig))
      .filter((n): n is string => !!n);
    const near =
      aclName === undefined ? undefined : sameScope.length === 1 ? sameScope[0] : closest(aclName, sameScope);
    return [
      {
        reason: `no web ACL of the assembly has VisibilityConfig.MetricName ${aclName === undefined ? '(unresolved)' : `"${aclName}"`} (WAF publishes under that name${names.length ? `; the assembly has ${names.map((n) => `"${n}"`).join(', ')}` : ''})`,
        fix: near
          ? `set the WebACL dimension to "${near}", or the web ACL's VisibilityConfig.MetricName to "${aclName}"`
          : "set the WebACL dimension to the web ACL's VisibilityConfig.MetricName",
      },
    ];
  }
  const problems: Problem[] = [];
  const props = acl.resource.Properties ?? {};
  const at = `${acl.template.stack}/${acl.logicalId}`;
  if ((props.VisibilityConfig as { CloudWatchMetricsEnabled?: unknown })?.CloudWatchMetricsEnabled !== true)
    problems.push({
      reason: `web ACL ${at} has CloudWatchMetricsEnabled off`,
      fix: 'set visibilityConfig.cloudWatchMetricsEnabled: true on the web ACL',
    });
  const rule = dims.has('Rule') ? literalOf(assembly, where, dims.get('Rule')) : undefined;
  if (rule !== undefined && rule !== 'ALL') {
    const rules = ((props.Rules as Array<{ VisibilityConfig?: Record<string, unknown> }>) ?? []).map((r) => ({
      name: metricNameOf(acl.template, r.VisibilityConfig),
      on: r.VisibilityConfig?.CloudWatchMetricsEnabled === true,
    }));
    const match = rules.find((r) => r.name === rule);
    if (!match || !match.on)
      problems.push({
        reason: match
          ? `rule "${rule}" of web ACL ${at} has CloudWatchMetricsEnabled off`
          : `web ACL ${at} has no rule with VisibilityConfig.MetricName "${rule}"`,
        fix: match ? "enable the rule's CloudWatch metrics" : 'use Rule "ALL" or the metric name of one of its rules',
      });
  }
  const labelNamespace = dims.has('LabelNamespace')
    ? literalOf(assembly, where, dims.get('LabelNamespace'))
    : undefined;
  const feature = wafFeatureProblem(webAclFeatures(props.Rules), metric.metricName || undefined, labelNamespace, at);
  if (feature) problems.push(feature);
  const scope = literalOf(assembly, acl.template, props.Scope);
  if (scope === 'CLOUDFRONT' && dims.has('Region'))
    problems.push({
      reason: `web ACL ${at} is CLOUDFRONT-scoped and publishes without a Region dimension (in us-east-1)`,
      fix: 'drop the Region dimension and create the alarm in us-east-1',
    });
  if (scope === 'REGIONAL' && !dims.has('Region'))
    problems.push({
      reason: `web ACL ${at} is REGIONAL and publishes with a Region dimension`,
      fix: 'add the Region dimension (the region of the web ACL)',
    });
  return problems;
}

/**
 * The preconditions an alarm's catalogue entry declared (registered families carry theirs this way):
 * the resource its dimension names must exist in the assembly and hold the required property value.
 */
function preconditionProblems(
  assembly: CloudAssemblyInput,
  where: AssemblyTemplate,
  metrics: readonly MetricRef[],
  declared: unknown,
): DeadMetric[] {
  const out: DeadMetric[] = [];
  for (const p of (Array.isArray(declared) ? declared : []) as MetricPrecondition[]) {
    const metric = metrics.find((m) => m.dimensions.some((d) => d.Name === p.dimension));
    const label = metric ? metricLabel(metric) : `precondition on ${p.dimension}`;
    const value = metric?.dimensions.find((d) => d.Name === p.dimension)?.Value;
    if (!metric || value === undefined) {
      out.push({
        metric: label,
        reason: `the alarm declares a precondition on dimension ${p.dimension}, which none of its metrics has`,
        fix: `give the metric the ${p.dimension} dimension, or drop the precondition from the catalogue entry`,
      });
      continue;
    }
    const rule: DimensionRule = { types: [p.resourceType], nameProps: p.nameProperty ? [p.nameProperty] : [] };
    const found = findResource(assembly, where, p.dimension, value, rule);
    if (isProblem(found)) {
      out.push({ metric: label, ...found });
      continue;
    }
    const problem = preconditionPropertyProblem(p, found.resource.Properties ?? {}, (v) =>
      literalOf(assembly, found.template, v),
    );
    if (problem)
      out.push({
        metric: label,
        reason: `${p.reason} (${found.template.stack}/${found.logicalId}: ${problem})`,
        fix: p.fix,
      });
  }
  return out;
}

/** Contracts the assembly carries as resource metadata. */
function publishedIn(assembly: CloudAssemblyInput): PublishedMetrics[] {
  const out: PublishedMetrics[] = [];
  for (const { resource } of allResources(assembly)) {
    const value = resource.Metadata?.[PUBLISHED_METRICS_METADATA];
    if (value !== undefined) out.push(...(Array.isArray(value) ? value : [value]));
  }
  return out;
}

function customMetricProblems(metric: MetricRef, published: readonly PublishedMetrics[]): Problem[] {
  const contracts = published.filter((p) => p.namespace === metric.namespace);
  if (contracts.length === 0)
    return [
      {
        reason: `nothing in the assembly declares that it publishes namespace ${metric.namespace}`,
        fix: `declare the publisher's metrics (MetricsContract.declare(publisher, { namespace: '${metric.namespace}', metrics }) from @sre-kit/cdk), or pass sre verify --metrics <file>`,
      },
    ];
  const entries = contracts.flatMap((c) => c.metrics);
  const byName = entries.filter((m) =>
    metric.metricName === ''
      ? true
      : m.name !== undefined
        ? m.name === metric.metricName
        : new RegExp(m.pattern!).test(metric.metricName),
  );
  if (byName.length === 0) {
    const near = closest(
      metric.metricName,
      entries.flatMap((m) => (m.name ? [m.name] : [])),
    );
    return [
      {
        reason: `metric ${metric.metricName} is not in the declared contract of namespace ${metric.namespace}`,
        fix: near
          ? `did you mean "${near}"? Correct the alarm's metric name`
          : 'alarm on a declared metric, or declare this one where it is published',
      },
    ];
  }
  const names = metric.dimensions
    .map((d) => d.Name)
    .sort()
    .join(',');
  const sets = byName.flatMap((m) => m.dimensions);
  if (!sets.some((s) => [...s].sort().join(',') === names))
    return [
      {
        reason: `${metric.metricName} is published with dimensions ${sets.map((s) => `[${s.join(', ')}]`).join(' or ')}, not [${metric.dimensions.map((d) => d.Name).join(', ')}]`,
        fix: 'use one of the published dimension sets (CloudWatch matches all dimensions exactly)',
      },
    ];
  return [];
}

/** ALARM("x") / OK("x") / INSUFFICIENT_DATA("x") references of a composite rule, each of which must be an alarm of the assembly. */
function compositeProblems(assembly: CloudAssemblyInput, where: AssemblyTemplate, rule: unknown): DeadMetric[] {
  const { text, tokens } = joinedText(rule);
  const problems: DeadMetric[] = [];
  const alarmNames = new Set<string>();
  for (const { template, resource } of allResources(assembly))
    if (resource.Type.startsWith('AWS::CloudWatch::') && resource.Properties?.AlarmName !== undefined) {
      const name = literalOf(assembly, template, resource.Properties.AlarmName);
      if (name) alarmNames.add(name);
    }
  for (const m of text.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]*)"?\s*\)/g)) {
    const arg = m[1]!.trim();
    const token = TOKEN.exec(arg);
    if (token) {
      const r = resolveValue(assembly, where, tokens[Number(token[1])]);
      if (r.kind === 'resource' && r.resource.Type.startsWith('AWS::CloudWatch::')) continue;
      problems.push({
        metric: `child ${describeResolved(r)}`,
        reason: `the composite rule references ${describeResolved(r)}${r.kind === 'unresolved' ? '' : ', which is not an alarm'}`,
        fix: 'reference an alarm of this assembly (alarm.alarmArn)',
      });
      continue;
    }
    const name = arg.includes(':alarm:') ? arg.slice(arg.indexOf(':alarm:') + ':alarm:'.length) : arg;
    if (!alarmNames.has(name))
      problems.push({
        metric: `child "${arg}"`,
        reason: `the composite rule references alarm "${name}", which no stack of the assembly defines`,
        fix: 'reference an alarm of this assembly by its construct (alarm.alarmArn) or its exact name',
      });
  }
  return problems;
}
