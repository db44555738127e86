import { parse as parseYaml } from 'yaml';
import type { MetricPrecondition } from '../model/alarms';

/**
 * What makes AWS publish a metric, as data both `sre verify` (on a synthesized assembly) and the
 * CDK alarm families (at synth) check, so the two can never disagree about which alarms get data.
 */

/** Container Insights metrics: published only for clusters with the containerInsights setting on. */
export const CONTAINER_INSIGHTS_NAMESPACE = 'ECS/ContainerInsights';

/** Values of the cluster setting `containerInsights` under which ECS/ContainerInsights is published. */
export const CONTAINER_INSIGHTS_ON: readonly string[] = ['enabled', 'enhanced'];

/** RDS metrics published only for read replicas (instances with SourceDBInstanceIdentifier). */
export const RDS_REPLICA_ONLY_METRICS: readonly string[] = ['ReplicaLag'];

/** S3 daily storage metrics: published for every bucket with a StorageType dimension, no configuration. */
export const S3_STORAGE_METRICS: readonly string[] = ['BucketSizeBytes', 'NumberOfObjects'];

/**
 * Threshold properties that describe the resource itself, per family. The catalogue's fallback for
 * them (Lambda's 3 s default timeout, Fargate's default storage) is only true of a resource created
 * with defaults, so a construct that cannot read them (an imported resource) must be given them.
 * Account quotas (concurrencyQuota) keep their documented default.
 */
export const RESOURCE_NUMBERS: Readonly<Partial<Record<string, readonly string[]>>> = {
  lambda: ['timeoutMs'],
  ecs: ['ephemeralStorageGiB'],
  rds: ['maxConnections', 'memoryBytes', 'allocatedStorageBytes'],
};

/** True when a cluster's `ClusterSettings` (CloudFormation shape) turn Container Insights on. */
export function containerInsightsEnabled(settings: unknown): boolean {
  if (!Array.isArray(settings)) return false;
  return settings.some(
    (s: { Name?: unknown; Value?: unknown }) =>
      s?.Name === 'containerInsights' && typeof s.Value === 'string' && CONTAINER_INSIGHTS_ON.includes(s.Value),
  );
}

/**
 * A custom namespace's metrics as the code that publishes them declares them: the contract
 * `sre verify` checks custom-namespace alarms against. Carried in the assembly as resource
 * metadata (`PUBLISHED_METRICS_METADATA`, written by `@sre-kit/cdk`'s `MetricsContract.declare`)
 * or given to `sre verify --metrics <file>`.
 */
export interface PublishedMetrics {
  readonly namespace: string;
  readonly metrics: readonly PublishedMetric[];
}

export interface PublishedMetric {
  /** The exact metric name; or `pattern`. */
  readonly name?: string;
  /** A regular expression metric names match (an agent forwarding `^app_` families); or `name`. */
  readonly pattern?: string;
  /** The dimension-name sets the metric is published with (`[]` for none). */
  readonly dimensions: readonly (readonly string[])[];
  /** CloudWatch unit, for the record. */
  readonly unit?: string;
}

/**
 * Why a resource with these CloudFormation `Properties` breaks a precondition's property rule, or
 * undefined when it holds. `sre verify` (on the assembly) and the CDK families (at synth, on a resource
 * of the app) both ask this, so they cannot disagree. `literal` turns a property value into text
 * (verify resolves Refs to literals; the CDK passes resolved values).
 */
export function preconditionPropertyProblem(
  p: MetricPrecondition,
  properties: Readonly<Record<string, unknown>>,
  literal: (value: unknown) => string | undefined = (v) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined,
): string | undefined {
  if (p.property === undefined) return undefined;
  const raw = p.property
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      properties,
    );
  const text = typeof raw === 'boolean' ? String(raw) : literal(raw);
  const ok = p.oneOf ? text !== undefined && p.oneOf.includes(text) : raw !== undefined;
  if (ok) return undefined;
  return `${p.property} is ${text === undefined ? 'unset' : `"${text}"`}${p.oneOf ? ` (needs ${p.oneOf.map((v) => `"${v}"`).join(' or ')})` : ''}`;
}

/** The alarm metadata key that carries the `MetricPrecondition[]` of its catalogue entry. */
export const ALARM_PRECONDITIONS_METADATA = 'SreKit::Preconditions';

/** The resource metadata key that carries `PublishedMetrics[]` in a template. */
export const PUBLISHED_METRICS_METADATA = 'SreKit::PublishedMetrics';

