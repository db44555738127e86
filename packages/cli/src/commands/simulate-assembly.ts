/** `sre simulate --assembly <cdk.out> --slo <name>`: the synthesized alarms of one SLO over a scenario. */
import type { Command } from 'commander';
import {
  AlarmSimulationError,
  formatDuration,
  simulateAlarms,
  type AlarmSimulationResult,
  type AlarmTransition,
  type Scenario,
} from '@sre-kit/core';
import { AssemblyError, readAssemblyAlarms, sloAlarms } from '../assembly/alarms';
import { deliverNotifications, type DeliveryResult } from '../assembly/deliver';
import { exitWith } from '../review/fail';
import { parseTime } from '../review/time';
import { loadRouting } from './alerts';

export interface AssemblyOptions {
  assembly: string;
  slo?: string[];
  at?: string;
  rpm: string;
  duration?: string;
  seed?: string;
  account?: string;
  region?: string;
  deliver?: boolean;
  config?: string;
  routing?: string;
  slackUrl?: string;
  json?: boolean;
}

export const ASSEMBLY_JSON_VERSION = 1;

function offset(seconds: number): string {
  if (seconds === 0) return '+0s';
  return `${seconds < 0 ? '-' : '+'}${formatDuration(Math.abs(seconds))}`;
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');

function actionWords(t: AlarmTransition, incidentStart: number): string {
  switch (t.actions) {
    case 'notified':
      return 'notifies';
    case 'delayed':
      return `held by the suppressor, notifies at ${offset(t.actionsAt! - incidentStart)}`;
    case 'held':
      return 'held by the suppressor';
    case 'suppressed':
      return 'suppressed';
    default:
      return '';
  }
}

function toText(slo: string, assembly: string, result: AlarmSimulationResult, delivery?: DeliveryResult): string {
  const lines = [
    `== ${slo}: ${result.alarms.length} alarm(s) from ${assembly}, scenario ${result.scenario}, incident at ${iso(result.incidentStart)}`,
    '',
    'state changes (time, from incident start, alarm, change, actions):',
  ];
  for (const t of result.transitions) {
    const actions = actionWords(t, result.incidentStart);
    lines.push(
      `  ${iso(t.at)}  ${offset(t.offsetSeconds).padStart(7)}  ${t.alarm}  ${t.from} -> ${t.to}${actions ? `  [${actions}]` : ''}`,
    );
  }
  if (result.transitions.length === 0) lines.push('  (none: every alarm stayed OK)');
  lines.push('', 'notifications CloudWatch sends:');
  for (const n of result.notifications)
    lines.push(
      `  ${iso(n.at)}  ${offset(n.offsetSeconds).padStart(7)}  ${n.alarm}  ${n.state}${n.releasedBy ? ` (released at the end of the ${n.releasedBy})` : ''} -> ${n.actions.join(', ')}`,
    );
  if (result.notifications.length === 0) lines.push('  (none)');
  if (delivery) {
    lines.push('', 'alert router:');
    for (const d of delivery.deliveries)
      for (const o of d.outcomes) {
        const who = `${o.alarmName ?? o.eventId} ${o.state ?? ''}`.trim();
        const to = o.receiver ? ` -> ${o.receiver}${o.target ? `/${o.target}` : ''}` : '';
        lines.push(
          `  ${iso(d.at)}  ${d.source === 'notification' ? '' : `(${d.source}) `}${who}${to}: ${o.status}${o.detail ? ` (${o.detail})` : ''}`,
        );
      }
    for (const s of delivery.skippedActions)
      lines.push(`  ${s.alarm}: action ${s.action} is not an SNS topic; not simulated`);
    lines.push(`${delivery.ok ? 'ok' : 'FAILED'}: ${delivery.messagesSent} message(s) sent`);
  }
  return `${lines.join('\n')}\n`;
}

export async function simulateAssembly(scenario: Scenario, opts: AssemblyOptions, cmd: Command): Promise<void> {
  if (!opts.slo || opts.slo.length !== 1) exitWith('sre simulate: --assembly needs exactly one --slo <name>');
  const slo = opts.slo[0];
  const rpm = Number(opts.rpm);
  if (!(rpm > 0)) exitWith(`sre simulate: --rpm "${opts.rpm}" is not a positive number`);
  const now = Math.floor(Date.now() / 60_000) * 60;
  const at = opts.at === undefined ? now : parseTime(opts.at, now);
  if (at === undefined) exitWith(`sre simulate: --at "${opts.at}" is not a time (ISO 8601, epoch seconds or now)`);
  if (opts.deliver && !opts.config) exitWith('sre simulate: --deliver needs --config <routing.yaml>');
  const routing = opts.deliver ? await loadRouting(opts.config!, opts.routing, cmd) : undefined;

  let alarms;
  let result: AlarmSimulationResult;
  try {
    alarms = sloAlarms(readAssemblyAlarms(opts.assembly, { account: opts.account, region: opts.region }), slo);
    result = simulateAlarms(
      scenario,
      alarms.map((a) => a.alarm),
      {
        incidentStartEpochSeconds: at,
        requestsPerMinute: rpm,
        durationSeconds: opts.duration === undefined ? undefined : Number(opts.duration),
        noiseSeed: opts.seed === undefined ? undefined : Number(opts.seed),
      },
    );
  } catch (err) {
    if (err instanceof AssemblyError || err instanceof AlarmSimulationError) {
      const origin =
        err instanceof AlarmSimulationError ? alarms?.find((a) => a.alarm.name === err.alarm)?.alarm.origin : undefined;
      exitWith(`sre simulate: ${origin ? `${origin}: ` : ''}${err.message} (${err.hint})`);
    }
    throw err;
  }
  const delivery = routing
    ? await deliverNotifications(result, alarms, { routing, slackUrl: opts.slackUrl })
    : undefined;
  process.stdout.write(
    opts.json
      ? `${JSON.stringify({ version: ASSEMBLY_JSON_VERSION, slo, assembly: opts.assembly, ...result, ...(delivery ? { delivery } : {}) }, null, 2)}\n`
      : toText(slo, opts.assembly, result, delivery),
  );
  if (delivery && !delivery.ok) exitWith('sre simulate: some notifications failed to deliver');
}
