import { Stack, Token } from 'aws-cdk-lib';
import { catalogueMetrics } from '@sre-kit/core';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { AlarmCatalogue } from './catalogue';
import { FamilyAlarms, type FamilyTarget } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

/** The seven catalogue families. */
export enum AlarmFamily {
  LAMBDA = 'lambda',
  ECS = 'ecs',
  S3 = 's3',
  ALB = 'alb',
  RDS = 'rds',
  WAF = 'waf',
  NAT_GATEWAY = 'natgateway',
}

export interface DimensionAlarmsProps extends FamilyAlarmsOptions {
  /** A built-in family. One of `family` or `familyName`. @default - use familyName */
  readonly family?: AlarmFamily;
  /** Any registered family by name (`sqs`, `ses`, or one of AlarmCatalogue.registerFamily). @default - use family */
  readonly familyName?: string;
  /** Dimension values as the catalogue names them (`FunctionName`, `LoadBalancer`, `TargetGroup`, ...). */
  readonly dimensions: { [name: string]: string };
  /** Non-numeric facts, for example WAF `{ scope: 'CLOUDFRONT' }`. @default - none */
  readonly attributes?: { [name: string]: string };
}

/**
 * Any family from plain dimension values: for resources outside the app (a
 * fleet monitored from one stack) and for alarms/*.yaml resources that carry
 * their dimensions. Every catalogue alarm whose dimensions are all given is
 * drawn; an ALB with LoadBalancer and TargetGroup gets both levels.
 */
export class DimensionAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: DimensionAlarmsProps) {
    super(scope, id, (props.familyName ?? props.family) as string, props);
    if ((props.family === undefined) === (props.familyName === undefined))
      inputError(
        this,
        'exactly one of family or familyName is required',
        { family: props.family, familyName: props.familyName },
        'pass AlarmFamily.X for a built-in family, or familyName for a registered one',
      );
    const family = this.family;
    const given = props.dimensions;
    for (const [name, value] of Object.entries(given))
      if (typeof value !== 'string' || value === '')
        inputError(this, `dimension ${name} has no value`, value, 'give every dimension a non-empty string');
    const region = Stack.of(this).region;
    if (given.Region && !Token.isUnresolved(region) && !Token.isUnresolved(given.Region) && given.Region !== region)
      inputError(
        this,
        `metrics of Region ${given.Region} cannot be alarmed on from a stack in ${region}`,
        given.Region,
        `monitor this resource from a stack deployed to ${given.Region}`,
      );
    // A CloudFront web ACL publishes without Region, and core's resolveAlarms drops it from the entries, so no target needs it.
    const regionless = family === AlarmFamily.WAF && props.attributes?.scope?.toUpperCase() === 'CLOUDFRONT';
    const needs = new Set<string>();
    for (const entry of AlarmCatalogue.of(this)._entriesOf(family)) {
      const names = new Set<string>();
      for (const m of catalogueMetrics(entry))
        for (const d of m.dimensionNames) if (!m.fixedDimensions?.[d] && !(regionless && d === 'Region')) names.add(d);
      needs.add([...names].sort().join(','));
    }
    const targets: FamilyTarget[] = [];
    for (const key of needs) {
      const names = key === '' ? [] : key.split(',');
      // Account-level entries (no dimension) are drawn when the caller names no resource: a registered account-wide family.
      if (names.length === 0 ? Object.keys(given).length > 0 : !names.every((n) => n in given)) continue;
      targets.push({ dimensions: Object.fromEntries(names.map((n) => [n, given[n]])) });
    }
    if (targets.length === 0)
      inputError(
        this,
        `no ${family} alarm can be drawn from these dimensions`,
        given,
        `give the dimensions the catalogue names for ${family}`,
      );
    this._render(targets, {}, { attributes: props.attributes ?? {} });
  }
}
