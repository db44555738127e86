/**
 * The words routes, time intervals and maintenance windows share: label matchers
 * (checked here as the router compiles them, in core/src/matchers.ts), weekday
 * names and HH:MM times.
 */
import { SEVERITIES, type Matchers } from '../model/alarms';
import type { At } from './reader';
import { suggestion } from './suggest';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
export const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseMatchers(at: At): Matchers {
  const out: Record<string, string> = {};
  if (!at.expectMap(false, 'a mapping of label to value')) return out;
  for (const [label, valueAt] of at.entries()) {
    if (!LABEL.test(label))
      at.keyAt(label).error(`"${label}" is not a valid label name`, 'letters, digits and _, not starting with a digit');
    const value = valueAt.text(true);
    if (value === undefined) continue;
    out[label] = value;
    if (value.startsWith('~')) {
      try {
        new RegExp(`^(?:${value.slice(1)})$`);
      } catch (err) {
        valueAt.error(`bad regular expression: ${(err as Error).message}`);
      }
    } else if (label === 'severity' && !SEVERITIES.includes(value.replace(/^!/, '') as never)) {
      valueAt.error(`unknown severity "${value}"`, suggestion(value.replace(/^!/, ''), SEVERITIES));
    }
  }
  return out;
}

/** `weekdays: [monday, saturday:sunday]`: names and wrapping ranges, lower-cased; bad ones are reported. */
export function parseWeekdays(at: At): string[] {
  const weekdays: string[] = [];
  if (at.expectSeq(false, 'a list of weekdays or ranges like saturday:sunday')) {
    for (const item of at.items()) {
      const text = item.string(true, 'a weekday');
      if (text === undefined) continue;
      const bad = text
        .toLowerCase()
        .split(':')
        .find((day) => !WEEKDAYS.includes(day));
      if (bad !== undefined || text.split(':').length > 2)
        item.error(`bad weekday "${text}"`, suggestion(bad ?? text, WEEKDAYS));
      else weekdays.push(text.toLowerCase());
    }
  }
  return weekdays;
}
