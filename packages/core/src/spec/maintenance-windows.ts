/**
 * `spec.maintenanceWindows` of an AlertRouting: planned work that mutes the
 * alarms it matches and, unless told otherwise, leaves the error budget of
 * the SLOs it matches in reviews. Windows live in the routing because the
 * routing is the one file the router Lambda ships (routing.json); the review
 * reads them from the same spec set.
 *
 *   - name: db-patching
 *     category: maintenance          # maintenance | deployment | dependency
 *     reason: RDS minor-version patching (CHG-1234)
 *     matchers: { service: goodgreets-api }
 *     recurring: { weekdays: [sunday], start: '03:00', duration: 1h, location: Europe/Berlin }
 *   - name: dns-cutover
 *     category: dependency
 *     reason: Registrar move
 *     once: { start: '2026-12-12T22:00', end: '2026-12-13T01:30', location: Europe/Berlin }
 */
import { WINDOW_CATEGORIES, type MaintenanceWindow, type Matchers, type WindowSchedule } from '../model/alarms';
import { compileMatcher } from '../matchers';
import { SLO_WIDE_LABELS } from '../maintenance/windows';
import { instantOf } from '../maintenance/zone';
import { formatDuration } from '../duration';
import type { ParseContext } from './context';
import { isTimeZone } from './openslo';
import type { At } from './reader';
import { parseMatchers, parseWeekdays, TIME } from './routing-vocabulary';
import { suggestion } from './suggest';

const WEEK_SECONDS = 7 * 86400;
/** `2026-12-12T22:00`, optional seconds, optional `Z` / `+01:00` / `+0100`. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/;
/** Labels only single alarms have: a window matching on them cannot say which SLOs a review excludes it from. */
const ALARM_ONLY_LABELS = ['alarmName', 'alarm', 'state', 'severity', 'tier', 'region', 'accountId', 'kind', 'drill'];

function parseLocation(at: At, fallback: string | undefined): string | undefined {
  const location = at.string() ?? fallback;
  if (location !== undefined && !isTimeZone(location)) {
    at.error(`unknown time zone "${location}"`, 'use an IANA name such as Europe/Berlin');
    return undefined;
  }
  return location;
}

