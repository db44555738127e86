import { TagManager, Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Tag keys of sre-kit alarms: the same keys as @sre-kit/core's ALARM_METADATA_TAGS (a test keeps
 * them equal). Tags are a supplement to the metadata line in the alarm description: the router
 * reads them only to fill fields a description lacks, and console search and cost allocation use them.
 */
export class SreTagKeys {
  public static readonly SEVERITY = 'sre-kit:severity';
  public static readonly FAMILY = 'sre-kit:family';
  public static readonly SERVICE = 'sre-kit:service';
  public static readonly RESOURCE = 'sre-kit:resource';
  public static readonly CATALOGUE_ID = 'sre-kit:catalogue-id';
  public static readonly RUNBOOK = 'sre-kit:runbook';
  public static readonly SLO = 'sre-kit:slo';
  public static readonly OBJECTIVE = 'sre-kit:objective';
  public static readonly BURN_RATE = 'sre-kit:burn-rate';
  public static readonly TIER = 'sre-kit:tier';
  public static readonly PERIOD = 'sre-kit:period';
  public static readonly LONG_WINDOW = 'sre-kit:long-window';
  public static readonly SHORT_WINDOW = 'sre-kit:short-window';
}

// CloudWatch tag values: at most 256 characters of letters, digits, spaces and _ . : / = + - @.
const TAG_VALUE_FORBIDDEN = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]+/gu;
const TAG_VALUE_MAX = 256;

/** Runbook prose has commas and parentheses CloudWatch rejects in tags; keep the words, drop the rest. */
export function tagValue(text: string): string {
  const cleaned = text.replace(TAG_VALUE_FORBIDDEN, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length <= TAG_VALUE_MAX ? cleaned : `${cleaned.slice(0, TAG_VALUE_MAX - 3)}...`;
}

/**
 * Tags an alarm or topic; empty values are skipped. The L1's tag manager is
 * set directly: `Tags.of()` adds one aspect per tag, and thousands of aspects
 * made synth of a 100-service fleet quadratic.
 */
export function applyTags(scope: IConstruct, tags: Readonly<Record<string, string | undefined>>): void {
  const cfn = scope.node.defaultChild ?? scope;
  const manager = TagManager.of(cfn);
  for (const [key, value] of Object.entries(tags)) {
    if (value === undefined || value === '') continue;
    if (manager) manager.setTag(key, tagValue(value));
    else Tags.of(scope).add(key, tagValue(value));
  }
}
