/**
 * The alarm-metadata contract between the writers (@sre-kit/cdk constructs, anything else that
 * makes an alarm for the kit) and the reader (@sre-kit/alert-router, in the Lambda and in the
 * local `sre alerts replay/preview`).
 *
 * CloudWatch puts neither tags nor custom fields into its SNS or EventBridge notifications:
 * AlarmName and AlarmDescription are the only free-form fields every notification carries. So an
 * alarm's description ends with ONE machine line:
 *
 *   <human text, shortened when the whole would not fit>
 *   sre-kit:{"v":1,"severity":"critical","family":"slo","service":"goodgreets","slo":"api-availability",...}
 *
 * The machine line is never cut: when the description would pass CloudWatch's 1,024 characters
 * the human text is shortened first, and when the machine line alone cannot fit, formatting fails
 * naming the alarm (a synth-time error in the constructs). Alarm tags carry the same fields
 * (`alarmMetadataTags`) for console search and cost allocation; readers use them only to fill
 * fields a description lacks (`mergeAlarmMetadata`), never as a requirement.
 *
 * Pure: no AWS or CDK dependency. Values that are resolved later (CDK tokens such as the region
 * in a dashboard URL) pass through untouched; `DescriptionOptions.deferred` tells the formatter
 * how long they can become so the limit still holds after deployment.
 */
import { formatDuration, parseDuration } from './duration';
import { SEVERITIES, type Severity } from './model/alarms';

export const ALARM_METADATA_PREFIX = 'sre-kit:';
/** Version of the machine line; a reader accepts lines without `v` (older writers) as version 1. */
export const ALARM_METADATA_VERSION = 1;
/** CloudWatch's limit for AlarmDescription (PutMetricAlarm and PutCompositeAlarm). */
export const ALARM_DESCRIPTION_MAX = 1024;

/** What an SLO alarm does in its tier: a window alarm feeds a tier, a tier notifies, a suppressor mutes. */
export const SLO_ALARM_ROLES = ['window', 'tier', 'suppressor'] as const;
export type SloAlarmRole = (typeof SLO_ALARM_ROLES)[number];

/** What the value of an SLO window alarm is: an error ratio (`bad/total`) or an already computed burn rate. */
export type SloSliKind = 'errorRatio' | 'burnRate';

export interface AlarmMetadata {
  readonly severity?: Severity;
  /** Catalogue family (`lambda`, `alb`, ...), `slo`, `alert-router`, or an app's own (`sqs`). */
  readonly family?: string;
  readonly service?: string;
  /** The resource's logical id in alarms/*.yaml (`api-handler`). */
  readonly resource?: string;
  /** Catalogue id of the check (`lambda.errors`). */
  readonly catalogueId?: string;
  readonly slo?: string;
  /** Tier name (`page-1h`). */
  readonly tier?: string;
  readonly role?: SloAlarmRole;
  /** For a window alarm: which window of the tier it evaluates. */
  readonly window?: 'long' | 'short';
  /** The tier's burn-rate threshold (14.4). */
  readonly burnRate?: number;
  readonly longWindowSeconds?: number;
  readonly shortWindowSeconds?: number;
  /** The SLO's period (its real one: 28 d, 7 d, ...). */
  readonly periodSeconds?: number;
  /** Objective as a ratio (0.999). */
  readonly objective?: number;
  readonly sli?: SloSliKind;
  /** Name of the tier's long-window alarm: its metric over the period gives the budget left. */
  readonly longAlarm?: string;
  /** Runbook URL, or the runbook's words when there is no URL. */
  readonly runbook?: string;
  /** Dashboard URL, or a CloudWatch dashboard name (the reader links it in the alarm's region). */
  readonly dashboard?: string;
  /** Free labels for routing matchers (`team`, `env`, ...). */
  readonly labels: Readonly<Record<string, string>>;
  /** Set by `sre alerts drill`: a synthetic notification that proves paging works. */
  readonly drill?: boolean;
}

/** What a writer passes: the metadata without the obligation to list labels. */
export type AlarmMetadataInput = Omit<AlarmMetadata, 'labels'> & {
  readonly labels?: Readonly<Record<string, string>>;
};

/**
 * Substrings of the text or the metadata that are resolved after formatting (CDK tokens such as
 * `${Token[AWS.Region.12]}`): measured at `maxLength(match)` characters and never cut.
 */
