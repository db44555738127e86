import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  ALARM_CATALOGUE,
  ALARM_FAMILIES,
  AWS_RECOMMENDED,
  catalogueEntryProblems,
  FAMILY_NAME,
  type CatalogueAlarm,
  type CatalogueMetric,
  type ComparisonOperator,
  type MetricPrecondition,
  type Severity,
  type ThresholdRule,
  type TreatMissingData,
} from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { CatalogueRegistrationError } from '../errors';
import type { AlarmSeverity } from '../severity';

/** A CloudWatch metric of a catalogue entry: dimension *names*; each monitored resource gives the values. */
export interface CatalogueMetricProps {
  /** `AWS/SQS`, or a custom namespace (then `sre verify` wants a MetricsContract for it). */
  readonly namespace: string;
  readonly metricName: string;
  /** The dimension names the metric is published with (`['QueueName']`); `[]` for an account-level metric. */
  readonly dimensionNames: string[];
  /** `Sum`, `Average`, `Maximum`, `p99`, `TM(10%:90%)`, ... */
  readonly statistic: string;
  /** Dimensions whose value is always the same (WAF `Rule: ALL`). @default - none */
  readonly fixedDimensions?: { [name: string]: string };
}

/**
 * How an entry's threshold is obtained. jsii has no tagged unions, so the three rules of the core
 * model are static factories of one class.
 */
export class AlarmThreshold {
  /** Always `value`. */
  public static fixed(value: number): AlarmThreshold {
    return new AlarmThreshold({ kind: 'fixed', value });
  }

  /**
   * `percent` % of a number the monitored resource exposes (`timeoutMs`, `retentionPeriodSeconds`),
   * given as `properties: { <property>: n }` or derived by the family's construct. Without a
   * fallback, synth fails naming the property when the resource does not give it.
   */
  public static percentOf(percent: number, property: string, fallback?: number): AlarmThreshold {
    return new AlarmThreshold({
      kind: 'percentOf',
      percent,
      of: property,
      ...(fallback !== undefined ? { fallback } : {}),
    });
  }

  /** A number only the user can know (a tolerated error count): `suggested` until overridden, `why` says what to weigh. */
  public static userDefined(suggested: number, why: string): AlarmThreshold {
    return new AlarmThreshold({ kind: 'userDefined', suggested, why });
  }

  /** @internal the core model's rule */
  public readonly _rule: ThresholdRule;

  private constructor(rule: ThresholdRule) {
    this._rule = rule;
  }
}

/**
 * What must be true of the resource a dimension names for AWS to publish the entry's metrics. The
 * alarm carries it as metadata and `sre verify <cdk.out>` checks it against the assembly.
 */
export interface MetricPreconditionProps {
  /** A dimension of the entry's metrics whose value names the resource (`ses:configuration-set`). */
  readonly dimension: string;
  /** CloudFormation type of that resource (`AWS::SES::ConfigurationSet`). */
  readonly resourceType: string;
  /** The property holding its name, for dimensions given as a literal name. @default - only Ref/GetAtt values resolve */
  readonly nameProperty?: string;
  /** Dot path of a property that must be set (`ReputationOptions.ReputationMetricsEnabled`). @default - the resource existing is enough */
  readonly property?: string;
  /** The values that property may hold, as text (`['true']`). @default - any value */
  readonly oneOf?: string[];
  /** Why the metric gets no data otherwise (printed by `sre verify`). */
  readonly reason: string;
  /** What to change. */
  readonly fix: string;
}

/** One catalogue entry: an alarm the family draws for every resource it monitors. */
export interface CatalogueEntryProps {
  /** `<family>.<slug>`: stable, used in overrides, alarm names, tags and runbook links. */
  readonly id: string;
  readonly title: string;
  /** The metric. One of `metric` or `expression`. @default - use expression */
  readonly metric?: CatalogueMetricProps;
  /** Metric math over `expressionMetrics` (ids are its variables). @default - use metric */
  readonly expression?: string;
  /** The metrics `expression` reads, by id. @default - none */
  readonly expressionMetrics?: { [id: string]: CatalogueMetricProps };
  readonly threshold: AlarmThreshold;
  readonly comparison: cloudwatch.ComparisonOperator;
  /** @default Duration.minutes(1) */
  readonly period?: Duration;
  readonly evaluationPeriods: number;
  /** @default - evaluationPeriods */
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** Why that treat-missing-data choice. @default - none recorded */
  readonly treatMissingReason?: string;
  readonly severity: AlarmSeverity;
  /** What to check and do when it fires (the first lines of the alarm description). */
  readonly runbook: string;
  /** Where the defaults come from (an AWS doc, your own analysis). @default - AWS recommended alarms */
  readonly source?: string;
  /** Off-by-default entries are opted in per resource with overrides `{ enabled: true }`. @default true */
  readonly enabledByDefault?: boolean;
  /** What the monitored resource must be configured with for the metrics to exist. @default - none */
  readonly preconditions?: MetricPreconditionProps[];
}

