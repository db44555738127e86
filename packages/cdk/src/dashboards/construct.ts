/**
 * `SreDashboards`: the model-driven management, developer, security and SLO dashboards as
 * CloudWatch dashboards. Either pass dashboards built with @sre-kit/core's `buildDashboards`, or
 * plug it into a `SreKit` (`kit.use(new SreDashboards(...))`): then the dashboards are built at synth
 * time from the kit's specs and everything it monitors, and alarm status widgets show the real alarms.
 */
import { Annotations, ArnFormat, Aspects, Aws, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  buildDashboards,
  dashboardShowsData,
  resourceAlarmName,
  sloTierAlarmName,
  type AlarmFamilyName,
  type AlarmPolicy,
  type Dashboard,
  type MonitoredResource,
  type PanelGroup,
  type Slo,
} from '@sre-kit/core';
import { Construct } from 'constructs';
import { inputError } from '../errors';
import { stagedName } from '../naming';
import type { ISreKitExtension, SreKit } from '../sre-kit';
import { metricCount, renderCloudWatchDashboardBody, splitDashboardBody, type CloudWatchDashboardBody } from './body';
import { resolveIn, writtenBytes, type SizedResource } from '../placement';

/** The top-level stack a (nested) stack deploys with: same account and region. */
function rootOf(stack: Stack): Stack {
  let root = stack;
  while (root.nestedStackParent) root = root.nestedStackParent;
  return root;
}

/** jsii-compatible props; model-level options (dashboards, panels) go through `sreDashboards()`. */
export interface SreDashboardsProps {
  /** Real alarms by logical name (`<service>-<resource>-<catalogueId>`, `<service>-<slo>-<tier>`). @default - the kit's alarms */
  readonly alarms?: { [logicalName: string]: cloudwatch.IAlarm };
  /** Prepended to each dashboard name. @default - no prefix */
  readonly dashboardNamePrefix?: string;
}

/** TypeScript-only options: the model types are richer than jsii can carry to other languages. */
export interface SreDashboardsOptions extends SreDashboardsProps {
  /** Dashboards to create now (from @sre-kit/core `buildDashboards`). @default - none until used with a SreKit */
  readonly dashboards?: readonly Dashboard[];
  /** Explicit panels added to the kit's dashboards. @default - the spec's only */
  readonly panels?: readonly PanelGroup[];
}

/**
 * Creates `SreDashboards` with model-level options (TypeScript). From other languages, use the
 * construct with a SreKit: `kit.use(new SreDashboards(this, 'Dashboards'))`.
 */
export function sreDashboards(scope: Construct, id: string, options: SreDashboardsOptions = {}): SreDashboards {
  const construct = new SreDashboards(scope, id, options);
  construct._configure(options);
  return construct;
}

/** CloudWatch's limits for one dashboard (REFERENCE.md section 5). */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
export const MAX_METRICS_PER_DASHBOARD = 2500;
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

const DASHBOARD_LIMITS = { maxWidgets: MAX_WIDGETS_PER_DASHBOARD, maxMetrics: MAX_METRICS_PER_DASHBOARD };

/** `make` called once per stack. */
function perStack<T>(make: (stack: Stack) => T): (stack: Stack) => T {
  const made = new Map<Stack, T>();
  return (stack) => {
    if (!made.has(stack)) made.set(stack, make(stack));
    return made.get(stack)!;
  };
}

/** The n-th (from 0) of the dashboards a model too large for one is cut into: the first keeps the model's name. */
function partName(name: string, index: number): string {
  return index === 0 ? name : `${name}-${index + 1}`;
}

export class SreDashboards extends Construct implements ISreKitExtension {
  /** The CloudWatch dashboards, by model name (`goodgreets-developer`, ...). */
  public readonly dashboards: { [name: string]: cloudwatch.CfnDashboard } = {};
  private props: SreDashboardsOptions;
  private kit?: SreKit;

  constructor(scope: Construct, id: string, props: SreDashboardsProps = {}) {
    super(scope, id);
    this.props = props;
  }

  /** @internal model-level options from `sreDashboards()` */
  public _configure(options: SreDashboardsOptions): void {
    this.props = options;
    const alarms = options.alarms ?? {};
    for (const model of options.dashboards ?? []) this.add(model.name, (here) => this.bodies(model, alarms, here)[0]!);
  }