export interface DeferredValues {
  /** Must have the global flag. */
  readonly pattern: RegExp;
  readonly maxLength: (match: string) => number;
}

export interface DescriptionOptions {
  /** Names the alarm (or its construct path) in the error when the machine line cannot fit. */
  readonly alarmName: string;
  readonly deferred?: DeferredValues;
  /** @default ALARM_DESCRIPTION_MAX */
  readonly maxLength?: number;
}

export class AlarmDescriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlarmDescriptionError';
  }
}

/** Wire order: what a person reading the console wants first. */
const NUMBER_KEYS = ['burnRate', 'objective'] as const;
const STRING_KEYS = [
  'severity',
  'family',
  'service',
  'resource',
  'catalogueId',
  'slo',
  'tier',
  'role',
  'window',
  'sli',
  'longAlarm',
  'runbook',
  'dashboard',
] as const;
const DURATION_KEYS = {
  longWindowSeconds: 'longWindow',
  shortWindowSeconds: 'shortWindow',
  periodSeconds: 'period',
} as const;

/** The order of the machine line's keys (the parser reads them by kind from the tables above). */
const WIRE_ORDER = [
  ...STRING_KEYS.slice(0, STRING_KEYS.indexOf('window') + 1),
  'burnRate',
  ...(Object.keys(DURATION_KEYS) as (keyof typeof DURATION_KEYS)[]),
  'objective',
  ...STRING_KEYS.slice(STRING_KEYS.indexOf('window') + 1),
] as const;
type WireField = (typeof WIRE_ORDER)[number];

/** The machine line for `meta` (no human text): `sre-kit:{...}`. */
export function formatAlarmMetadataLine(meta: AlarmMetadataInput): string {
  const wire: Record<string, unknown> = { v: ALARM_METADATA_VERSION };
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') wire[key] = value;
  };
  for (const field of WIRE_ORDER) {
    if (field in DURATION_KEYS) {
      const seconds = meta[field as keyof typeof DURATION_KEYS];
      put(
        DURATION_KEYS[field as keyof typeof DURATION_KEYS],
        seconds === undefined ? undefined : formatDuration(seconds),
      );
    } else put(field, meta[field as Exclude<WireField, keyof typeof DURATION_KEYS>]);
  }
  if (meta.labels && Object.keys(meta.labels).length > 0) wire.labels = meta.labels;
  if (meta.drill) wire.drill = true;
  return ALARM_METADATA_PREFIX + JSON.stringify(wire);
}

/**
 * The AlarmDescription for `text` and `meta`: the human text (shortened with `...` when needed,
 * never inside a deferred value) and the machine line, within CloudWatch's limit. Throws
 * AlarmDescriptionError naming the alarm when the machine line alone does not fit.
 */
export function formatAlarmDescription(text: string, meta: AlarmMetadataInput, options: DescriptionOptions): string {
  const max = options.maxLength ?? ALARM_DESCRIPTION_MAX;
  const line = formatAlarmMetadataLine(meta);
  const lineLength = renderedLength(line, options.deferred);
  if (lineLength > max) {
    const big = (['runbook', 'dashboard', 'longAlarm'] as const)
      .filter((k) => meta[k])
      .map((k) => `${k} ${renderedLength(String(meta[k]), options.deferred)}`);
    if (meta.labels && Object.keys(meta.labels).length > 0)
      big.push(`labels ${renderedLength(JSON.stringify(meta.labels), options.deferred)}`);
    throw new AlarmDescriptionError(
      `alarm ${options.alarmName}: its sre-kit metadata needs ${lineLength} characters but CloudWatch allows ` +
        `${max} in AlarmDescription${big.length ? ` (${big.join(', ')})` : ''}: shorten the runbook or dashboard URL or drop labels`,
    );
  }
  const human = text.trim();
  if (!human) return line;
  // One character for the line break between the two parts.
  const room = max - lineLength - 1;
  return room <= 0 ? line : `${shorten(human, room, options.deferred)}\n${line}`;
}

/** Length after deployment: deferred values count at their maximum. */
export function renderedLength(text: string, deferred?: DeferredValues): number {
  if (!deferred) return text.length;
  let length = 0;
  for (const part of splitDeferred(text, deferred))
    length += part.deferred ? deferred.maxLength(part.text) : part.text.length;
  return length;
}