/** A whole family: a name (the `sre-kit:family` label the alert router routes on) and its entries. */
export interface AlarmFamilyDefinitionProps {
  /** Lower-case letters, digits and `-` (`sqs`, `dynamodb`, `api-gateway`). */
  readonly name: string;
  readonly entries: CatalogueEntryProps[];
}

const BY_APP = new WeakMap<IConstruct, AlarmCatalogue>();
const DEFAULT_PERIOD_SECONDS = 60;

/**
 * The alarm catalogue of one CDK app: the seven built-in families, the SQS and SES families, and
 * whatever the app registers. Every family construct looks its entries up here, so a registered
 * family is drawn, validated, tagged and priced exactly like a built-in one. Registrations are
 * checked when made (every problem names the entry id, the field and the value) and are scoped to
 * the app, so two apps in one process (tests) never see each other's entries.
 */
export class AlarmCatalogue {
  /** The catalogue of the app `scope` belongs to (created with the built-in families on first use). */
  public static of(scope: IConstruct): AlarmCatalogue {
    const root = scope.node.root;
    let catalogue = BY_APP.get(root);
    if (!catalogue) {
      catalogue = new AlarmCatalogue();
      BY_APP.set(root, catalogue);
      // Lazily required: the SQS and SES families are written with this module's API.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SQS_FAMILY } = require('./sqs') as typeof import('./sqs');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SES_FAMILY } = require('./ses') as typeof import('./ses');
      catalogue.registerFamily(SQS_FAMILY);
      catalogue.registerFamily(SES_FAMILY);
    }
    return catalogue;
  }

  private readonly entries = new Map<string, CatalogueAlarm[]>();
  private readonly drawn = new Set<string>();

  private constructor() {
    // Built-in data lives in @sre-kit/core (specs, docs and the cost model read it there) and enters here like any registration.
    for (const family of ALARM_FAMILIES)
      this._add(
        family,
        ALARM_CATALOGUE.filter((e) => e.family === family),
        true,
      );
  }

  /** Registers a new family with its entries. Fails naming the entry and value on any problem. */
  public registerFamily(family: AlarmFamilyDefinitionProps): void {
    const name = family?.name;
    if (typeof name !== 'string' || !FAMILY_NAME.test(name))
      throw new CatalogueRegistrationError(
        'family',
        'name',
        name,
        'must be lower-case letters, digits and -, starting with a letter',
      );
    if (this.entries.has(name))
      throw new CatalogueRegistrationError(
        `family ${name}`,
        'name',
        name,
        'is already registered; add entries to it with registerEntry',
      );
    if (!Array.isArray(family.entries) || family.entries.length === 0)
      throw new CatalogueRegistrationError(`family ${name}`, 'entries', family.entries, 'must hold at least one entry');
    this._add(
      name,
      family.entries.map((e) => toCatalogueAlarm(name, e)),
      true,
    );
  }

  /** Adds one entry to a registered family (built-in or not), before any resource of it is monitored. */
  public registerEntry(family: string, entry: CatalogueEntryProps): void {
    if (!this.entries.has(family))
      throw new CatalogueRegistrationError(
        `entry ${entry?.id}`,
        'family',
        family,
        `is not registered (families: ${this.families.join(', ')})`,
      );
    this._add(family, [toCatalogueAlarm(family, entry)], false);
  }

  /** The registered family names, built-in first. */
  public get families(): string[] {
    return [...this.entries.keys()];
  }

  public hasFamily(family: string): boolean {
    return this.entries.has(family);
  }

  /** The ids of a family's entries, in registration order (empty for an unknown family). */
  public entryIds(family: string): string[] {
    return (this.entries.get(family) ?? []).map((e) => e.id);
  }

