/**
 * The routing the Lambda runs with: AlertRouting as JSON (the AlertRouter
 * construct writes `routing.json` next to the bundled handler after the spec
 * parser in @sre-kit/core has validated the YAML). Checked again here because
 * a hand-edited file must fail with a message, not a TypeError at 3 a.m.
 */
import { readFileSync } from 'node:fs';
import type { AlertRouting, Receiver, Route, SlackReceiver } from '@sre-kit/core';
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
    location: { file, line: 1, col: 1, path: '' },
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
