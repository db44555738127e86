import { Token } from 'aws-cdk-lib';
import {
  AlarmDescriptionError,
  alarmMetadataTags,
  formatAlarmDescription,
  type AlarmMetadataInput,
  type DeferredValues,
} from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { SreKitInputError } from './errors';
import { applyTags } from './tags';

/**
 * The writer side of @sre-kit/core's alarm-metadata contract: every alarm the kit creates gets
 * its description (human text + the machine line the alert router reads) and the same fields
 * as `sre-kit:*` tags from here, so no construct formats either by hand.
 */

// CDK encodes a string token as `${Token[NAME.123]}`; CloudFormation substitutes it at deploy time.
const STRING_TOKEN = /\$\{Token\[[^\]]*\]\}/g;

/** The longest value each pseudo parameter can take; anything else (a Ref, a Lazy) as the longest name CloudWatch allows. */
function tokenMaxLength(token: string): number {
  if (token.includes('AWS.Region')) return 16;
  if (token.includes('AWS.AccountId')) return 12;
  if (token.includes('AWS.Partition')) return 10;
  if (token.includes('AWS.URLSuffix')) return 20;
  return 255;
}

export const CDK_TOKENS: DeferredValues = { pattern: STRING_TOKEN, maxLength: tokenMaxLength };

/**
 * The AlarmDescription for an alarm of `scope`: fails at synth naming the construct when the
 * metadata alone cannot fit CloudWatch's 1,024 characters (tokens counted at their longest).
 */
export function alarmDescriptionFor(
  scope: IConstruct,
  alarmName: string | undefined,
  text: string,
  meta: AlarmMetadataInput,
): string {
  const name = alarmName && !Token.isUnresolved(alarmName) ? alarmName : scope.node.path;
  try {
    return formatAlarmDescription(text, meta, { alarmName: name, deferred: CDK_TOKENS });
  } catch (err) {
    if (!(err instanceof AlarmDescriptionError)) throw err;
    throw new SreKitInputError(
      scope,
      'the alarm description cannot hold the sre-kit metadata',
      err.message,
      'shorten the runbook URL, the dashboard link or the labels of this alarm',
    );
  }
}

/** Sets the contract's `sre-kit:*` tags on an alarm (a supplement for search and cost allocation). */
export function tagAlarm(alarm: IConstruct, meta: AlarmMetadataInput): void {
  const tags = alarmMetadataTags(meta);
  // A token cannot be sanitised into a tag value; the description carries it.
  for (const [k, v] of Object.entries(tags)) if (Token.isUnresolved(v)) delete tags[k];
  applyTags(alarm, tags);
}
