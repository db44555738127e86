/**
 * The metadata convention between the CDK constructs (writers) and the router
 * (reader). CloudWatch puts neither tags nor custom fields into SNS or
 * EventBridge notifications; AlarmDescription is the only free-form field that
 * travels with every notification. So the constructs append ONE line to the
 * description:
 *
 *   <human text...>
 *   sre-kit:{"severity":"critical","service":"goodgreets","slo":"api-availability", ...}
 *
 * The same keys are also set as alarm tags `sre-kit:<key>` for console search and
 * cost allocation, but the router never needs to call the CloudWatch API for them.
 * AlarmDescription is limited to 1024 characters: keep the human text short.
 */
import { parseDuration, SEVERITIES, type Severity } from '@sre-kit/core';

export const METADATA_PREFIX = 'sre-kit:';

export interface AlarmMetadata {
  readonly severity?: Severity;
  /** Alarm family from the catalogue (`lambda`, `alb`, ...) or `slo`. */
  readonly family?: string;
  readonly service?: string;
  /** SLO name for burn-rate alarms. */
  readonly slo?: string;
  readonly runbook?: string;
  /** Free labels for routing matchers (`team`, `env`, ...). */
  readonly tags: Readonly<Record<string, string>>;
  /** Burn-rate threshold of this tier (14.4, 6, 3, 1). */
  readonly burnRate?: number;
  /** SLO objective as a ratio (0.999). */
  readonly objective?: number;
  /** Long window of the tier in seconds (from `"1h"`). */
  readonly windowSeconds?: number;
  /** SLO period in seconds (from `"30d"`). */
  readonly periodSeconds?: number;
  /** What the alarm's value is: an error ratio (`bad/total`) or an already computed burn rate. */
  readonly sli?: 'errorRatio' | 'burnRate';
  /** Set by `sre alerts drill`: a synthetic notification that proves paging works. */
  readonly drill?: boolean;
}

/** What the constructs write; durations as spec strings so the line stays readable. */
export interface AlarmMetadataInput {
  readonly severity?: Severity;
  readonly family?: string;
  readonly service?: string;
  readonly slo?: string;
  readonly runbook?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly burnRate?: number;
  readonly objective?: number;
  readonly window?: string;
  readonly period?: string;
  readonly sli?: 'errorRatio' | 'burnRate';
  readonly drill?: boolean;
}

const MAX_DESCRIPTION = 1024;

/** The AlarmDescription the constructs should set: human text plus the metadata line. Throws when over 1024 chars. */
export function formatAlarmDescription(text: string, meta: AlarmMetadataInput): string {
  const line = METADATA_PREFIX + JSON.stringify(meta);
  const description = text.trim() ? `${text.trim()}\n${line}` : line;
  if (description.length > MAX_DESCRIPTION) {
    throw new RangeError(
      `alarm description is ${description.length} characters, CloudWatch allows ${MAX_DESCRIPTION}: shorten the text or the runbook URL`,
    );
  }
  return description;
}

/** Splits a description into its human text and metadata; problems become warnings, never rejections. */
export function parseAlarmDescription(description: string | undefined | null): {
  text: string;
  metadata: AlarmMetadata;
  warnings: string[];
} {
  const warnings: string[] = [];
  const lines = (description ?? '').split(/\r?\n/);
  const index = lines.findIndex((l) => l.trim().startsWith(METADATA_PREFIX));
  if (index < 0) return { text: (description ?? '').trim(), metadata: { tags: {} }, warnings };
  const raw = lines[index].trim().slice(METADATA_PREFIX.length);
  const text = lines
    .filter((_, i) => i !== index)
    .join('\n')
    .trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    warnings.push(`metadata line is not JSON: ${raw.slice(0, 80)}`);
    return { text, metadata: { tags: {} }, warnings };
  }
  if (!isRecord(parsed)) {
    warnings.push('metadata line is not a JSON object');
    return { text, metadata: { tags: {} }, warnings };
  }
  return { text, metadata: readMetadata(parsed, warnings), warnings };
}

function readMetadata(o: Record<string, unknown>, warnings: string[]): AlarmMetadata {
  const str = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v !== '') return v;
    warnings.push(`metadata.${key} must be a non-empty string`);
    return undefined;
  };
  const num = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    warnings.push(`metadata.${key} must be a number`);
    return undefined;
  };
  const duration = (key: string): number | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const seconds = parseDuration(v);
    if (seconds === undefined) warnings.push(`metadata.${key} is not a duration like 1h or 30d: ${v}`);
    return seconds;
  };
  const severityText = str('severity');
  const severity = SEVERITIES.find((s) => s === severityText);
  if (severityText !== undefined && !severity)
    warnings.push(`metadata.severity must be one of ${SEVERITIES.join(', ')}`);
  const tags: Record<string, string> = {};
  if (isRecord(o.tags)) {
    for (const [k, v] of Object.entries(o.tags)) {
      if (typeof v === 'string') tags[k] = v;
      else warnings.push(`metadata.tags.${k} must be a string`);
    }
  }
  const sli = o.sli === 'errorRatio' || o.sli === 'burnRate' ? o.sli : undefined;
  const objective = num('objective');
  if (objective !== undefined && !(objective > 0 && objective < 1))
    warnings.push('metadata.objective must be in (0, 1)');
  return {
    severity,
    family: str('family'),
    service: str('service'),
    slo: str('slo'),
    runbook: str('runbook'),
    tags,
    burnRate: num('burnRate'),
    objective: objective !== undefined && objective > 0 && objective < 1 ? objective : undefined,
    windowSeconds: duration('window'),
    periodSeconds: duration('period'),
    sli,
    drill: o.drill === true ? true : undefined,
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