  /**
   * Called by `SreKit.use`. What each dashboard would show is known once the kit's families and SLOs
   * exist, which is at synth: the dashboards are created then (or when `costReport()` asks earlier),
   * each only if it has data, and their bodies are rendered from the final set.
   */
  public extend(kit: SreKit): void {
    this.kit = kit;
    Aspects.of(this).add({ visit: (node) => (node === this ? this._materialize() : undefined) });
  }

  /** @internal creates the kit's dashboards that have data and are not created yet */
  public _materialize(): void {
    const kit = this.kit;
    if (!kit) return;
    // Rendered once, at the first body resolved, when every family and SLO exists.
    let final: Dashboard[] | undefined;
    const finalModel = (name: string) => {
      const model = (final ??= this.modelsOf(kit)).find((d) => d.name === name);
      return model ?? inputError(this, 'a created dashboard was not built', name, 'report this as a bug');
    };
    const alarms = () => ({ ...this.alarmsOf(kit), ...(this.props.alarms ?? {}) });
    const items: SizedResource[] = [];
    for (const model of this.modelsOf(kit)) {
      if (this.dashboards[model.name] || !dashboardShowsData(model)) continue;
      // A model larger than CloudWatch allows one dashboard becomes several: `<name>`, `<name>-2`, ...
      // Each is drawn once per stack (measured where it may go, rendered where it went), not once per part.
      const measured = perStack((home) => this.parts(model, alarms(), home));
      const count = measured(Stack.of(this)).length;
      const final = perStack((here) => this.bodies(finalModel(model.name), alarms(), here, count));
      for (let index = 0; index < count; index++) {
        const name = partName(model.name, index);
        items.push({
          name: this.deployedName(name),
          measure: (home, found) => this.measure(measured(home)[index]!, name, home, found, kit),
          create: (scope) => {
            const dashboard = this.add(name, (here) => final(here)[index]!, scope);
            // The alarms in the kit's nested stacks are shown by ARNs built from their names (see
            // alarmArnOf); the dashboard still waits for them (CDK lifts the dependency to the nested
            // stack holding the dashboard when it is not the parent).
            for (const nested of kit.nestedStacks)
              if (nested.nestedStackResource) dashboard.node.addDependency(nested.nestedStackResource);
            return dashboard;
          },
        });
      }
    }
    // The kit places its dashboards by bytes when they would sit in its stack; elsewhere they stay here.
    const placement = Stack.of(this) === Stack.of(kit) ? kit._placement : undefined;
    if (placement) placement.placeBySize(this, items);
    else for (const item of items) item.create(this);
  }