function splitDeferred(text: string, deferred: DeferredValues): { text: string; deferred: boolean }[] {
  const parts: { text: string; deferred: boolean }[] = [];
  let at = 0;
  for (const m of text.matchAll(deferred.pattern)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), deferred: false });
    parts.push({ text: m[0], deferred: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), deferred: false });
  return parts;
}

const ELLIPSIS = '...';

/** The longest prefix of `text` that fits in `room` with an ellipsis; a deferred value is kept whole or dropped. */
function shorten(text: string, room: number, deferred?: DeferredValues): string {
  if (renderedLength(text, deferred) <= room) return text;
  const budget = room - ELLIPSIS.length;
  if (budget <= 0) return '';
  let out = '';
  let used = 0;
  const parts = deferred ? splitDeferred(text, deferred) : [{ text, deferred: false }];
  for (const part of parts) {
    const size = part.deferred && deferred ? deferred.maxLength(part.text) : part.text.length;
    if (used + size <= budget) {
      out += part.text;
      used += size;
      continue;
    }
    // A surrogate pair is one character to a person: never split one.
    if (!part.deferred)
      out += Array.from(part.text.slice(0, budget - used))
        .join('')
        .replace(/[\uD800-\uDBFF]$/, '');
    break;
  }
  return out.trimEnd() + ELLIPSIS;
}

export interface ParsedAlarmDescription {
  /** The human part (machine line removed). */
  readonly text: string;
  readonly metadata: AlarmMetadata;
  /** True when the description has a machine line (even one with problems). */
  readonly found: boolean;
  /** Problems of the machine line; never a reason to reject the alarm. */
  readonly warnings: string[];
}

/** Splits an AlarmDescription into its human text and metadata; problems become warnings. */
export function parseAlarmDescription(description: string | undefined | null): ParsedAlarmDescription {
  const warnings: string[] = [];
  const lines = (description ?? '').split(/\r?\n/);
  // The last machine line wins: writers append it, so anything earlier was quoted human text.
  let index = -1;
  lines.forEach((l, i) => {
    if (l.trim().startsWith(ALARM_METADATA_PREFIX + '{')) index = i;
  });
  if (index < 0) return { text: (description ?? '').trim(), metadata: { labels: {} }, found: false, warnings };
  const raw = lines[index].trim().slice(ALARM_METADATA_PREFIX.length);
  const text = lines
    .filter((_, i) => i !== index)
    .join('\n')
    .trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    warnings.push(`metadata line is not JSON: ${raw.slice(0, 80)}`);
    return { text, metadata: { labels: {} }, found: true, warnings };
  }
  if (!isRecord(parsed)) {
    warnings.push('metadata line is not a JSON object');
    return { text, metadata: { labels: {} }, found: true, warnings };
  }
  return { text, metadata: readWire(parsed, warnings), found: true, warnings };
}

function readWire(o: Record<string, unknown>, warnings: string[]): AlarmMetadata {
  if (o.v !== undefined && o.v !== ALARM_METADATA_VERSION)
    warnings.push(
      `metadata version ${String(o.v)} is newer than this reader (${ALARM_METADATA_VERSION}); reading the fields it knows`,
    );
  const str = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'string') return v;
    warnings.push(`metadata.${key} must be a string`);
    return undefined;
  };
  const num = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    warnings.push(`metadata.${key} must be a number`);
    return undefined;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const found = allowed.find((a) => a === v);
    if (!found) warnings.push(`metadata.${key} must be one of ${allowed.join(', ')}`);
    return found;
  };
  const out: Record<string, unknown> = {};
  for (const key of STRING_KEYS) out[key] = str(key);
  out.severity = oneOf('severity', SEVERITIES);
  out.role = oneOf('role', SLO_ALARM_ROLES);
  out.window = oneOf('window', ['long', 'short'] as const);
  out.sli = oneOf('sli', ['errorRatio', 'burnRate'] as const);
  for (const key of NUMBER_KEYS) out[key] = num(key);
  if (out.burnRate !== undefined && !((out.burnRate as number) > 0)) {
    warnings.push('metadata.burnRate must be positive');
    out.burnRate = undefined;
  }
  if (out.objective !== undefined && !((out.objective as number) > 0 && (out.objective as number) < 1)) {
    warnings.push('metadata.objective must be in (0, 1)');
    out.objective = undefined;
  }
  for (const [field, key] of Object.entries(DURATION_KEYS)) {
    const v = str(key);
    if (v === undefined) continue;
    const seconds = parseDuration(v);
    if (seconds === undefined) warnings.push(`metadata.${key} is not a duration like 1h or 30d: ${v}`);
    out[field] = seconds;
  }
  const labels: Record<string, string> = {};
  if (o.labels !== undefined && !isRecord(o.labels)) warnings.push('metadata.labels must be an object of strings');
  if (isRecord(o.labels)) {
    for (const [k, v] of Object.entries(o.labels)) {
      if (typeof v === 'string') labels[k] = v;
      else warnings.push(`metadata.labels.${k} must be a string`);
    }
  }
  const result: Record<string, unknown> = { labels };
  for (const [k, v] of Object.entries(out)) if (v !== undefined) result[k] = v;
  if (o.drill === true) result.drill = true;
  return result as unknown as AlarmMetadata;
}

