/**
 * Block Kit messages for one notification (one or more alarm events to one
 * receiver). A single alarm gets the full layout; a group gets a compact entry
 * per alarm and an overflow line when the 50-block limit is reached.
 */
import type { AlarmEvent } from '../events/types';
import { escapeMrkdwn, SLACK_LIMITS, truncate } from './limits';
import { alarmView, burnLines, latestPerAlarm, type AlarmView } from './view';

export interface SlackBlock {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: SlackBlock[];
}

export interface RenderOptions {
  /** Set for repeat reminders: the alarm is still firing since this ISO time. */
  readonly reminderSince?: string;
}

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText) => ({
  type: 'mrkdwn',
  text: truncate(text, max),
});
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true },
});
const context = (texts: string[]): SlackBlock => ({
  type: 'context',
  elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(t)),
});

export function renderSlack(events: readonly AlarmEvent[], options: RenderOptions = {}): SlackMessage {
  if (events.length === 0) throw new Error('renderSlack needs at least one event');
  const views = latestPerAlarm(events).map(alarmView);
  const blocks = views.length === 1 ? fullBlocks(views[0], options) : groupBlocks(views, options);
  // The top-level text is parsed as mrkdwn (notifications, screen readers): escape it like any user text.
  return {
    text: truncate(escapeMrkdwn(fallbackText(views, options)), SLACK_LIMITS.fallbackText),
    blocks: fitBlocks(blocks),
  };
}

/** A thread's root message: the Block Kit of every member in its latest state inside one coloured bar. */
export interface SlackRootMessage {
  readonly text: string;
  readonly attachments: readonly [{ readonly color: string; readonly blocks: SlackBlock[] }];
}

/** Slack's own palette: red while anything fires, green once every member is OK, yellow otherwise. */
export const THREAD_COLORS = { firing: '#e01e5a', resolved: '#2eb67d', other: '#ecb22e' } as const;

/**
 * The root of an alert group's thread, re-rendered from the members' latest states on every change
 * (chat.update replaces the whole message), so a member's line changes in place and the bar turns
 * green when the whole group has resolved.
 */
export function renderThreadRoot(members: readonly AlarmEvent[]): SlackRootMessage {
  const message = renderSlack(members);
  const states = latestPerAlarm(members).map((e) => e.state);
  const color = states.every((s) => s === 'OK')
    ? THREAD_COLORS.resolved
    : states.includes('ALARM')
      ? THREAD_COLORS.firing
      : THREAD_COLORS.other;
  return { text: message.text, attachments: [{ color, blocks: message.blocks }] };
}

export function headline(v: AlarmView, options: RenderOptions = {}): string {
  const drill = v.event.drill ? 'DRILL · ' : '';
  const reminder = options.reminderSince ? 'STILL ' : '';
  return `${v.emoji} ${drill}${reminder}${v.status} · ${v.severity} · ${v.title}`;
}

function fallbackText(views: AlarmView[], options: RenderOptions): string {
  if (views.length === 1) return headline(views[0], options);
  const firing = views.filter((v) => v.status === 'FIRING').length;
  return `${views.length} alarms (${firing} firing): ${views.map((v) => v.title).join(', ')}`;
}

function fullBlocks(v: AlarmView, options: RenderOptions): SlackBlock[] {
  const blocks: SlackBlock[] = [header(headline(v, options))];
  if (v.event.drill)
    blocks.push(
      section(
        ':test_tube: *This is a drill* sent by `sre alerts drill`: no action needed beyond confirming it arrived.',
      ),
    );
  if (options.reminderSince)
    blocks.push(section(`:repeat: Reminder: still firing since ${escapeMrkdwn(options.reminderSince)}.`));
  if (v.event.description) blocks.push(section(escapeMrkdwn(v.event.description)));
  blocks.push(...factSections(v));
  if (v.event.reason) blocks.push(section(`*Reason*\n${escapeMrkdwn(v.event.reason)}`));
  if (v.burn) blocks.push(section(`*Error budget*\n${burnLines(v.burn).map(escapeMrkdwn).join('\n')}`));
  if (v.children.length > 0) {
    const lines = v.children.map((c) => `• ${escapeMrkdwn(c.name)}: ${escapeMrkdwn(c.state)}`);
    blocks.push(section(`*Triggering children*\n${lines.join('\n')}`));
  }
  blocks.push(context(links(v)));
  return blocks;
}

/** Facts as section fields, 10 per section, each within the field limit. */
function factSections(v: AlarmView): SlackBlock[] {
  const out: SlackBlock[] = [];
  for (let i = 0; i < v.facts.length; i += SLACK_LIMITS.fields) {
    const fields = v.facts
      .slice(i, i + SLACK_LIMITS.fields)
      .map(([label, value]) =>
        mrkdwn(`*${escapeMrkdwn(label.trim())}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText),
      );
    out.push({ type: 'section', fields });
  }
  return out;
}

function links(v: AlarmView): string[] {
  const out = [`<${v.consoleUrl}|Open in CloudWatch (${v.event.region})>`];
  if (v.runbookUrl) out.push(`<${v.runbookUrl}|Runbook>`);
  if (v.dashboardUrl) out.push(`<${v.dashboardUrl}|Dashboard>`);
  return out;
}

function groupBlocks(views: AlarmView[], options: RenderOptions): SlackBlock[] {
  const firing = views.filter((v) => v.status === 'FIRING').length;
  const resolved = views.filter((v) => v.event.state === 'OK').length;
  const other = views.length - firing - resolved;
  // A thread's root keeps this header while its members resolve: "0 firing · 2 other" would not say it is over.
  const counts = [`${firing} firing`, `${resolved} resolved`, ...(other > 0 ? [`${other} other`] : [])];
  const blocks: SlackBlock[] = [header(`${views.length} alarms · ${counts.join(' · ')}`)];
  // Reserve one block for the overflow line so the total never passes the limit.
  const budget = SLACK_LIMITS.blocks - 1;
  let shown = 0;
  for (const v of views) {
    const entry: SlackBlock[] = [
      { type: 'divider' },
      section(`*${escapeMrkdwn(headline(v, options))}*\n${escapeMrkdwn(truncate(v.event.reason, 500))}`),
      context(links(v)),
    ];
    if (blocks.length + entry.length > budget) break;
    blocks.push(...entry);
    shown++;
  }
  if (shown < views.length) {
    const rest = views.slice(shown).map((v) => escapeMrkdwn(v.title));
    blocks.push(context([`…and ${rest.length} more: ${rest.join(', ')}`]));
  }
  return blocks;
}

function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  kept.push(context([`…${blocks.length - kept.length} more blocks cut to fit Slack's limit; see the console link.`]));
  return kept;
}
