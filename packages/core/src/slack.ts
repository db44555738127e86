/**
 * Slack Block Kit limits (REFERENCE.md section 4) and the text helpers every Slack renderer
 * shares (the alert router's messages and the review digest): what is rendered is cut to fit,
 * so Slack never rejects a payload for its size.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  /** The top-level `text` fallback shown in notifications. */
  fallbackText: 3000,
} as const;

/** Cuts at `max` characters (code points), marking the cut so nobody mistakes it for the whole text. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack mrkdwn control characters in user-provided text (alarm names, reasons, descriptions). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An http(s) URL that fits `<url|text>` link syntax: no spaces, and none of `|`, `<`, `>` that end the link. */
export function isSlackLinkUrl(url: string): boolean {
  return /^https?:\/\/[^\s|<>]+$/.test(url);
}
