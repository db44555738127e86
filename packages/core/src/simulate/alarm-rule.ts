/**
 * A composite alarm's AlarmRule: ALARM(x), OK(x), INSUFFICIENT_DATA(x), TRUE,
 * FALSE, AND, OR, NOT and parentheses. Alarm references are names or ARNs,
 * quoted ("...") or bare, as PutCompositeAlarm accepts them.
 */

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type RuleNode =
  | { readonly kind: 'state'; readonly state: AlarmStateValue; readonly alarm: string }
  | { readonly kind: 'constant'; readonly value: boolean }
  | { readonly kind: 'not'; readonly arg: RuleNode }
  | { readonly kind: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode };

export class AlarmRuleError extends Error {
  constructor(
    message: string,
    readonly rule: string,
    readonly column: number,
  ) {
    super(`${message} at column ${column} of AlarmRule "${rule}"`);
    this.name = 'AlarmRuleError';
  }
}

const STATES: readonly AlarmStateValue[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

export function parseAlarmRule(rule: string): RuleNode {
  let i = 0;
  const skip = (): void => {
    while (i < rule.length && /\s/.test(rule[i])) i++;
  };
  const fail = (message: string): never => {
    throw new AlarmRuleError(message, rule, i + 1);
  };
  const word = (): string => {
    skip();
    const m = /^[A-Za-z_]+/.exec(rule.slice(i));
    return m ? m[0] : '';
  };

  const reference = (): string => {
    skip();
    if (rule[i] === '"') {
      let out = '';
      i++;
      while (i < rule.length && rule[i] !== '"') {
        if (rule[i] === '\\' && i + 1 < rule.length) i++;
        out += rule[i++];
      }
      if (rule[i] !== '"') fail('unterminated quoted alarm name');
      i++;
      return out;
    }
    const m = /^[^()\s]+/.exec(rule.slice(i));
    if (!m) fail('expected an alarm name or ARN');
    i += m![0].length;
    return m![0];
  };

  const primary = (): RuleNode => {
    skip();
    if (rule[i] === '(') {
      i++;
      const inner = or();
      skip();
      if (rule[i] !== ')') fail('expected ")"');
      i++;
      return inner;
    }
    const w = word();
    if (w === 'NOT') {
      i += 3;
      return { kind: 'not', arg: primary() };
    }
    if (w === 'TRUE' || w === 'FALSE') {
      i += w.length;
      return { kind: 'constant', value: w === 'TRUE' };
    }
    if ((STATES as readonly string[]).includes(w)) {
      i += w.length;
      skip();
      if (rule[i] !== '(') fail(`expected "(" after ${w}`);
      i++;
      const alarm = reference();
      skip();
      if (rule[i] !== ')') fail(`expected ")" after the alarm in ${w}(...)`);
      i++;
      return { kind: 'state', state: w as AlarmStateValue, alarm };
    }
    return fail(w ? `unknown function or keyword "${w}"` : `unexpected "${rule[i] ?? 'end of rule'}"`);
  };

  const and = (): RuleNode => {
    let left = primary();
    while (word() === 'AND') {
      i += 3;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };

  const or = (): RuleNode => {
    let left = and();
    while (word() === 'OR') {
      i += 2;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  const node = or();
  skip();
  if (i < rule.length) fail(`unexpected "${rule.slice(i, i + 20)}"`);
  return node;
}

/** Alarm references of the rule, in order of first appearance. */
export function alarmRuleRefs(node: RuleNode): string[] {
  const out: string[] = [];
  const walk = (n: RuleNode): void => {
    if (n.kind === 'state' && !out.includes(n.alarm)) out.push(n.alarm);
    if (n.kind === 'not') walk(n.arg);
    if (n.kind === 'and' || n.kind === 'or') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  return out;
}

export function evaluateAlarmRule(node: RuleNode, stateOf: (alarm: string) => AlarmStateValue): boolean {
  switch (node.kind) {
    case 'state':
      return stateOf(node.alarm) === node.state;
    case 'constant':
      return node.value;
    case 'not':
      return !evaluateAlarmRule(node.arg, stateOf);
    case 'and':
      return evaluateAlarmRule(node.left, stateOf) && evaluateAlarmRule(node.right, stateOf);
    case 'or':
      return evaluateAlarmRule(node.left, stateOf) || evaluateAlarmRule(node.right, stateOf);
  }
}
