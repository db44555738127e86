/**
 * `kind: AlertRouting` (apiVersion sre-kit/v1): receivers (Slack channels by
 * secret, email addresses) and an Alertmanager-style route tree with mute time
 * intervals. Webhook URLs are credentials, so the spec may only name the secret
 * that holds one; a literal URL is refused.
 */
import { type Receiver, type Route, type SlackReceiver, type TimeInterval } from '../model/alarms';
import { where, type ParseContext, type SpecDoc } from './context';
import { parseMaintenanceWindow } from './maintenance-windows';
import { isTimeZone } from './openslo';
import type { At } from './reader';
import { parseMatchers, parseWeekdays, TIME } from './routing-vocabulary';
import { suggestion } from './suggest';

const ROUTE_FIELDS = [
  'receiver',
  'matchers',
  'continue',
  'groupBy',
  'groupWait',
  'groupInterval',
  'repeatInterval',
  'muteTimeIntervals',
  'routes',
];
const EMAIL =
  /^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

function parseReceiver(at: At): Receiver | undefined {
  if (!at.expectMap(true, 'a receiver (name, slack, email, sendResolved)')) return undefined;
  at.fields(['name', 'slack', 'email', 'sendResolved']);
  const name = at.get('name').string(true, 'receiver name');
  const slack: SlackReceiver[] = [];
  const slackAt = at.get('slack');
  if (slackAt.expectSeq(false, 'a list of {channel, webhookSecret | botTokenSecret}')) {
    for (const item of slackAt.items()) {
      if (!item.expectMap(true, 'a Slack target {channel, webhookSecret | botTokenSecret}')) continue;
      item.fields(['channel', 'webhookSecret', 'botTokenSecret']);
      const channel = item.get('channel').string(true, 'channel');
      const hasWebhook = item.has('webhookSecret');
      const hasBot = item.has('botTokenSecret');
      if (hasWebhook === hasBot) {
        item.error(
          hasBot ? 'a Slack target takes webhookSecret or botTokenSecret, not both' : 'a Slack target needs a secret',
          'webhookSecret names an incoming-webhook URL secret; botTokenSecret a bot token (chat:write) secret',
        );
        continue;
      }
      const field = hasWebhook ? 'webhookSecret' : 'botTokenSecret';
      const secretAt = item.get(field);
      const secret = secretAt.string(true, field);
      if (secret !== undefined && (/^https?:\/\//i.test(secret) || /hooks\.slack\.com/i.test(secret))) {
        secretAt.error(
          `${field} holds a ${hasWebhook ? 'webhook ' : ''}URL; a spec may only name the secret that stores it`,
          'put the URL in Secrets Manager and write its name or ARN, or ssm:/path for an SSM parameter',
        );
        continue;
      }
      if (secret !== undefined && /^xox[a-z]-/i.test(secret)) {
        secretAt.error(
          `${field} holds a Slack token; a spec may only name the secret that stores it`,
          'put the token in Secrets Manager and write its name or ARN, or ssm:/path for an SSM parameter',
        );
        continue;
      }
      if (channel !== undefined && secret !== undefined) slack.push({ channel, [field]: secret });
    }
  }
  const email: string[] = [];
  const emailAt = at.get('email');
  if (emailAt.expectSeq(false, 'a list of email addresses')) {
    for (const item of emailAt.items()) {
      const address = item.string(true, 'an email address');
      if (address === undefined) continue;
      if (isEmail(address)) email.push(address);
      else item.error(`"${address}" is not an email address`, 'write name@example.com');
    }
  }
  const sendResolved = at.get('sendResolved').boolean() ?? true;
  if (name === undefined) return undefined;
  if (!slackAt.present && !emailAt.present) at.warn(`receiver "${name}" sends nowhere`, 'add slack or email targets');
  return { name, slack, email, sendResolved };
}

interface RouteRefs {
  readonly receivers: ReadonlySet<string>;
  readonly intervals: ReadonlySet<string>;
  readonly used: Set<string>;
}

function parseRoute(at: At, refs: RouteRefs, root: boolean): Route {
  const empty: Route = { matchers: {}, continue: false, muteTimeIntervals: [], routes: [] };
  if (!at.expectMap(true, 'a route')) return empty;
  at.fields(ROUTE_FIELDS);
  const receiverAt = at.get('receiver');
  const receiver = receiverAt.string(root, 'receiver (the root route needs a default receiver)');
  if (receiver !== undefined) {
    refs.used.add(receiver);
    if (!refs.receivers.has(receiver)) {
      receiverAt.error(
        `unknown receiver "${receiver}"`,
        suggestion(receiver, [...refs.receivers]) || 'declare it under receivers',
      );
    }
  }
  if (root && at.has('matchers')) at.get('matchers').error('the root route matches every alert; it takes no matchers');
  if (root && at.has('continue')) at.get('continue').error('continue has no meaning on the root route');
  const muteAt = at.get('muteTimeIntervals');
  const mute: string[] = [];
  if (muteAt.expectSeq(false, 'a list of time interval names')) {
    for (const item of muteAt.items()) {
      const name = item.string(true, 'a time interval name');
      if (name === undefined) continue;
      if (!refs.intervals.has(name)) {
        item.error(
          `unknown time interval "${name}"`,
          suggestion(name, [...refs.intervals]) || 'declare it under timeIntervals',
        );
      }
      mute.push(name);
    }
  }
  const groupByAt = at.get('groupBy');
  const groupBy = groupByAt.expectSeq()
    ? groupByAt
        .items()
        .map((i) => i.string(true, 'a label name'))
        .filter((x): x is string => !!x)
    : undefined;
  const routesAt = at.get('routes');
  const routes = routesAt.expectSeq() ? routesAt.items().map((item) => parseRoute(item, refs, false)) : [];
  const wait = at.get('groupWait').duration();
  const interval = at.get('groupInterval').duration();
  const repeat = at.get('repeatInterval').duration();
  return {
    ...(receiver !== undefined ? { receiver } : {}),
    matchers: parseMatchers(at.get('matchers')),
    continue: at.get('continue').boolean() ?? false,
    ...(groupBy ? { groupBy } : {}),
    ...(wait !== undefined ? { groupWaitSeconds: wait } : {}),
    ...(interval !== undefined ? { groupIntervalSeconds: interval } : {}),
    ...(repeat !== undefined ? { repeatIntervalSeconds: repeat } : {}),
    muteTimeIntervals: mute,
    routes,
  };
}

function parseTimeInterval(at: At): TimeInterval | undefined {
  if (!at.expectMap(true, 'a time interval (name, weekdays, times, location)')) return undefined;
  at.fields(['name', 'weekdays', 'times', 'location']);
  const name = at.get('name').string(true, 'name');
  const weekdaysAt = at.get('weekdays');
  const weekdays = parseWeekdays(weekdaysAt);
  const times: { start: string; end: string }[] = [];
  const timesAt = at.get('times');
  if (timesAt.expectSeq(false, 'a list of {start, end}')) {
    for (const item of timesAt.items()) {
      if (!item.expectMap(true, 'a {start: HH:MM, end: HH:MM} range')) continue;
      item.fields(['start', 'end']);
      const [start, end] = ['start', 'end'].map((k) => {
        const text = item.get(k).text(true);
        if (text !== undefined && !TIME.test(text))
          item.get(k).error(`bad time "${text}"`, 'write HH:MM in 24-hour time, e.g. 07:30');
        return text !== undefined && TIME.test(text) ? text : undefined;
      });
      if (start === undefined || end === undefined) continue;
      if (start >= end)
        item.get('end').error(`end ${end} is not after start ${start}`, 'split a range that crosses midnight in two');
      else times.push({ start, end });
    }
  }
  const locationAt = at.get('location');
  const location = locationAt.string() ?? 'UTC';
  if (!isTimeZone(location))
    locationAt.error(`unknown time zone "${location}"`, 'use an IANA name such as Europe/Berlin');
  if (!weekdaysAt.present && !timesAt.present) at.error('a time interval needs weekdays or times');
  return name === undefined ? undefined : { name, weekdays, times, location };
}

/** Names declared in a list, with duplicates reported at the second one. */
export function uniqueByName<T extends { name: string }>(
  items: readonly At[],
  parse: (at: At) => T | undefined,
  what: string,
): T[] {
  const out: T[] = [];
  const first = new Map<string, At>();
  for (const item of items) {
    const parsed = parse(item);
    if (!parsed) continue;
    const earlier = first.get(parsed.name);
    if (earlier) {
      item
        .get('name')
        .error(`duplicate ${what} name "${parsed.name}"`, `first defined at ${where(earlier.location())}`);
      continue;
    }
    first.set(parsed.name, item.get('name'));
    out.push(parsed);
  }
  return out;
}

export function parseAlertRouting(doc: SpecDoc, ctx: ParseContext): void {
  const spec = doc.root.get('spec');
  if (!spec.expectMap(true, 'spec')) return;
  spec.fields(['receivers', 'route', 'timeIntervals', 'maintenanceWindows']);
  const receiversAt = spec.get('receivers');
  const receivers = receiversAt.expectSeq(true, 'receivers')
    ? uniqueByName(receiversAt.items(), parseReceiver, 'receiver')
    : [];
  const intervalsAt = spec.get('timeIntervals');
  const timeIntervals = intervalsAt.expectSeq()
    ? uniqueByName(intervalsAt.items(), parseTimeInterval, 'time interval')
    : [];
  const refs: RouteRefs = {
    receivers: new Set(receivers.map((r) => r.name)),
    intervals: new Set(timeIntervals.map((t) => t.name)),
    used: new Set(),
  };
  const route = parseRoute(spec.get('route'), refs, true);
  const windowsAt = spec.get('maintenanceWindows');
  const maintenanceWindows = windowsAt.expectSeq(false, 'a list of maintenance windows')
    ? uniqueByName(windowsAt.items(), (item) => parseMaintenanceWindow(item, ctx), 'maintenance window')
    : [];
  for (const item of receiversAt.items()) {
    const name = item.get('name').peek();
    if (typeof name === 'string' && refs.receivers.has(name) && !refs.used.has(name)) {
      item.get('name').warn(`receiver "${name}" is not used by any route`);
    }
  }
  ctx.routings.push({
    name: doc.name,
    receivers,
    route,
    timeIntervals,
    ...(windowsAt.present ? { maintenanceWindows } : {}),
    location: doc.nameAt.location(),
  });
}