/** An instant (ISO with offset) or a wall-clock time in `location`, as epoch ms. */
function parseDateTime(at: At, location: string | undefined, locationGiven: boolean): number | undefined {
  const text = at.text(true);
  if (text === undefined) return undefined;
  const m = DATE_TIME.exec(text);
  const [year, month, day, hour, minute] = (m ?? []).slice(1, 6).map(Number);
  if (!m || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) {
    at.error(`bad date-time "${text}"`, "write '2026-12-12T22:00' (local to location) or '2026-12-12T21:00:00Z'");
    return undefined;
  }
  if (m[7] !== undefined) {
    const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7]}`);
    if (Number.isNaN(ms)) at.error(`bad date-time "${text}"`, 'check the day of the month');
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (!locationGiven) {
    at.error(
      `"${text}" has no UTC offset and the window no location`,
      'add location: Europe/Berlin (or another IANA zone), or write Z / +01:00 after the time',
    );
    return undefined;
  }
  if (location === undefined) return undefined;
  const wall = { year, month, day, hour, minute };
  const { at: ms, exists } = instantOf(wall, location);
  const back = new Date(Date.UTC(year, month - 1, day));
  if (back.getUTCDate() !== day) {
    at.error(`bad date-time "${text}": ${m[1]}-${m[2]} has no day ${day}`);
    return undefined;
  }
  if (!exists) {
    at.error(
      `${text} does not exist in ${location} (the clocks skip it)`,
      'pick a time outside the daylight-saving change, or write the instant with its offset',
    );
    return undefined;
  }
  return ms;
}

function parseOnce(at: At): WindowSchedule | undefined {
  if (!at.expectMap(true, 'a one-off window {start, end, location}')) return undefined;
  at.fields(['start', 'end', 'location']);
  const location = parseLocation(at.get('location'), undefined);
  const given = at.has('location');
  const start = parseDateTime(at.get('start'), location, given);
  const end = parseDateTime(at.get('end'), location, given);
  if (start === undefined || end === undefined) return undefined;
  if (end <= start) {
    at.get('end').error(
      `end ${new Date(end).toISOString()} is not after start ${new Date(start).toISOString()}`,
      'a window ends after it starts',
    );
    return undefined;
  }
  return { kind: 'once', start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

function parseRecurring(at: At): WindowSchedule | undefined {
  if (!at.expectMap(true, 'a recurring window {weekdays, start, duration, location}')) return undefined;
  at.fields(['weekdays', 'start', 'duration', 'location']);
  const weekdays = parseWeekdays(at.get('weekdays'));
  const startAt = at.get('start');
  const start = startAt.text(true);
  if (start !== undefined && (!TIME.test(start) || start === '24:00'))
    startAt.error(`bad time "${start}"`, 'write HH:MM in 24-hour time, e.g. 03:00');
  const durationAt = at.get('duration');
  const duration = durationAt.duration(true);
  const daily = !at.has('weekdays');
  if (duration !== undefined && duration > (daily ? 86400 : WEEK_SECONDS)) {
    durationAt.error(
      `a ${daily ? 'daily' : 'weekly'} window of ${formatDuration(duration)} overlaps its next opening`,
      daily ? 'list the weekdays it starts on, or use at most 1d' : 'use at most 7d',
    );
  }
  const location = parseLocation(at.get('location'), 'UTC');
  if (start === undefined || !TIME.test(start) || start === '24:00' || duration === undefined) return undefined;
  if (location === undefined || duration > (daily ? 86400 : WEEK_SECONDS)) return undefined;
  return { kind: 'recurring', weekdays, start, durationSeconds: duration, location };
}

function checkScope(at: At, matchers: Matchers, excludeFromReview: boolean, ctx: ParseContext): void {
  if (!at.has('matchers'))
    at.warn(
      'this window covers every alarm and every SLO',
      'add matchers (service, slo, family, ...) unless all of them really pause',
    );
  if (excludeFromReview) {
    for (const label of Object.keys(matchers).filter((l) => ALARM_ONLY_LABELS.includes(l))) {
      at.get('matchers')
        .keyAt(label)
        .error(
          `excludeFromReview covers whole SLOs, but "${label}" is a label of single alarms`,
          `match on ${SLO_WIDE_LABELS.join(', ')} or an SLO label, or set excludeFromReview: false`,
        );
    }
  }
  const family = matchers.family;
  if (excludeFromReview && family !== undefined && !compileMatcher('family', family)({ family: 'slo' }))
    at.get('matchers')
      .get('family')
      .warn(
        `family "${family}" never matches an SLO (their family is slo): excludeFromReview has nothing to leave out`,
        'set excludeFromReview: false to say the window only mutes alarms',
      );
  // Only when the set has SLOs: `sre validate alarms/routing.yaml` alone cannot know them.
  if (ctx.slos.length === 0) return;
  for (const [label, field] of [
    ['slo', 'name'],
    ['service', 'service'],
  ] as const) {
    const value = matchers[label];
    if (value === undefined || /^[!~]/.test(value)) continue;
    const known = [...new Set(ctx.slos.map((s) => s[field]))];
    if (!known.includes(value))
      at.get('matchers')
        .get(label)
        .warn(
          `no SLO has ${label} "${value}" in these specs; the window mutes alarms only`,
          suggestion(value, known) || `known: ${known.join(', ')}`,
        );
  }
}

export function parseMaintenanceWindow(at: At, ctx: ParseContext): MaintenanceWindow | undefined {
  if (!at.expectMap(true, 'a maintenance window (name, category, reason, matchers, once | recurring)'))
    return undefined;
  at.fields(['name', 'category', 'reason', 'matchers', 'once', 'recurring', 'excludeFromReview']);
  const name = at.get('name').string(true, 'name');
  const categoryAt = at.get('category');
  const category = categoryAt.string() ?? 'maintenance';
  if (!(WINDOW_CATEGORIES as readonly string[]).includes(category))
    categoryAt.error(`unknown category "${category}"`, suggestion(category, WINDOW_CATEGORIES));
  const reasonAt = at.get('reason');
  const reason = reasonAt.string(true, 'reason (why the window exists: a change, a ticket)');
  if (reason !== undefined && reason.trim() === '')
    reasonAt.error('empty reason', 'say why: the change or ticket the window is for');
  const matchers = at.has('matchers') ? parseMatchers(at.get('matchers')) : {};
  const excludeFromReview = at.get('excludeFromReview').boolean() ?? true;
  checkScope(at, matchers, excludeFromReview, ctx);
  let schedule: WindowSchedule | undefined;
  if (at.has('once') === at.has('recurring')) {
    at.error(
      at.has('once') ? 'a window is once or recurring, not both' : 'a window needs once or recurring',
      "once: {start, end, location} for a single window; recurring: {weekdays, start: 'HH:MM', duration, location}",
    );
  } else schedule = at.has('once') ? parseOnce(at.get('once')) : parseRecurring(at.get('recurring'));
  if (name === undefined || reason === undefined || schedule === undefined) return undefined;
  if (!(WINDOW_CATEGORIES as readonly string[]).includes(category) || reason.trim() === '') return undefined;
  return {
    name,
    category: category as MaintenanceWindow['category'],
    reason,
    matchers,
    schedule,
    excludeFromReview,
  };
}