/** Fields of `primary` win; `supplement` fills the ones it lacks; labels merge with `primary`'s winning. */
export function mergeAlarmMetadata(primary: AlarmMetadata, supplement: AlarmMetadata): AlarmMetadata {
  const merged: Record<string, unknown> = { ...supplement };
  for (const [k, v] of Object.entries(primary)) if (v !== undefined) merged[k] = v;
  merged.labels = { ...supplement.labels, ...primary.labels };
  return merged as unknown as AlarmMetadata;
}

/** Tag key per metadata field: the supplement channel (ListTagsForResource, console search, cost allocation). */
export const ALARM_METADATA_TAGS = {
  severity: 'sre-kit:severity',
  family: 'sre-kit:family',
  service: 'sre-kit:service',
  resource: 'sre-kit:resource',
  catalogueId: 'sre-kit:catalogue-id',
  slo: 'sre-kit:slo',
  tier: 'sre-kit:tier',
  burnRate: 'sre-kit:burn-rate',
  objective: 'sre-kit:objective',
  periodSeconds: 'sre-kit:period',
  longWindowSeconds: 'sre-kit:long-window',
  shortWindowSeconds: 'sre-kit:short-window',
  runbook: 'sre-kit:runbook',
} as const;

/** The tags a writer sets for `meta` (values unsanitised; the writer applies the tag value rules). */
export function alarmMetadataTags(meta: AlarmMetadataInput): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [field, key] of Object.entries(ALARM_METADATA_TAGS)) {
    const v = meta[field as keyof typeof ALARM_METADATA_TAGS];
    if (v === undefined || v === '') continue;
    tags[key] = field in DURATION_KEYS ? formatDuration(v as number) : String(v);
  }
  return tags;
}

/**
 * Metadata from alarm tags: `sre-kit:<key>` fills known fields, other tags (not `aws:`) become
 * labels. Tag values are sanitised by CloudWatch's rules (a runbook URL may have lost its `?`),
 * which is why the description wins whenever it has the field.
 */
export function alarmMetadataFromTags(tags: Readonly<Record<string, string>>): AlarmMetadata {
  const known = new Map<string, string>(Object.entries(ALARM_METADATA_TAGS).map(([field, key]) => [key, field]));
  const out: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith('aws:') || value === '') continue;
    const field = known.get(key);
    if (!field) {
      // sre-kit:team and plain team both label `team`.
      labels[key.startsWith(ALARM_METADATA_PREFIX) ? key.slice(ALARM_METADATA_PREFIX.length).replace(/-/g, '_') : key] =
        value;
      continue;
    }
    if (field === 'severity') out.severity = SEVERITIES.find((s) => s === value);
    else if (field === 'burnRate' || field === 'objective') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) continue;
      // Older writers tagged the objective as a percentage (99.9).
      out[field] = field === 'objective' && n >= 1 ? Number((n / 100).toPrecision(12)) : n;
    } else if (field in DURATION_KEYS) out[field] = parseDuration(value);
    else out[field] = value;
  }
  if (out.slo !== undefined && out.family === undefined) out.family = 'slo';
  const result: Record<string, unknown> = { labels };
  for (const [k, v] of Object.entries(out)) if (v !== undefined) result[k] = v;
  return result as unknown as AlarmMetadata;
}

/** The fields a router needs to route without guessing: a description that has them needs no tag lookup. */
export function isClassified(meta: AlarmMetadata): boolean {
  return (
    meta.drill === true || (meta.severity !== undefined && meta.family !== undefined && meta.service !== undefined)
  );
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