/** A located problem in a published-metrics declaration, or undefined when it is well-formed. */
export function publishedMetricsProblem(value: unknown): string | undefined {
  const list = Array.isArray(value) ? value : [value];
  for (const [i, d] of list.entries()) {
    const decl = d as Partial<PublishedMetrics> | null;
    if (!decl || typeof decl.namespace !== 'string' || !decl.namespace)
      return `[${i}].namespace: a namespace string is required`;
    if (!Array.isArray(decl.metrics)) return `[${i}].metrics: a list of { name | pattern, dimensions } is required`;
    for (const [j, m] of decl.metrics.entries()) {
      const at = `[${i}].metrics[${j}]`;
      if (typeof m?.name !== 'string' && typeof m?.pattern !== 'string') return `${at}: name or pattern is required`;
      if (typeof m.pattern === 'string') {
        try {
          new RegExp(m.pattern);
        } catch {
          return `${at}.pattern: not a regular expression`;
        }
      }
      if (!Array.isArray(m.dimensions) || !m.dimensions.every((s: unknown) => Array.isArray(s)))
        return `${at}.dimensions: a list of dimension-name lists is required (write [[]] for none)`;
    }
  }
  return undefined;
}

/**
 * A published-metrics file (YAML or JSON): one `PublishedMetrics` document, a list of them, or
 * `{ published: [...] }`. Throws naming the file and the offending path.
 */
export function parsePublishedMetricsFile(text: string, file: string): PublishedMetrics[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${file}: not YAML or JSON (${(e as Error).message})`);
  }
  const list = (doc as { published?: unknown } | null)?.published ?? doc;
  const problem = publishedMetricsProblem(list);
  if (problem)
    throw new Error(`${file}: ${problem} (expected { namespace, metrics: [{ name | pattern, dimensions: [[...]] }] })`);
  return (Array.isArray(list) ? list : [list]) as PublishedMetrics[];
}

/** WAF metrics published only for web ACLs with a CAPTCHA action (a rule's, or a managed group's override). */
export const WAF_CAPTCHA_METRICS: readonly string[] = ['CaptchaRequests', 'RequestsWithValidCaptchaToken'];

/** Label namespaces of the AWS Bot Control managed rule group: label metrics exist only when the web ACL uses it. */
export const WAF_BOT_CONTROL_LABEL_NAMESPACE = 'awswaf:managed:aws:bot-control:';
const BOT_CONTROL_RULE_GROUP = 'AWSManagedRulesBotControlRuleSet';

/** What a web ACL's rules make WAF publish beyond allowed/blocked/counted. */
export interface WebAclFeatures {
  readonly captcha: boolean;
  readonly botControl: boolean;
}

/**
 * The features of a web ACL from its rules, in CloudFormation (`Rules`, PascalCase) or CDK L1
 * (`rules`, camelCase) shape: the CDK family and `sre verify` read the same rules either way.
 */
export function webAclFeatures(rules: unknown): WebAclFeatures {
  let captcha = false;
  let botControl = false;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [key, value] of Object.entries(v)) {
      const k = key.toLowerCase();
      // A rule's Action.Captcha, or a managed group's RuleActionOverrides[].ActionToUse.Captcha.
      if (k === 'captcha' && value && typeof value === 'object') captcha = true;
      if (k === 'managedrulegroupstatement' && value && typeof value === 'object') {
        const g = value as { Name?: unknown; name?: unknown };
        if ((g.Name ?? g.name) === BOT_CONTROL_RULE_GROUP) botControl = true;
      }
      walk(value);
    }
  };
  walk(rules);
  return { captcha, botControl };
}

/** Why a WAF metric (or a label metric of `labelNamespace`) is never published for a web ACL with `features`. */
export function wafFeatureProblem(
  features: WebAclFeatures,
  metricName: string | undefined,
  labelNamespace: string | undefined,
  acl: string,
): { reason: string; fix: string } | undefined {
  if (metricName !== undefined && WAF_CAPTCHA_METRICS.includes(metricName) && !features.captcha)
    return {
      reason: `${metricName} is published only for web ACLs with a CAPTCHA action, and web ACL ${acl} has none`,
      fix: 'add a rule with action captcha to the web ACL, or drop what reads CAPTCHA metrics for it',
    };
  if (labelNamespace?.startsWith(WAF_BOT_CONTROL_LABEL_NAMESPACE) && !features.botControl)
    return {
      reason: `label namespace ${labelNamespace} is published only when the web ACL uses the ${BOT_CONTROL_RULE_GROUP} managed rule group, and web ACL ${acl} does not`,
      fix: `add the ${BOT_CONTROL_RULE_GROUP} managed rule group to the web ACL, or drop the bot panels (they are drawn only for resources with attributes.botControl: "true")`,
    };
  return undefined;
}
