/**
 * EventBridge Scheduler's cron syntax, checked at synth: CloudFormation would only refuse a bad
 * expression at deploy time, minutes into a rollout, with a message that names neither the
 * construct nor the field.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Extra single-token forms this field allows (`?`, `L`, `15W`, `6#3`...). */
  readonly special?: RegExp;
}

const FIELDS: readonly Field[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L|LW|L-\d{1,2}|\d{1,2}W)$/ },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
    special: /^(\?|L|[1-7]L|[A-Z]{3}L|[1-7]#[1-5]|[A-Z]{3}#[1-5])$/,
  },
  { name: 'year', min: 1970, max: 2199 },
];

function value(field: Field, text: string): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

function partProblem(field: Field, part: string): string | undefined {
  if (field.special?.test(part.toUpperCase())) {
    const day = /^([A-Z]{3})/i.exec(part)?.[1];
    return day && value(field, day) === undefined ? `"${day}" is not a day name` : undefined;
  }
  const [range, step, ...rest] = part.split('/');
  if (rest.length > 0) return `"${part}" has more than one "/"`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1))
    return `step "${step}" is not a positive number`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `"${range}" is not a value or a range`;
  for (const b of bounds)
    if (value(field, b) === undefined)
      return `"${b}" is not in ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  return undefined;
}

/**
 * Why `expression` is not a schedule EventBridge Scheduler accepts as `cron(...)`, or undefined.
 * Takes `cron(m h dom mon dow y)` or the six fields alone.
 */
export function cronProblem(expression: string): string | undefined {
  const inner = /^cron\((.*)\)$/.exec(expression.trim())?.[1] ?? expression.trim();
  const parts = inner.split(/\s+/).filter(Boolean);
  if (parts.length !== 6)
    return `has ${parts.length} field${parts.length === 1 ? '' : 's'}; EventBridge cron needs 6 (minutes hours day-of-month month day-of-week year)`;
  for (let i = 0; i < FIELDS.length; i++) {
    for (const part of parts[i].split(',')) {
      if (part === '?' && !FIELDS[i].special)
        return `${FIELDS[i].name}: "?" is only allowed in day-of-month or day-of-week`;
      const problem = partProblem(FIELDS[i], part);
      if (problem) return `${FIELDS[i].name}: ${problem}`;
    }
  }
  if ((parts[2] === '?') === (parts[4] === '?'))
    return 'exactly one of day-of-month and day-of-week must be "?" (for example cron(0 9 ? * MON *))';
  return undefined;
}

/** The expression in the `cron(...)` form the Scheduler takes. */
export function cronExpression(expression: string): string {
  const t = expression.trim();
  return t.startsWith('cron(') ? t : `cron(${t.split(/\s+/).join(' ')})`;
}

/** Whether `zone` is an IANA time zone this Node.js knows (the Scheduler takes the same database). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
