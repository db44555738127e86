/**
 * An `alertmanager.yml` from a `kind: AlertRouting` spec: the same route tree
 * (matchers, group_by, timings, continue, mute time intervals) and the same
 * receivers (Slack through `api_url_file`, so the webhook URL stays a secret
 * outside the configuration; email through the global SMTP settings).
 *
 * The router (@sre-kit/alert-router) matches on the labels of a CloudWatch
 * alarm; Alertmanager matches on the labels of a Prometheus alert. The names
 * differ in one place only: the router's `alarm`/`alarmName` is Prometheus'
 * `alertname`. Every other router label (severity, service, slo, family, and
 * free labels) is a label of the same name on the rules `sre render
 * prometheus` writes, so one spec routes both engines the same way.
 */
import { posix } from 'node:path';
import { stringify } from 'yaml';
import type { AlertRouting, Receiver, Route, TimeInterval } from '../model/alarms';
import { promDuration } from '../prometheus/promql';

/** Router label names that Prometheus alerts spell differently. */
const PROMETHEUS_LABEL: Readonly<Record<string, string>> = { alarm: 'alertname', alarmName: 'alertname' };

/** The Prometheus alert label that carries what the router calls `label`. */
export function prometheusLabelName(label: string): string {
  return PROMETHEUS_LABEL[label] ?? label;
}

/** A router label set (as `eventLabels` builds it) as the labels a Prometheus alert would carry. */
export function toPrometheusLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) out[prometheusLabelName(name)] = value;
  return out;
}

export interface AlertmanagerRenderOptions {
  /**
   * Folder holding one file per Slack webhook secret, at the secret's name (`goodgreets/slack/page`
   * becomes `<dir>/goodgreets/slack/page`); each file holds the webhook URL. Default
   * `/etc/alertmanager/secrets`.
   */
  readonly secretsDir?: string;
  /** SMTP relay for email receivers (`host:port`); default `localhost:25`. */
  readonly smtpSmarthost?: string;
  /** Sender address for email receivers; default `alertmanager@localhost`. */
  readonly smtpFrom?: string;
}

/** Go's strconv.Quote accepts JSON string syntax for everything a label value can hold. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** One router matcher (`v`, `~re`, `!v`, `!~re`) in Alertmanager's matcher syntax. */
export function alertmanagerMatcher(label: string, spec: string): string {
  const negate = spec.startsWith('!');
  const body = negate ? spec.slice(1) : spec;
  const regex = body.startsWith('~');
  const operator = `${negate ? '!' : '='}${regex ? '~' : negate ? '=' : ''}`;
  return `${prometheusLabelName(label)}${operator}${quote(regex ? body.slice(1) : body)}`;
}

interface AmRoute {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  routes?: AmRoute[];
}

/** The router's defaults where they differ from Alertmanager's; see ROUTE_DEFAULTS in @sre-kit/alert-router. */
const ROOT_DEFAULTS = { groupBy: ['alarmName'], groupWaitSeconds: 0, repeatIntervalSeconds: 4 * 3600 };

function renderRoute(route: Route, root: boolean): AmRoute {
  const out: AmRoute = {};
  if (route.receiver !== undefined) out.receiver = route.receiver;
  const matchers = Object.entries(route.matchers).map(([label, spec]) => alertmanagerMatcher(label, spec));
  if (matchers.length > 0) out.matchers = matchers;
  if (route.continue) out.continue = true;
  const groupBy = route.groupBy ?? (root ? ROOT_DEFAULTS.groupBy : undefined);
  if (groupBy) out.group_by = [...new Set(groupBy.map(prometheusLabelName))];
  const wait = route.groupWaitSeconds ?? (root ? ROOT_DEFAULTS.groupWaitSeconds : undefined);
  if (wait !== undefined) out.group_wait = wait === 0 ? '0s' : promDuration(wait);
  // Alertmanager refuses a zero group_interval (the router's "send every change at once"); its
  // smallest honest equivalent is left to its default rather than invented here.
  if (route.groupIntervalSeconds) out.group_interval = promDuration(route.groupIntervalSeconds);
  const repeat = route.repeatIntervalSeconds ?? (root ? ROOT_DEFAULTS.repeatIntervalSeconds : undefined);
  if (repeat) out.repeat_interval = promDuration(repeat);
  if (route.muteTimeIntervals.length > 0) out.mute_time_intervals = [...route.muteTimeIntervals];
  if (route.routes.length > 0) out.routes = route.routes.map((r) => renderRoute(r, false));
  return out;
}

