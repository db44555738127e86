import { Annotations, Duration, Lazy, type NestedStack, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import {
  applicationSignalsExclusions,
  formatDiagnostic,
  withDimensionValues,
  withPanelDimensionValues,
  type AlarmFamilyName,
  type SpecSet,
} from '@sre-kit/core';
import { Construct, type IConstruct } from 'constructs';
import type { ISeverityActions } from './actions';
import { costReportOf, inventoryOf, type CostReport, type PricedAlarm } from './cost-report';
import { inputError } from './errors';
import { nameCollisions, resolveStage } from './naming';
import { ApplicationLoadBalancerAlarms } from './families/alb';
import { AlarmFamily, DimensionAlarms } from './families/by-dimensions';
import { EcsServiceAlarms } from './families/ecs';
import type { FamilyAlarms } from './families/family-alarms';
import { LambdaFunctionAlarms } from './families/lambda';
import { NatGatewayAlarms, vpcNatGatewayIds } from './families/nat';
import { type AlarmOverrideProps, type FamilyAlarmsOptions } from './families/options';
import { RdsAlarms } from './families/rds';
import { S3BucketAlarms } from './families/s3';
import { SesReputationAlarms } from './families/ses';
import { SqsQueueAlarms, type QueueRole } from './families/sqs';
import { WebAclAlarms, type WebAclScope } from './families/waf';
import { SreDashboards } from './dashboards/construct';
import { CLOUDFORMATION_MAX_RESOURCES, Placement } from './placement';
import { sloPropsFromSpec } from './slo/from-spec';
import { ServiceLevelObjective, SloAlarmMode, type SloDefinition } from './slo/service-level-objective';
import { readSpecs } from './spec-files';
import { specResource, specResources, unmappedSpecResources } from './kit-specs';
import { AlertTopics, type EmailSubscription } from './topics/alert-topics';

/** Something that extends a SreKit (dashboards, the alert router): called once from `SreKit.use`. */
export interface ISreKitExtension {
  extend(kit: SreKit): void;
}

export interface SreKitProps {
  /** Service name: tags, alarm name prefix, and the default for SLOs and resources. */
  readonly service: string;
  /**
   * The deployment stage (dev, prod, ...): first part of every alarm and dashboard name the kit
   * makes (`prod-shop-api-lambda.errors`, `prod-shop-slo`), so two deployments in one account never
   * collide. 1-32 letters, digits, "-" or "_".
   * @default - the `sre-kit:stage` context (app, stack or any parent), else no stage in names
   */
  readonly stage?: string;
  /** slos/ and alarms/ files or folders (read at synth time, relative to where cdk runs). @default - no specs */
  readonly specPaths?: string[];
  /**
   * Real dimension values that replace the placeholders in spec SLO metrics, by dimension name
   * (for example `{ LoadBalancer: alb.loadBalancerFullName }`). @default - the spec's values
   */
  readonly dimensionValues?: { [name: string]: string };
  /** Email subscriptions of the topics the kit creates. @default - none */
  readonly emails?: EmailSubscription[];
  /** Use existing topics. @default - a new AlertTopics */
  readonly topics?: AlertTopics;
  /** Use other actions than the topics (any cdk-monitoring-constructs strategies). @default - the topics */
  readonly actions?: ISeverityActions;
  /** @default - no runbook links (spec policies may set their own) */
  readonly runbookBaseUrl?: string;
  /** How SLO alarms are computed. @default SloAlarmMode.METRIC_MATH */
  readonly sloMode?: SloAlarmMode;
  /**
   * Create the management, developer, security and SLO dashboards (SreDashboards, from the core
   * dashboard model) for everything the kit monitors. Same as `kit.use(new SreDashboards(kit, 'Dashboards'))`.
   * @default false
   */
  readonly dashboards?: boolean;
  /**
   * A cdk-monitoring-constructs facade: every family and SLO is added to it as a dashboard segment.
   * @default - none
   */
  readonly monitoringFacade?: MonitoringFacade;
  /** Annotate the stack with the estimated monthly CloudWatch cost at synth. @default true */
  readonly costAnnotation?: boolean;
  /** Allow alarms without actions (dashboards only). @default false */
  readonly allowAlarmsWithoutActions?: boolean;
  /**
   * Move families and SLOs into nested stacks once the stack holds this many
   * resources (CloudFormation allows 500 per stack and 1 MB per template). Every
   * template is also filled by its bytes as written, and the dashboards move to
   * nested stacks of their own when the stack has no room left for them.
   * Set to 0 to never split.
   * @default 400
   */
  readonly maxResourcesPerStack?: number;
}

/** Per-resource options of the `monitor*` methods. */
export interface MonitorOptions {
  /** @default - the kit's service */
  readonly service?: string;
  /** @default - none (spec overrides for this resource id apply first) */
  readonly overrides?: { [catalogueId: string]: AlarmOverrideProps };
  /** @default - what the construct exposes, plus the spec's properties */
  readonly properties?: { [name: string]: number };
}

export interface MonitorLoadBalancerOptions extends MonitorOptions {
  /** @default - none: only load-balancer level alarms */
  readonly targetGroups?: elbv2.ApplicationTargetGroup[];
}

export interface MonitorQueueOptions extends MonitorOptions {
  /** @default QueueRole.WORK */
  readonly role?: QueueRole;
}

export interface MonitorWebAclOptions extends MonitorOptions {
  /** @default - from the web ACL */
  readonly scope?: WebAclScope;
}

/** An SLO added in code; `service` defaults to the kit's. */
export interface SreKitSloProps extends SloDefinition {
  /** @default - the kit's service */
  readonly service?: string;
}

/**
 * The facade: applies slos/ and alarms/ specs to a stack (families onto the
 * resources you map to spec ids, SLOs, topics, dashboards) and reports the
 * monthly CloudWatch cost of what it created.
 */
export class SreKit extends Construct {
  public readonly service: string;
  /** The stage in the kit's alarm and dashboard names (prop, else context `sre-kit:stage`), if any. */
  public readonly stage?: string;
  public readonly topics?: AlertTopics;
  public readonly actions: ISeverityActions;
  private readonly props: SreKitProps;
  private readonly specs?: SpecSet;
  private readonly familyList: FamilyAlarms[] = [];
  private readonly sloList: ServiceLevelObjective[] = [];
  private readonly mapped = new Set<string>();
  private readonly extensions: ISreKitExtension[] = [];
  private readonly pricedAlarms: PricedAlarm[] = [];
  private readonly placement?: Placement;
  private readonly sloKeys = new Set<string>();

  constructor(scope: Construct, id: string, props: SreKitProps) {
    super(scope, id);
    this.props = props;
    this.service = props.service;
    this.stage = resolveStage(this, props.stage);
    if (props.topics && props.emails)
      inputError(this, 'emails are ignored when topics are passed', props.emails, 'add the emails to your AlertTopics');
    this.topics = props.actions
      ? props.topics
      : (props.topics ?? new AlertTopics(this, 'Topics', { emails: props.emails }));
    this.actions = props.actions ?? this.topics!;
    const max = props.maxResourcesPerStack ?? DEFAULT_MAX_RESOURCES;
    if (max !== 0 && !(Number.isInteger(max) && max >= MIN_RESOURCES && max <= CLOUDFORMATION_MAX_RESOURCES))
      inputError(
        this,
        `maxResourcesPerStack must be 0 or a whole number in [${MIN_RESOURCES}, ${CLOUDFORMATION_MAX_RESOURCES}]`,
        max,
        'use the default (400) unless templates get too large',
      );
    if (max > 0) this.placement = new Placement(this, max, HEADROOM);
    if (props.dashboards) this.use(new SreDashboards(this, 'Dashboards'));
    if (props.specPaths?.length) {
      const specs = readSpecs(this, props.specPaths);
      // Alarms and dashboards both read these SLOs (and dashboards the spec panels): substitute the real
      // dimension values once, here.
      const values = props.dimensionValues ?? {};
      this.specs = {
        ...specs,
        slos: specs.slos.map((slo) => withDimensionValues(slo, values)),
        dashboardPanels: specs.dashboardPanels.map((group) => withPanelDimensionValues(group, values)),
      };
      for (const d of this.specs.diagnostics)
        Annotations.of(this).addWarningV2('@sre-kit/cdk:spec', formatDiagnostic(d));
      this.applySpecSlos();
    }
    this.node.addValidation({ validate: () => unmappedSpecResources(this.specs, this.mapped) });
    this.node.addValidation({ validate: () => nameCollisions(this) });
    if (props.costAnnotation ?? true) this.annotateCostAtSynth();
  }

  public monitorLambda(resourceId: string, fn: lambda.IFunction, options: MonitorOptions = {}): void {
    this.add(
      'lambda',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new LambdaFunctionAlarms(scope, id, {
          ...familyOptions,
          lambdaFunction: fn,
        }),
    );
  }

  public monitorEcsService(resourceId: string, ecsService: ecs.IBaseService, options: MonitorOptions = {}): void {
    this.add(
      'ecs',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new EcsServiceAlarms(scope, id, {
          ...familyOptions,
          ecsService,
        }),
    );
  }

  public monitorBucket(resourceId: string, bucket: s3.IBucket, options: MonitorOptions = {}): void {
    this.add(
      's3',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new S3BucketAlarms(scope, id, {
          ...familyOptions,
          bucket,
        }),
    );
  }

  public monitorLoadBalancer(
    resourceId: string,
    loadBalancer: elbv2.ApplicationLoadBalancer,
    options: MonitorLoadBalancerOptions = {},
  ): void {
    this.add(
      'alb',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new ApplicationLoadBalancerAlarms(scope, id, {
          ...familyOptions,
          loadBalancer,
          targetGroups: options.targetGroups,
        }),
    );
  }

  public monitorDatabaseInstance(
    resourceId: string,
    instance: rds.IDatabaseInstance,
    options: MonitorOptions = {},
  ): void {
    this.add(
      'rds',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new RdsAlarms(scope, id, {
          ...familyOptions,
          instance,
        }),
    );
  }

  public monitorDatabaseCluster(resourceId: string, cluster: rds.IDatabaseCluster, options: MonitorOptions = {}): void {
    this.add(
      'rds',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new RdsAlarms(scope, id, {
          ...familyOptions,
          cluster,
        }),
    );
  }

  public monitorWebAcl(resourceId: string, webAcl: wafv2.CfnWebACL, options: MonitorWebAclOptions = {}): void {
    this.add(
      'waf',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new WebAclAlarms(scope, id, {
          ...familyOptions,
          webAcl,
          scope: options.scope,
        }),
    );
  }

  public monitorNatGateway(resourceId: string, natGatewayId: string, options: MonitorOptions = {}): void {
    this.add(
      'natgateway',
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new NatGatewayAlarms(scope, id, {
          ...familyOptions,
          natGatewayId,
        }),
    );
  }

  /** Every NAT gateway of an L2 VPC, as resources `<resourceId>-1`, `<resourceId>-2`, ... */
  public monitorNatGateways(resourceId: string, vpc: ec2.IVpc, options: MonitorOptions = {}): void {
    const familyOptions = this.familyOptions('natgateway', resourceId, options);
    this.mapped.add(`natgateway/${resourceId}`);
    // The VPC's NAT gateways exist now: a VPC without any fails here, at the call, not at synth.
    vpcNatGatewayIds(this, vpc);
    this.defer((scope) => NatGatewayAlarms.forVpc(scope, resourceId, vpc, familyOptions).map((n) => this.register(n)));
  }

  /** Family `sqs`: a work queue (age, backlog minutes) or a dead-letter queue, by `role`. */
  public monitorQueue(resourceId: string, queue: sqs.IQueue, options: MonitorQueueOptions = {}): void {
    this.add(
      'sqs',
      resourceId,
      options,
      (scope, id, familyOptions) => new SqsQueueAlarms(scope, id, { ...familyOptions, queue, role: options.role }),
    );
  }

  /** Family `ses`: the account's bounce and complaint rates in this stack's region (once per account and region). */
  public monitorSesReputation(resourceId: string, options: MonitorOptions = {}): void {
    this.add(
      'ses',
      resourceId,
      options,
      (scope, id, familyOptions) => new SesReputationAlarms(scope, id, familyOptions),
    );
  }

  /**
   * Any registered family (AlarmCatalogue.registerFamily) from dimension values: the families an app
   * adds get the same actions, spec-style overrides, placement, dashboards and cost lines as the built-in ones.
   */
  public monitorFamily(
    familyName: string,
    resourceId: string,
    dimensions: { [name: string]: string },
    options: MonitorOptions = {},
  ): void {
    this.add(
      familyName,
      resourceId,
      options,
      (scope, id, familyOptions) => new DimensionAlarms(scope, id, { ...familyOptions, familyName, dimensions }),
    );
  }

  /** Any family from dimension values (resources outside this app; see DimensionAlarms). */
  public monitorByDimensions(
    family: AlarmFamily,
    resourceId: string,
    dimensions: { [name: string]: string },
    options: MonitorOptions = {},
  ): void {
    const attributes = family === AlarmFamily.WAF && !('Region' in dimensions) ? { scope: 'CLOUDFRONT' } : undefined;
    this.add(
      family,
      resourceId,
      options,
      (scope, id, familyOptions) =>
        new DimensionAlarms(scope, id, {
          ...familyOptions,
          family,
          dimensions,
          attributes,
        }),
    );
  }

  /**
   * Monitors every alarms/*.yaml resource not mapped to a construct yet, from
   * the dimension values written in the spec. Call it after the monitor*
   * calls for the resources this app defines. Returns the `family/resourceId` keys it monitored.
   */
  public monitorSpecResources(): string[] {
    return specResources(this.specs)
      .filter(({ key }) => !this.mapped.has(key))
      .map(({ key, family, resource }) => {
        this.monitorByDimensions(family as AlarmFamily, resource.id, { ...resource.dimensions });
        return key;
      });
  }

  public addSlo(props: SreKitSloProps): void {
    const service = props.service ?? this.service;
    if (this.sloKeys.has(`${service}/${props.sloName}`))
      inputError(
        this,
        `SLO "${props.sloName}" of service "${service}" is added twice`,
        props.sloName,
        'give each SLO of a service its own sloName',
      );
    this.sloKeys.add(`${service}/${props.sloName}`);
    const id = service === this.service ? `Slo-${props.sloName}` : `Slo-${service}-${props.sloName}`;
    const sloProps = {
      ...props,
      dashboard: props.dashboard ?? this.sloDashboardName(),
      service,
      stage: this.stage,
      actions: props.actions ?? this.actions,
      mode: props.mode ?? this.props.sloMode,
      allowAlarmsWithoutActions: props.allowAlarmsWithoutActions ?? this.props.allowAlarmsWithoutActions,
    };
    this.defer((scope) => {
      const slo = new ServiceLevelObjective(scope, id, sloProps);
      this.sloList.push(slo);
      this.props.monitoringFacade?.addSegment(slo);
      return slo;
    });
  }

  /**
   * The name of the kit's SLO dashboard, resolved at synth: dashboards may be added with `use()`
   * after the SLOs, and an alert links nothing when the kit has none.
   */
  private sloDashboardName(): string {
    // Uncached: placement resolves the SLO alarms to measure them before the dashboards exist.
    return Lazy.uncachedString({
      produce: () => {
        const dashboards = this.extensions.find((e): e is SreDashboards => e instanceof SreDashboards);
        return dashboards?.dashboardNameOf(`${this.service}-slo`) ?? '';
      },
    });
  }

  /** Plug in an extension (dashboards, the alert router); each is applied once. */
  public use(extension: ISreKitExtension): SreKit {
    if (!this.extensions.includes(extension)) {
      this.extensions.push(extension);
      extension.extend(this);
    }
    return this;
  }

  /**
   * The families the kit created. Placement is decided at synth; reading this (or `slos`,
   * `nestedStacks`, `costReport()`) before creates what was recorded so far, where it fits then.
   */
  public get families(): FamilyAlarms[] {
    this.placement?.materialize();
    return [...this.familyList];
  }

  public get slos(): ServiceLevelObjective[] {
    this.placement?.materialize();
    return [...this.sloList];
  }

  /**
   * Adds alarms the kit did not create (an AlertRouter's health alarms, alarms an app draws itself) to
   * `costReport()`, so the report prices the whole observability set rather than the kit's share of it.
   * `owner` takes the place of a family or SLO name in the report lines; `item` says what the alarms are.
   */
  public priceAlarms(owner: string, item: string, alarms: cloudwatch.AlarmBase[]): void {
    const ownerOfItem = this.pricedAlarms.find((p) => p.item === item)?.owner;
    if (ownerOfItem !== undefined && ownerOfItem !== owner)
      inputError(
        this,
        `priced item "${item}" already belongs to "${ownerOfItem}"`,
        owner,
        'give each owner its own item names',
      );
    for (const alarm of alarms) {
      // Counting an alarm twice would make the figure drift from the template it claims to price.
      if (this.pricedAlarms.some((p) => p.alarm === alarm)) this.pricedTwice(alarm);
      this.pricedAlarms.push({ alarm, owner, item });
    }
  }

  private pricedTwice(alarm: cloudwatch.AlarmBase): never {
    return inputError(this, 'alarm is priced twice', alarm.node.path, 'price each alarm once (the kit prices its own)');
  }

  /**
   * The monthly CloudWatch cost of everything the kit created so far, plus the alarms given to
   * `priceAlarms` (core's price table and free-tier rules).
   */
  public costReport(): CostReport {
    this.placement?.materialize();
    const kitAlarms = new Set<unknown>([
      ...this.familyList.flatMap((f) => f.alarms),
      ...this.sloList.flatMap((s) => [...s.windowAlarms, ...s.tierAlarms, ...s.suppressorAlarms]),
    ]);
    for (const p of this.pricedAlarms) if (kitAlarms.has(p.alarm)) this.pricedTwice(p.alarm);
    // Dashboards exist only once they have data: decide now, as synth would, so the figure matches the template.
    // (kit.use() may have been given dashboards outside the kit: they are the kit's all the same.)
    const created = new Set(this.node.findAll().filter((c) => c instanceof cloudwatch.CfnDashboard));
    for (const e of this.extensions)
      if (e instanceof SreDashboards) {
        e._materialize();
        for (const d of Object.values(e.dashboards)) created.add(d);
      }
    const dashboards = created.size;
    const owners = new Map(this.pricedAlarms.map((p) => [p.item, p.owner]));
    return costReportOf(inventoryOf(this.familyList, this.sloList, dashboards, this.pricedAlarms), owners);
  }

  /** @internal the parsed specs, for extensions in this package (dashboards) */
  public get _specs(): SpecSet | undefined {
    return this.specs;
  }

  /** @internal where the kit places what it creates at synth, for extensions in this package (dashboards) */
  public get _placement(): Placement | undefined {
    return this.placement;
  }

  /** The nested stacks the kit split its alarms into (empty while everything fits in the stack). */
  public get nestedStacks(): NestedStack[] {
    this.placement?.materialize();
    return this.placement?.nestedStacks ?? [];
  }

  /** Creates now without splitting, else when placement decides (see Placement). */
  private defer(create: (scope: Construct) => IConstruct | IConstruct[]): void {
    if (this.placement) this.placement.defer(create);
    else create(this);
  }

  private add(
    family: string,
    resourceId: string,
    options: MonitorOptions,
    create: (scope: Construct, id: string, options: FamilyAlarmsOptions) => FamilyAlarms,
  ): void {
    const familyOptions = this.familyOptions(family, resourceId, options);
    this.mapped.add(`${family}/${resourceId}`);
    this.defer((scope) => this.register(create(scope, familyConstructId(family, resourceId), familyOptions)));
  }

  private register<T extends FamilyAlarms>(family: T): T {
    this.familyList.push(family);
    this.props.monitoringFacade?.addSegment(family);
    return family;
  }

  /** The spec's settings for this resource (policy defaults, then resource overrides), under the code's. */
  private familyOptions(family: string, resourceId: string, options: MonitorOptions): FamilyAlarmsOptions {
    if (this.mapped.has(`${family}/${resourceId}`) && family !== 'natgateway')
      inputError(
        this,
        `${family} resource "${resourceId}" is monitored twice`,
        resourceId,
        'use one monitor call per resource id',
      );
    const found = specResource(this.specs, family as AlarmFamilyName, resourceId);
    const overrides: { [id: string]: AlarmOverrideProps } = { ...found?.overrides };
    for (const [id, o] of Object.entries(options.overrides ?? {})) overrides[id] = { ...overrides[id], ...o };
    return {
      service: options.service ?? found?.policy.service ?? this.service,
      stage: this.stage,
      resourceId,
      actions: this.actions,
      defaults: found?.defaults ?? {},
      overrides,
      properties: { ...(found?.resource.properties ?? {}), ...(options.properties ?? {}) },
      runbookBaseUrl: found?.policy.runbookBaseUrl ?? this.props.runbookBaseUrl,
      allowAlarmsWithoutActions: this.props.allowAlarmsWithoutActions,
    };
  }

  private applySpecSlos(): void {
    // Maintenance windows marked excludeFromReview become the SLO's Application Signals exclusion windows.
    const windows = this.specs!.routings.flatMap((r) => r.maintenanceWindows ?? []);
    const native = this.props.sloMode === SloAlarmMode.APPLICATION_SIGNALS;
    for (const slo of this.specs!.slos) {
      const { props, reason } = sloPropsFromSpec(slo);
      if (!props) {
        Annotations.of(this).addInfo(`SLO ${slo.name} (${slo.origin.location.file}): no CloudWatch alarms: ${reason}`);
        continue;
      }
      const exclusions = applicationSignalsExclusions(windows, slo);
      for (const x of exclusions)
        if (native && x.note)
          Annotations.of(this).addWarningV2(`@sre-kit/cdk:exclusion-window-utc:${slo.name}`, x.note);
      const exclusionWindows = exclusions.map((x) => ({
        reason: x.reason,
        duration: Duration.minutes(x.durationMinutes),
        ...(x.startTime ? { startTime: x.startTime } : {}),
        ...(x.recurrence ? { recurrence: x.recurrence } : {}),
      }));
      this.addSlo(exclusionWindows.length > 0 ? { ...props, exclusionWindows } : props);
    }
  }

  /** Adds the cost as an info annotation once the tree is complete (validation runs after every construct exists). */
  private annotateCostAtSynth(): void {
    this.node.addValidation({
      validate: () => {
        const report = this.costReport();
        Annotations.of(this).addInfo(
          `sre-kit: estimated CloudWatch cost ${report.totalUsd.toFixed(2)} USD/month for ${report.metricAlarms} metric alarms, ` +
            `${report.compositeAlarms} composite alarms and ${report.dashboards} dashboards in ${Stack.of(this).stackName} (${report.prices}); ` +
            `not included: ${report.excludes}.`,
        );
        return [];
      },
    });
  }
}

const DEFAULT_MAX_RESOURCES = 400;
const MIN_RESOURCES = 100;
// The largest single family or SLO (an SLO with 4 tiers is 14 alarms; a family ~10 per target).
const HEADROOM = 60;

// Re-exported so users of the facade find every type in one place.
export { SloAlarmMode };

/**
 * Resource ids are unique per family, not across families (alarms/*.yaml may call both the ECS
 * service and its load balancer `api`), so the family is part of the construct id.
 */
function familyConstructId(family: string, resourceId: string): string {
  return `${family}-${resourceId}`;
}
