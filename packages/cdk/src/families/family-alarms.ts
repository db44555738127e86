import { Annotations, CfnResource, Reference, Stack, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  ALARM_PRECONDITIONS_METADATA,
  catalogueProperties,
  preconditionPropertyProblem,
  cloudWatchPeriodProblem,
  suggestion,
  resolveAlarms,
  RESOURCE_NUMBERS,
  type AlarmFamilyName,
  type AlarmPolicy,
  type ResolvedAlarm,
} from '@sre-kit/core';
import type { IDashboardSegment } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { AlarmRegistry } from '../alarm-registry';
import { inputError } from '../errors';
import { disambiguatorOf, parseSeverity } from '../severity';
import { tagAlarm } from '../alarm-metadata';
import { AlarmCatalogue } from './catalogue';
import type { FamilyAlarmsOptions } from './options';
import { toCoreOverrides } from './options';
import { alarmFactory, familyAlarmMetadata, neededDimensions, renderAlarm } from './render';

/** One set of dimension values an alarm can be drawn for (the load balancer, one target group, ...). */
export interface FamilyTarget {
  /** Appended to the alarm name when a resource has several targets (one per target group). */
  readonly suffix?: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * Why a catalogue alarm would never get data for this resource as configured (Container Insights
 * off, ReplicaLag on a primary): `skip` leaves it out with a synth warning, `fail` stops synth.
 * The same preconditions `sre verify` checks on the synthesized assembly.
 */
export interface UnpublishedMetric {
  readonly action: 'skip' | 'fail';
  readonly reason: string;
  readonly fix: string;
}

/** How a segment describes its resource beyond dimension values (the segments pass it to `_render`). */
export interface RenderContext {
  /** Attributes the catalogue reads (WAF scope). */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Preconditions of the resource's metrics; undefined when the alarm gets data. */
  readonly unpublished?: (alarm: ResolvedAlarm) => UnpublishedMetric | undefined;
}

/** An alarm this construct created, with the catalogue entry it came from. */
export interface CreatedFamilyAlarm {
  readonly alarm: cloudwatch.AlarmBase;
  readonly resolved: ResolvedAlarm;
  readonly alarmName: string;
}

const ID_SAFE = /[^A-Za-z0-9_.-]+/g;

/**
 * Base of every alarm family, built in or registered. A subclass only maps its resource to
 * dimension values and properties (ARCHITECTURE.md: segments never decide
 * thresholds); the app's AlarmCatalogue (core's built-in entries plus the
 * registered ones) decides which alarms exist and how they are tuned. Each family is also a cdk-monitoring-constructs
 * dashboard segment, so `facade.addSegment(family)` shows its alarms.
 */
export abstract class FamilyAlarms extends Construct implements IDashboardSegment {
  /** The catalogue family (`lambda`, `ecs`, ..., `sqs`, `ses`, or one registered with AlarmCatalogue). */
  public readonly family: string;
  public readonly service: string;
  public readonly resourceId: string;
  private readonly options: FamilyAlarmsOptions;
  private readonly registry: AlarmRegistry;
  private readonly created: CreatedFamilyAlarm[] = [];
  private readonly catalogue: AlarmCatalogue;

  protected constructor(scope: Construct, id: string, family: string, options: FamilyAlarmsOptions) {
    super(scope, id);
    this.family = family;
    this.options = options;
    this.service = options.service;
    this.resourceId = options.resourceId ?? id;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(this.service))
      inputError(this, 'service must be letters, digits, _ . -', this.service, 'use a short name such as "checkout"');
    this.registry = new AlarmRegistry(this, () => options.allowAlarmsWithoutActions === true);
    this.catalogue = AlarmCatalogue.of(this);
    if (!this.catalogue.hasFamily(family))
      inputError(
        this,
        'unknown alarm family',
        family,
        `register it first with AlarmCatalogue.of(scope).registerFamily(...) (families: ${this.catalogue.families.join(', ')})`,
      );
    this.checkOverrideIds();
    this.checkPropertyNames();
  }

  /** The CloudWatch alarms this family created, in catalogue order. */
  public get alarms(): cloudwatch.IAlarm[] {
    return this.created.map((c) => c.alarm);
  }

  /** The alarm for a catalogue id (the first one when there is one per target group). */
  public alarmFor(catalogueId: string): cloudwatch.IAlarm | undefined {
    return this.created.find((c) => c.resolved.catalogueId === catalogueId)?.alarm;
  }

  /** The names of the alarms created, in order. */
  public get alarmNames(): string[] {
    return this.created.map((c) => c.alarmName);
  }

  public alarmWidgets(): cloudwatch.IWidget[] {
    return this.created.map(
      (c) => new cloudwatch.AlarmWidget({ alarm: c.alarm, title: c.resolved.title, width: 8, height: 6 }),
    );
  }

  public summaryWidgets(): cloudwatch.IWidget[] {
    if (this.created.length === 0) return [];
    return [
      new cloudwatch.AlarmStatusWidget({
        title: `${this.family}: ${this.resourceId}`,
        alarms: this.alarms,
        width: 24,
        height: Math.min(6, 2 + Math.ceil(this.created.length / 4)),
      }),
    ];
  }