function renderReceiver(receiver: Receiver, secretsDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: receiver.name };
  if (receiver.slack.length > 0) {
    out.slack_configs = receiver.slack.map((s) =>
      s.webhookSecret !== undefined
        ? {
            api_url_file: secretFile(secretsDir, s.webhookSecret),
            channel: s.channel,
            send_resolved: receiver.sendResolved,
          }
        : {
            // Alertmanager posts to chat.postMessage with the bot token as bearer credentials; it neither
            // threads nor edits (that is the router's job), but the channel still hears every alert.
            api_url: 'https://slack.com/api/chat.postMessage',
            http_config: { authorization: { credentials_file: secretFile(secretsDir, s.botTokenSecret ?? '') } },
            channel: s.channel,
            send_resolved: receiver.sendResolved,
          },
    );
  }
  if (receiver.email.length > 0) {
    out.email_configs = receiver.email.map((to) => ({ to, send_resolved: receiver.sendResolved }));
  }
  return out;
}

/** Where the webhook URL of a secret is read from; ARNs and `ssm:/path` names become plain relative paths. */
export function secretFile(secretsDir: string, secret: string): string {
  const name = secret
    .replace(/^arn:aws:secretsmanager:[^:]*:[^:]*:secret:/, '')
    .replace(/^ssm:\/*/, '')
    .split('/')
    .filter((part) => part !== '' && part !== '.' && part !== '..')
    .join('/');
  return posix.join(secretsDir, name);
}

/** Alertmanager's week runs sunday..saturday and refuses a range that wraps; the router wraps. */
const AM_WEEK = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function weekdayRanges(spec: string): string[] {
  const [from, to] = spec.toLowerCase().split(':');
  if (to === undefined || AM_WEEK.indexOf(from) <= AM_WEEK.indexOf(to)) return [spec.toLowerCase()];
  const range = (a: string, b: string): string => (a === b ? a : `${a}:${b}`);
  return [range('sunday', to), range(from, 'saturday')];
}

function renderTimeInterval(t: TimeInterval): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (t.weekdays.length > 0) entry.weekdays = t.weekdays.flatMap(weekdayRanges);
  if (t.times.length > 0) entry.times = t.times.map((r) => ({ start_time: r.start, end_time: r.end }));
  entry.location = t.location;
  return { name: t.name, time_intervals: [entry] };
}

/** The `alertmanager.yml` text for one routing spec. */
export function renderAlertmanagerConfig(routing: AlertRouting, options: AlertmanagerRenderOptions = {}): string {
  const secretsDir = options.secretsDir ?? '/etc/alertmanager/secrets';
  const usesEmail = routing.receivers.some((r) => r.email.length > 0);
  const config: Record<string, unknown> = {};
  if (usesEmail) {
    config.global = {
      smtp_smarthost: options.smtpSmarthost ?? 'localhost:25',
      smtp_from: options.smtpFrom ?? 'alertmanager@localhost',
      smtp_require_tls: false,
    };
  }
  config.route = renderRoute(routing.route, true);
  config.receivers = routing.receivers.map((r) => renderReceiver(r, secretsDir));
  if (routing.timeIntervals.length > 0) config.time_intervals = routing.timeIntervals.map(renderTimeInterval);
  const header =
    `# Generated by sre-kit from ${posix.basename(routing.location.file)} (AlertRouting ${routing.name}).\n` +
    `# Do not edit; regenerate with: sre render alertmanager --out <file> ${posix.basename(routing.location.file)}\n`;
  return header + stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}