  /** @internal the entries as the core model has them (resolveAlarms reads these) */
  public _entriesOf(family: string): readonly CatalogueAlarm[] {
    return this.entries.get(family) ?? [];
  }

  /** @internal a family construct drew alarms from this family: later entries would miss those resources */
  public _markDrawn(family: string): void {
    this.drawn.add(family);
  }

  /** The one path every entry takes into the catalogue: validated, unique, not after the family was drawn. */
  private _add(family: string, entries: readonly CatalogueAlarm[], newFamily: boolean): void {
    if (this.drawn.has(family))
      throw new CatalogueRegistrationError(
        `entry ${entries[0]?.id}`,
        'family',
        family,
        'already has monitored resources; register entries before the first monitor call that uses the family',
      );
    const list = newFamily ? [] : [...(this.entries.get(family) ?? [])];
    for (const entry of entries) {
      const problems = catalogueEntryProblems(entry);
      if (entry.family !== family)
        problems.unshift({ field: 'family', value: entry.family, problem: `must be ${family}` });
      const first = problems[0];
      if (first) throw new CatalogueRegistrationError(`entry ${entry.id}`, first.field, first.value, first.problem);
      const taken = this.findEntry(entry.id) ?? list.find((e) => e.id === entry.id);
      if (taken) throw new CatalogueRegistrationError(`entry ${entry.id}`, 'id', entry.id, 'is already registered');
      list.push(entry);
    }
    this.entries.set(family, list);
  }

  private findEntry(id: string): CatalogueAlarm | undefined {
    for (const list of this.entries.values()) {
      const found = list.find((e) => e.id === id);
      if (found) return found;
    }
    return undefined;
  }
}

/** The jsii-shaped props to the core model; shape problems that types cannot catch (JS callers) surface in validation. */
function toCatalogueAlarm(family: string, e: CatalogueEntryProps): CatalogueAlarm {
  const what = `entry ${e?.id}`;
  if (!(e?.threshold instanceof AlarmThreshold))
    throw new CatalogueRegistrationError(
      what,
      'threshold',
      e?.threshold,
      'must be AlarmThreshold.fixed(), .percentOf() or .userDefined()',
    );
  const periodSeconds = e.period ? e.period.toSeconds() : DEFAULT_PERIOD_SECONDS;
  const expressionMetrics = e.expressionMetrics
    ? Object.fromEntries(Object.entries(e.expressionMetrics).map(([id, m]) => [id, toCatalogueMetric(m)]))
    : undefined;
  return {
    id: e.id,
    family,
    title: e.title,
    ...(e.metric ? { metric: toCatalogueMetric(e.metric) } : {}),
    ...(e.expression !== undefined || expressionMetrics
      ? { expression: { expression: e.expression ?? '', metrics: expressionMetrics ?? {} } }
      : {}),
    threshold: e.threshold._rule,
    comparison: e.comparison as unknown as ComparisonOperator,
    periodSeconds,
    evaluationPeriods: e.evaluationPeriods,
    datapointsToAlarm: e.datapointsToAlarm ?? e.evaluationPeriods,
    treatMissingData: e.treatMissingData as unknown as TreatMissingData,
    treatMissingReason: e.treatMissingReason ?? '',
    severity: e.severity as unknown as Severity,
    runbook: e.runbook,
    source: e.source ?? AWS_RECOMMENDED,
    enabledByDefault: e.enabledByDefault ?? true,
    ...(e.preconditions?.length ? { preconditions: e.preconditions.map(toPrecondition) } : {}),
  };
}

function toCatalogueMetric(m: CatalogueMetricProps): CatalogueMetric {
  return {
    namespace: m?.namespace,
    metricName: m?.metricName,
    dimensionNames: m?.dimensionNames,
    statistic: m?.statistic,
    ...(m?.fixedDimensions ? { fixedDimensions: { ...m.fixedDimensions } } : {}),
  };
}

function toPrecondition(p: MetricPreconditionProps): MetricPrecondition {
  return {
    dimension: p.dimension,
    resourceType: p.resourceType,
    ...(p.nameProperty ? { nameProperty: p.nameProperty } : {}),
    ...(p.property ? { property: p.property } : {}),
    ...(p.oneOf ? { oneOf: [...p.oneOf] } : {}),
    reason: p.reason,
    fix: p.fix,
  };
}
