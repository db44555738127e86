/** `--from`/`--to` values: ISO 8601, epoch seconds, `now`, or `now-<duration>` (`now-30d`). */
import { parseDuration } from '@sre-kit/core';

export function parseTime(text: string, now: number): number | undefined {
  const t = text.trim();
  if (t === 'now') return now;
  const rel = /^now-(.+)$/.exec(t);
  if (rel) {
    const s = parseDuration(rel[1]);
    return s === undefined ? undefined : now - s;
  }
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
