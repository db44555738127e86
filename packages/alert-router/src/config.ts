/**
 * The routing the Lambda runs with: AlertRouting as JSON (the AlertRouter
 * construct writes `routing.json` next to the bundled handler after the spec
 * parser in @sre-kit/core has validated the YAML). Checked again here because
 * a hand-edited file must fail with a message, not a TypeError at 3 a.m.
 */
import { readFileSync } from 'node:fs';
import {
  WINDOW_CATEGORIES,
  type AlertRouting,
  type MaintenanceWindow,
  type Receiver,
  type Route,
  type SlackReceiver,
  type WindowSchedule,
} from '@sre-kit/core';
import { isRecord } from './events/metadata';

export function parseRoutingJson(text: string, file: string): AlertRouting {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  if (!isRecord(raw)) throw new Error(`${file}: expected an AlertRouting object`);
  const receivers = Array.isArray(raw.receivers) ? raw.receivers.filter(isRecord) : [];
  if (receivers.length === 0) problems.push('receivers: at least one receiver is required');
  if (!isRecord(raw.route)) problems.push('route: required');
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    name: typeof raw.name === 'string' ? raw.name : file,
    receivers: receivers.map((r): Receiver => ({
      name: String(r.name),
      slack: (Array.isArray(r.slack) ? r.slack.filter(isRecord) : []).map((s, i) =>
        readSlackTarget(s, `${file}: receiver ${String(r.name)} slack[${i}]`),
      ),
      email: strings(r.email),
      sendResolved: r.sendResolved === true,
    })),
    route: readRoute(raw.route as Record<string, unknown>),
    timeIntervals: (Array.isArray(raw.timeIntervals) ? raw.timeIntervals.filter(isRecord) : []).map((t) => ({
      name: String(t.name),
      weekdays: strings(t.weekdays),
      times: (Array.isArray(t.times) ? t.times.filter(isRecord) : []).map((x) => ({
        start: String(x.start),
        end: String(x.end),
      })),
      location: typeof t.location === 'string' ? t.location : 'UTC',
    })),
    ...(Array.isArray(raw.maintenanceWindows)
      ? {
          maintenanceWindows: raw.maintenanceWindows.map((w, i) => readWindow(w, `${file}: maintenanceWindows[${i}]`)),
        }
      : {}),
    location: { file, line: 1, col: 1, path: '' },
  };
}

/**
 * A window as the construct wrote it (core's model, times already instants). A wrong one throws:
 * a window that silently never opens would page through planned work.
 */
function readWindow(w: unknown, where: string): MaintenanceWindow {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!isRecord(w)) return fail('expected an object');
  const text = (key: string): string =>
    typeof w[key] === 'string' && w[key] !== '' ? (w[key] as string) : fail(`${key}: expected a string`);
  const category = text('category');
  if (!(WINDOW_CATEGORIES as readonly string[]).includes(category))
    fail(`category: expected one of ${WINDOW_CATEGORIES.join(', ')}`);
  const matchers: Record<string, string> = {};
  if (w.matchers !== undefined && !isRecord(w.matchers)) fail('matchers: expected an object');
  for (const [k, v] of Object.entries(isRecord(w.matchers) ? w.matchers : {})) matchers[k] = String(v);
  const s = isRecord(w.schedule) ? w.schedule : fail('schedule: expected an object');
  let schedule: WindowSchedule;
  if (s.kind === 'once') {
    const [start, end] = [s.start, s.end].map((x) =>
      typeof x === 'string' && !Number.isNaN(Date.parse(x)) ? x : fail('schedule: start and end must be ISO times'),
    );
    schedule = { kind: 'once', start, end };
  } else if (s.kind === 'recurring') {
    if (typeof s.start !== 'string' || !/^\d{2}:\d{2}$/.test(s.start)) fail('schedule.start: expected HH:MM');
    if (typeof s.durationSeconds !== 'number' || !(s.durationSeconds > 0))
      fail('schedule.durationSeconds: expected a positive number');
    schedule = {
      kind: 'recurring',
      weekdays: Array.isArray(s.weekdays) ? s.weekdays.map(String) : [],
      start: s.start as string,
      durationSeconds: s.durationSeconds as number,
      location: typeof s.location === 'string' ? s.location : 'UTC',
    };
  } else return fail('schedule.kind: expected once or recurring');
  return {
    name: text('name'),
    category: category as MaintenanceWindow['category'],
    reason: text('reason'),
    matchers,
    schedule,
    excludeFromReview: w.excludeFromReview !== false,
  };
}

function readSlackTarget(s: Record<string, unknown>, where: string): SlackReceiver {
  const webhook = typeof s.webhookSecret === 'string' ? s.webhookSecret : undefined;
  const bot = typeof s.botTokenSecret === 'string' ? s.botTokenSecret : undefined;
  // Both or neither would silently pick a delivery path nobody chose.
  if ((webhook === undefined) === (bot === undefined))
    throw new Error(`${where}: needs exactly one of webhookSecret or botTokenSecret`);
  return webhook !== undefined
    ? { channel: String(s.channel), webhookSecret: webhook }
    : { channel: String(s.channel), botTokenSecret: bot };
}

function readRoute(r: Record<string, unknown>): Route {
  const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const matchers: Record<string, string> = {};
  if (isRecord(r.matchers)) for (const [k, v] of Object.entries(r.matchers)) matchers[k] = String(v);
  return {
    receiver: typeof r.receiver === 'string' ? r.receiver : undefined,
    matchers,
    continue: r.continue === true,
    groupBy: Array.isArray(r.groupBy) ? r.groupBy.map(String) : undefined,
    groupWaitSeconds: n(r.groupWaitSeconds),
    groupIntervalSeconds: n(r.groupIntervalSeconds),
    repeatIntervalSeconds: n(r.repeatIntervalSeconds),
    muteTimeIntervals: Array.isArray(r.muteTimeIntervals) ? r.muteTimeIntervals.map(String) : [],
    routes: Array.isArray(r.routes) ? r.routes.filter(isRecord).map(readRoute) : [],
  };
}

export function loadRoutingFile(file: string): AlertRouting {
  return parseRoutingJson(readFileSync(file, 'utf8'), file);
}