  /**
   * The bytes dashboard `name` takes in `home`'s template, its `body` rendered there (alarm ARNs by
   * name or attribute, as `alarmArnOf` picks for that stack) and resolved as written: an Fn::Join
   * when the body holds tokens.
   */
  private measure(body: CloudWatchDashboardBody, name: string, home: Stack, found: Set<string>, kit: SreKit): number {
    const value = resolveIn(home.toJsonString(body), home, found);
    // Stand-ins as long as the logical id, construct path and DependsOn entries synth writes.
    const id = 'x'.repeat(64);
    const dependsOn = home === Stack.of(kit) ? kit.nestedStacks.map(() => id) : undefined;
    const resource = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardBody: value, DashboardName: this.deployedName(name) },
      ...(dependsOn?.length ? { DependsOn: dependsOn } : {}),
      Metadata: { 'aws:cdk:path': `${this.node.path}/${id}` },
    };
    return writtenBytes({ Resources: { [id]: resource } }, home);
  }

  /** The deployed name of a dashboard this construct made (model name `goodgreets-slo`), if any. */
  public dashboardNameOf(name: string): string | undefined {
    return this.dashboards[name] ? this.deployedName(name) : undefined;
  }

  /** `<prefix><stage>-<model name>`: the kit's stage, as in its alarm names. */
  private deployedName(name: string): string {
    return `${this.props.dashboardNamePrefix ?? ''}${stagedName(this.kit?.stage, name)}`;
  }

  private add(
    name: string,
    body: (here: Stack) => CloudWatchDashboardBody,
    scope: Construct = this,
  ): cloudwatch.CfnDashboard {
    const dashboardName = this.deployedName(name);
    if (!DASHBOARD_NAME.test(dashboardName))
      inputError(this, 'dashboard names are 1-255 letters, digits, "-" or "_"', dashboardName, 'rename the service or the prefix');
    if (this.dashboards[name]) inputError(this, 'two dashboards have the same name', name, 'give each dashboard its own name');
    const stack = Stack.of(scope);
    return (this.dashboards[name] = new cloudwatch.CfnDashboard(scope, name, {
      dashboardName,
      dashboardBody: Lazy.string({ produce: () => stack.toJsonString(body(stack)) }),
    }));
  }

  /**
   * An alarm of another stack of the same deployment (the kit's nested stacks, or the parent when
   * the dashboard sits in a nested stack), with a name known at synth, is shown by an ARN built from
   * that name: its `alarmArn` would make a nested stack export it or take it as a parameter, one per
   * alarm shown, and a nested stack of 160 dead-letter-queue alarms on a dashboard already had 160 of
   * CloudFormation's 200 outputs.
   */
  private alarmArnOf(alarm: cloudwatch.IAlarm, here: Stack): string {
    const there = Stack.of(alarm);
    // An L2 alarm's alarmName is a token even when named; the name it was given is its L1's.
    const cfn = alarm.node.defaultChild;
    const name =
      cfn instanceof cloudwatch.CfnAlarm || cfn instanceof cloudwatch.CfnCompositeAlarm ? cfn.alarmName : undefined;
    if (there === here || rootOf(there) !== rootOf(here) || name === undefined || Token.isUnresolved(name))
      return alarm.alarmArn;
    return here.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The dashboard body of `model` in stack `here`, and the logical alarm names it could not find. */
  private render(
    model: Dashboard,
    alarms: { [name: string]: cloudwatch.IAlarm },
    here: Stack,
  ): { body: CloudWatchDashboardBody; missing: Set<string> } {
    const missing = new Set<string>();
    const body = renderCloudWatchDashboardBody(model, {
      region: Aws.REGION,
      accountId: Aws.ACCOUNT_ID,
      partition: Aws.PARTITION,
      alarmArn: (name) => {
        const alarm = alarms[name];
        if (!alarm) missing.add(name);
        return alarm && this.alarmArnOf(alarm, here);
      },
    });
    return { body, missing };
  }

  /** The dashboards `model` is drawn on in stack `here`: one unless it passes CloudWatch's limits of one. */
  private parts(model: Dashboard, alarms: { [name: string]: cloudwatch.IAlarm }, here: Stack): CloudWatchDashboardBody[] {
    return splitDashboardBody(this.render(model, alarms, here).body, DASHBOARD_LIMITS);
  }

  /**
   * The body of `model`'s dashboard in stack `here`, checked against CloudWatch's limits; or, given
   * the `count` of dashboards the kit cut it into, the bodies of those.
   */
  private bodies(
    model: Dashboard,
    alarms: { [name: string]: cloudwatch.IAlarm },
    here: Stack,
    count?: number,
  ): CloudWatchDashboardBody[] {
    const { body: whole, missing } = this.render(model, alarms, here);
    const parts = count === undefined ? [whole] : splitDashboardBody(whole, DASHBOARD_LIMITS);
    if (count !== undefined && parts.length !== count)
      inputError(
        this,
        `dashboard ${model.name} needs ${parts.length} CloudWatch dashboards at synth, but ${count} were created when the kit placed them`,
        parts.length,
        'call every monitor* and addSlo before reading costReport(), families or slos',
      );
    for (const body of parts) {
      if (body.widgets.length > MAX_WIDGETS_PER_DASHBOARD)
        inputError(this, `dashboard ${model.name} has more widgets than CloudWatch allows (${MAX_WIDGETS_PER_DASHBOARD})`, body.widgets.length, 'split the monitored resources over several services or dashboards');
      if (metricCount(body) > MAX_METRICS_PER_DASHBOARD)
        inputError(this, `dashboard ${model.name} has more metrics than CloudWatch allows (${MAX_METRICS_PER_DASHBOARD})`, metricCount(body), 'split the monitored resources over several services or dashboards');
    }
    if (missing.size > 0 && (this.props.alarms || Object.keys(alarms).length > 0))
      Annotations.of(this).addWarningV2(
        '@sre-kit/cdk:dashboard-alarm',
        `${model.name}: alarm status shows alarms this app does not define, by name: ${[...missing].join(', ')}`,
      );
    return parts;
  }

  /** Logical alarm name -> alarm, for everything the kit created. */
  private alarmsOf(kit: SreKit): { [name: string]: cloudwatch.IAlarm } {
    const out: { [name: string]: cloudwatch.IAlarm } = {};
    for (const family of kit.families)
      for (const c of family._created)
        out[resourceAlarmName({ service: family.service, resourceId: family.resourceId, catalogueId: c.resolved.catalogueId })] ??= c.alarm;
    for (const slo of kit.slos)
      slo._tiers.forEach((tier, i) => {
        const alarm = slo.tierAlarms[i];
        if (alarm) out[sloTierAlarmName({ service: slo.service, name: slo.sloName }, tier)] = alarm;
      });
    return out;
  }

  /** SLOs added in code, as core models: drawn like the spec's (whose constructs the spec already describes). */
  private codeSlos(kit: SreKit, specSlos: readonly Slo[]): Slo[] {
    const inSpecs = new Set(specSlos.map((s) => `${s.service}/${s.name}`));
    return kit.slos.flatMap((slo) => {
      if (inSpecs.has(`${slo.service}/${slo.sloName}`)) return [];
      const model = slo._model();
      if (!model)
        Annotations.of(this).addWarningV2(
          `@sre-kit/cdk:dashboard-slo:${slo.sloName}`,
          `SLO ${slo.sloName} is not drawn on the dashboards: its metrics nest metric math in metric math`,
        );
      return model ? [model] : [];
    });
  }

  private modelsOf(kit: SreKit): Dashboard[] {
    const specs = kit._specs;
    const policies: AlarmPolicy[] = [...(specs?.alarmPolicies ?? [])];
    const inSpecs = new Set(
      policies.flatMap((p) => Object.entries(p.families).flatMap(([f, rs]) => (rs ?? []).map((r) => `${p.service}/${f}/${r.id}`))),
    );
    // Resources monitored in code only still get their developer section.
    const extra: Partial<Record<AlarmFamilyName, MonitoredResource[]>> = {};
    const dims = new Map<string, Record<string, string>>();
    const attributes = new Map<string, Readonly<Record<string, string>>>();
    for (const family of kit.families) {
      const key = `${family.family}/${family.resourceId}`;
      attributes.set(key, family._attributes);
      const known: Record<string, string> = {};
      for (const c of family._created) {
        const metric = c.alarm instanceof cloudwatch.Alarm ? c.alarm.metric : undefined;
        for (const d of metric?.toMetricConfig().metricStat?.dimensions ?? []) known[d.name] ??= String(d.value);
      }
      dims.set(key, known);
      if (inSpecs.has(`${family.service}/${key}`)) continue;
      const location = { file: this.node.path, line: 1, col: 1, path: family.node.path };
      (extra[family.family as AlarmFamilyName] ??= []).push({ id: family.resourceId, dimensions: {}, properties: {}, overrides: {}, location });
    }
    if (Object.keys(extra).length > 0)
      policies.push({ name: `${kit.service}-code`, service: kit.service, families: extra, defaults: {}, location: { file: this.node.path, line: 1, col: 1, path: '' } });
    // The alarms as the kit created them: thresholds derived from construct properties are known here.
    const seen = new Set<string>();
    const resolvedAlarms = kit.families.flatMap((family) =>
      family._created.flatMap((c) => {
        // One alarm per target (target groups, gateways) shares one logical name: the dashboard shows the first.
        const key = `${family.service}/${family.family}/${family.resourceId}/${c.resolved.catalogueId}`;
        if (seen.has(key)) return [];
        seen.add(key);
        const cfn = c.alarm.node.defaultChild;
        const threshold = cfn instanceof cloudwatch.CfnAlarm && typeof cfn.threshold === 'number' ? cfn.threshold : c.resolved.threshold;
        return [{ ...c.resolved, service: family.service, resourceId: family.resourceId, threshold }];
      }),
    );
    return buildDashboards({
      slos: [...(specs?.slos ?? []), ...this.codeSlos(kit, specs?.slos ?? [])],
      alarmPolicies: policies,
      resolvedAlarms,
      service: kit.service,
      // The specs' own kind: Dashboard panels unless the construct was given others (as documented on `panels`).
      panels: this.props.panels ?? specs?.dashboardPanels,
      resolveDimensions: (family, resource: MonitoredResource) => dims.get(`${family}/${resource.id}`),
      resolveAttributes: (family, resource: MonitoredResource) => attributes.get(`${family}/${resource.id}`),
    });
  }
}
