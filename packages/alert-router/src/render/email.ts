/** Plain-text email (via an SNS topic with email subscriptions), from the same view as Slack. */
import type { AlarmEvent } from '../events/types';
import { headline, type RenderOptions } from './slack';
import { alarmView, burnLines, latestPerAlarm, type AlarmView } from './view';

export interface EmailMessage {
  /** SNS Subject: ASCII, no line breaks, under 100 characters. */
  readonly subject: string;
  readonly body: string;
}

export function renderEmail(events: readonly AlarmEvent[], options: RenderOptions = {}): EmailMessage {
  const views = latestPerAlarm(events).map(alarmView);
  const first = views[0];
  const subjectText =
    views.length === 1
      ? headline(first, options).replace(/^\S+ /, '')
      : `${views.length} alarms: ${views.map((v) => v.title).join(', ')}`;
  const body = views.map((v) => viewText(v, options)).join(`\n${'-'.repeat(60)}\n\n`);
  return { subject: emailSubject(`[${first.severity}] ${subjectText}`), body };
}

function viewText(v: AlarmView, options: RenderOptions): string {
  const lines: string[] = [headline(v, options).replace(/^\S+ /, ''), ''];
  if (v.event.drill) lines.push('THIS IS A DRILL sent by `sre alerts drill`: confirm it arrived, no other action.', '');
  if (options.reminderSince) lines.push(`Reminder: still firing since ${options.reminderSince}.`, '');
  if (v.event.description) lines.push(v.event.description, '');
  const width = Math.max(...v.facts.map(([label]) => label.length));
  for (const [label, value] of v.facts) lines.push(`${label.padEnd(width)}  ${value}`);
  if (v.event.reason) lines.push('', 'Reason:', v.event.reason);
  if (v.burn) lines.push('', 'Error budget:', ...burnLines(v.burn).map((l) => `  ${l}`));
  if (v.children.length > 0)
    lines.push('', 'Triggering children:', ...v.children.map((c) => `  - ${c.name}: ${c.state}`));
  lines.push('', `CloudWatch: ${v.consoleUrl}`);
  if (v.runbookUrl) lines.push(`Runbook:    ${v.runbookUrl}`);
  if (v.dashboardUrl) lines.push(`Dashboard:  ${v.dashboardUrl}`);
  return `${lines.join('\n')}\n`;
}

/** SNS rejects non-ASCII and control characters in Subject and caps it at 100 characters. */
export function emailSubject(text: string): string {
  const ascii = text
    .replace(/→/g, '->')
    .replace(/·/g, '-')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length <= 99 ? ascii : `${ascii.slice(0, 96)}...`;
}