  public widgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.TextWidget({ markdown: `### ${this.family}: ${this.resourceId}`, width: 24, height: 1 }),
      ...this.alarmWidgets(),
    ];
  }

  /** @internal the alarms with their resolved catalogue entries (the cost model and dashboards read these). */
  public get _created(): readonly CreatedFamilyAlarm[] {
    return this.created;
  }

  /** @internal what the segment knows of its resource (WAF scope, CAPTCHA, Bot Control); the dashboards read it. */
  public _attributes: Readonly<Record<string, string>> = {};

  /**
   * Resolves the catalogue for this resource and draws every enabled alarm
   * once per target whose dimension names match what the alarm needs.
   * @internal
   */
  protected _render(
    targets: readonly FamilyTarget[],
    derived: Readonly<Record<string, number>>,
    context: RenderContext = {},
  ): void {
    const o = this.options;
    const attributes = context.attributes ?? {};
    this._attributes = attributes;
    const properties = { ...derived, ...(o.properties ?? {}) };
    const location = { file: this.node.path, line: 0, col: 0, path: '' };
    const policy: AlarmPolicy = {
      name: `${this.service}-${this.resourceId}`,
      service: this.service,
      ...(o.runbookBaseUrl ? { runbookBaseUrl: o.runbookBaseUrl } : {}),
      families: {
        [this.family]: [
          {
            id: this.resourceId,
            dimensions: {},
            properties,
            attributes,
            overrides: toCoreOverrides(o.overrides),
            location,
          },
        ],
      },
      defaults: toCoreOverrides(o.defaults),
      location,
    };
    const factory = alarmFactory(this, this.service, this.resourceId);
    this.catalogue._markDrawn(this.family);
    for (const resolved of resolveAlarms(policy, (family) => this.catalogue._entriesOf(family))) {
      const needed = neededDimensions(resolved);
      const matching = targets.filter((t) => sameNames(Object.keys(t.dimensions), needed));
      if (matching.length === 0) {
        Annotations.of(this).addWarningV2(
          `@sre-kit/cdk:no-target:${resolved.catalogueId}`,
          `${resolved.catalogueId} needs dimensions [${needed.join(', ')}], which ${this.family} resource ` +
            `"${this.resourceId}" does not provide, so it was not created. ${this.missingTargetHint(resolved.catalogueId)}`,
        );
        continue;
      }
      const unpublished = context.unpublished?.(resolved);
      if (unpublished?.action === 'fail')
        inputError(this, `${resolved.catalogueId}: ${unpublished.reason}`, resolved.catalogueId, unpublished.fix);
      if (unpublished) {
        Annotations.of(this).addWarningV2(
          `@sre-kit/cdk:unpublished:${resolved.catalogueId}`,
          `${resolved.catalogueId} was not created: ${unpublished.reason}. Fix: ${unpublished.fix}`,
        );
        continue;
      }
      this.requireResourceNumbers(resolved, properties);
      const threshold = this.thresholdOf(resolved);
      const problem = cloudWatchPeriodProblem(resolved.periodSeconds, resolved.evaluationPeriods);
      if (problem)
        inputError(
          this,
          `${resolved.catalogueId}: ${problem}`,
          { periodSeconds: resolved.periodSeconds, evaluationPeriods: resolved.evaluationPeriods },
          'choose a period of 10, 20, 30 s or a multiple of 60 s within the span limits',
        );
      if (resolved.datapointsToAlarm > resolved.evaluationPeriods)
        inputError(
          this,
          `${resolved.catalogueId}: datapointsToAlarm exceeds evaluationPeriods`,
          resolved.datapointsToAlarm,
          `use at most ${resolved.evaluationPeriods}`,
        );
      const severity = parseSeverity(resolved.severity)!;
      for (const target of matching) {
        this.checkPreconditions(resolved, target);
        const alarmName = [o.stage, this.service, this.resourceId, resolved.catalogueId, target.suffix]
          .filter(Boolean)
          .join('-');
        const alarm = renderAlarm({
          factory,
          alarm: resolved,
          dimensions: target.dimensions,
          threshold,
          alarmName: alarmName.replace(ID_SAFE, '-'),
          action: o.actions?.actionFor(severity),
          disambiguator: disambiguatorOf(severity),
          scope: this,
        });
        tagAlarm(alarm, familyAlarmMetadata(resolved));
        // The entry's preconditions travel with the alarm, where `sre verify` checks them on the assembly.
        const cfn = alarm.node.defaultChild;
        if (resolved.preconditions?.length && cfn instanceof CfnResource)
          cfn.addMetadata(ALARM_PRECONDITIONS_METADATA, resolved.preconditions);
        this.registry.add(alarm);
        this.created.push({ alarm, resolved, alarmName: alarmName.replace(ID_SAFE, '-') });
      }
    }
  }

  /**
   * An entry's declared preconditions, on a resource of this app the dimension value references: the
   * rule `sre verify` applies to the assembly (core's preconditionPropertyProblem), applied at synth so
   * the mistake is reported where it is made. Names, imports and other apps' resources are left to verify.
   */
  private checkPreconditions(resolved: ResolvedAlarm, target: FamilyTarget): void {
    for (const p of resolved.preconditions ?? []) {
      const value = target.dimensions[p.dimension];
      const reference = value === undefined ? undefined : Tokenization.reverse(value, { failConcat: false });
      const cfn = Reference.isReference(reference) ? reference.target : undefined;
      if (!(cfn instanceof CfnResource)) continue;
      if (cfn.cfnResourceType !== p.resourceType)
        inputError(
          this,
          `${resolved.catalogueId}: dimension ${p.dimension} names ${cfn.node.path}, a ${cfn.cfnResourceType}, not a ${p.resourceType}`,
          p.dimension,
          `pass the ${p.resourceType} the alarm watches`,
        );
      const problem = preconditionPropertyProblem(p, l1Properties(cfn, p.property));
      if (problem)
        inputError(this, `${resolved.catalogueId}: ${p.reason} (${cfn.node.path}: ${problem})`, p.property, p.fix);
    }
  }

  /** Advice for an alarm no target matched; subclasses say which prop supplies the dimension. */
  protected missingTargetHint(catalogueId: string): string {
    return `Disable it with overrides: { '${catalogueId}': { enabled: false } }.`;
  }

  private thresholdOf(resolved: ResolvedAlarm): number {
    if (resolved.threshold !== undefined && Number.isFinite(resolved.threshold)) return resolved.threshold;
    const rule = resolved.thresholdRule;
    const property = rule.kind === 'percentOf' ? rule.of : 'threshold';
    return inputError(
      this,
      `${resolved.catalogueId} derives its threshold from the resource property "${property}", which is not known at synth time`,
      this.options.properties ?? {},
      `pass properties: { ${property}: <number> }, or overrides: { '${resolved.catalogueId}': { threshold: <number> } }, ` +
        `or opt out with overrides: { '${resolved.catalogueId}': { enabled: false } }`,
    );
  }

  /** A threshold derived from a number this resource did not expose fails rather than taking a generic fallback. */
  private requireResourceNumbers(resolved: ResolvedAlarm, properties: Readonly<Record<string, number>>): void {
    const rule = resolved.thresholdRule;
    if (rule.kind !== 'percentOf' || properties[rule.of] !== undefined) return;
    if (!(RESOURCE_NUMBERS[this.family as AlarmFamilyName] ?? []).includes(rule.of)) return;
    if (this.options.overrides?.[resolved.catalogueId]?.threshold !== undefined) return;
    if (this.options.defaults?.[resolved.catalogueId]?.threshold !== undefined) return;
    inputError(
      this,
      `${resolved.catalogueId} derives its threshold from the resource property "${rule.of}", which this ${this.family} resource does not expose (imported, given by name, or not set on it)`,
      this.options.properties ?? {},
      `pass properties: { ${rule.of}: <number> }, or overrides: { '${resolved.catalogueId}': { threshold: <number> } }, ` +
        `or opt out with overrides: { '${resolved.catalogueId}': { enabled: false } }`,
    );
  }

  /** Property names no threshold reads are typos (timeoutMS): rejected like unknown catalogue ids. */
  private checkPropertyNames(): void {
    const known = catalogueProperties(this.family, (family) => this.catalogue._entriesOf(family));
    for (const name of Object.keys(this.options.properties ?? {}))
      if (!known.includes(name))
        inputError(
          this,
          `unknown property for family ${this.family}: no alarm derives a threshold from it`,
          name,
          `${suggestion(name, known)} (properties: ${known.join(', ') || 'none'})`,
        );
  }

  private checkOverrideIds(): void {
    const known = this.catalogue.entryIds(this.family);
    for (const [where, map] of [
      ['overrides', this.options.overrides],
      ['defaults', this.options.defaults],
    ] as const) {
      for (const id of Object.keys(map ?? {})) {
        if (!known.includes(id))
          inputError(
            this,
            `unknown catalogue id in ${where} for family ${this.family}`,
            id,
            `use one of: ${known.join(', ')}`,
          );
      }
    }
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = [...a].sort();
  return sorted.every((name, i) => name === b[i]);
}

/**
 * The top-level property a precondition path starts with, resolved from the L1 (camelCase until the
 * template is rendered) and re-keyed to CloudFormation's PascalCase, so the path reads as in the template.
 * Only that property is resolved: rendering the whole resource now would freeze lazy values early.
 */
function l1Properties(cfn: CfnResource, path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  const top = path.split('.')[0]!;
  const camel = top.charAt(0).toLowerCase() + top.slice(1);
  const raw = (cfn as unknown as Record<string, unknown>)[camel];
  return { [top]: pascalKeys(Stack.of(cfn).resolve(raw)) };
}

function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascalKeys(v)]),
  );
}
