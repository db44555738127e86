/**
 * CloudWatch metric math, as far as an alarm's datapoint needs it: arithmetic,
 * comparisons, logic, IF, FILL with a number, ABS/CEIL/FLOOR, PERIOD and the
 * array forms of SUM/AVG/MIN/MAX. Everything the kit synthesizes
 * (`IF(total > 0, FILL(bad, 0) / total, 0)`, `FILL(a, 0) + FILL(b, 0)`, ...)
 * and a little more; anything else is refused with the function or token
 * named, never guessed.
 *
 * A value is a number or `undefined` (no datapoint at that timestamp). As in
 * CloudWatch, an operation on a missing operand has no datapoint, FILL gives
 * it one, and a non-finite result (x / 0) is dropped.
 */

export type MathNode =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'ref'; readonly id: string }
  | { readonly kind: 'unary'; readonly op: '-' | 'NOT'; readonly arg: MathNode }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: MathNode; readonly right: MathNode }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly MathNode[] }
  | { readonly kind: 'array'; readonly items: readonly MathNode[] };

type BinaryOp = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export class MetricMathError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    /** 1-based column of the offending token, when the problem is at one. */
    readonly column?: number,
  ) {
    super(column === undefined ? `${message} in "${expression}"` : `${message} at column ${column} of "${expression}"`);
    this.name = 'MetricMathError';
  }
}

export const SUPPORTED_MATH_FUNCTIONS = ['IF', 'FILL', 'ABS', 'CEIL', 'FLOOR', 'PERIOD', 'SUM', 'AVG', 'MIN', 'MAX'];

interface Token {
  readonly kind: 'number' | 'name' | 'op' | 'end';
  readonly text: string;
  readonly at: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '^', '<', '>', '!', '(', ')', ',', '[', ']'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      out.push({ kind: 'number', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      out.push({ kind: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new MetricMathError(`unexpected character "${c}"`, text, i + 1);
    out.push({ kind: 'op', text: op, at: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', at: text.length });
  return out;
}

const BINARY: Record<string, { op: BinaryOp; precedence: number }> = {
  OR: { op: 'OR', precedence: 1 },
  '||': { op: 'OR', precedence: 1 },
  AND: { op: 'AND', precedence: 2 },
  '&&': { op: 'AND', precedence: 2 },
  '==': { op: '==', precedence: 3 },
  '!=': { op: '!=', precedence: 3 },
  '<': { op: '<', precedence: 3 },
  '<=': { op: '<=', precedence: 3 },
  '>': { op: '>', precedence: 3 },
  '>=': { op: '>=', precedence: 3 },
  '+': { op: '+', precedence: 4 },
  '-': { op: '-', precedence: 4 },
  '*': { op: '*', precedence: 5 },
  '/': { op: '/', precedence: 5 },
  '^': { op: '^', precedence: 6 },
};

export function parseMetricMath(text: string): MathNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const fail = (message: string, t: Token = peek()): never => {
    throw new MetricMathError(message, text, t.at + 1);
  };
  const expect = (op: string): void => {
    if (peek().text !== op || peek().kind !== 'op') fail(`expected "${op}" but found ${describe(peek())}`);
    pos++;
  };

  const primary = (): MathNode => {
    const t = peek();
    if (t.kind === 'number') {
      pos++;
      return { kind: 'number', value: Number(t.text) };
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '!')) {
      pos++;
      return { kind: 'unary', op: t.text === '-' ? '-' : 'NOT', arg: binary(7) };
    }
    if (t.kind === 'op' && t.text === '(') {
      pos++;
      const inner = binary(0);
      expect(')');
      return inner;
    }
    if (t.kind === 'op' && t.text === '[') {
      pos++;
      const items: MathNode[] = [binary(0)];
      while (peek().text === ',') {
        pos++;
        items.push(binary(0));
      }
      expect(']');
      return { kind: 'array', items };
    }
    if (t.kind === 'name') {
      pos++;
      if (t.text === 'NOT') return { kind: 'unary', op: 'NOT', arg: binary(7) };
      if (peek().kind === 'op' && peek().text === '(') {
        const name = t.text.toUpperCase();
        if (!SUPPORTED_MATH_FUNCTIONS.includes(name))
          fail(
            `function ${t.text} is not supported by the simulator (it evaluates ${SUPPORTED_MATH_FUNCTIONS.join(', ')})`,
            t,
          );
        pos++;
        const args: MathNode[] = [];
        if (peek().text !== ')') {
          args.push(binary(0));
          while (peek().text === ',') {
            pos++;
            args.push(binary(0));
          }
        }
        expect(')');
        return { kind: 'call', name, args: checkCall(name, args, t) };
      }
      // CloudWatch query ids start with a lower-case letter; upper-case words are keywords (REPEAT, LINEAR, ...).
      if (!/^[a-z]/.test(t.text) && t.text !== 'REPEAT' && t.text !== 'LINEAR')
        fail(`"${t.text}" is not a query id (ids start with a lower-case letter)`, t);
      return { kind: 'ref', id: t.text };
    }
    return fail(`expected a value but found ${describe(t)}`);
  };

  const checkCall = (name: string, args: MathNode[], t: Token): MathNode[] => {
    const arity: Record<string, [number, number]> = {
      IF: [2, 3],
      FILL: [2, 2],
      ABS: [1, 1],
      CEIL: [1, 1],
      FLOOR: [1, 1],
      PERIOD: [1, 1],
      SUM: [1, 1],
      AVG: [1, 1],
      MIN: [1, 1],
      MAX: [1, 1],
    };
    const [lo, hi] = arity[name];
    if (args.length < lo || args.length > hi)
      fail(`${name} takes ${lo === hi ? lo : `${lo} or ${hi}`} argument(s), got ${args.length}`, t);
    if (name === 'FILL' && args[1].kind !== 'number' && !(args[1].kind === 'unary' && args[1].arg.kind === 'number'))
      fail('FILL is simulated with a number as its second argument only (not REPEAT, LINEAR or a series)', t);
    if (['SUM', 'AVG', 'MIN', 'MAX'].includes(name) && args[0].kind !== 'array')
      fail(
        `${name} over a single series aggregates across time, which one alarm datapoint cannot show; use ${name}([a, b])`,
        t,
      );
    return args;
  };

  const binary = (minPrecedence: number): MathNode => {
    let left = primary();
    for (;;) {
      const t = peek();
      const b = t.kind === 'op' || t.kind === 'name' ? BINARY[t.text] : undefined;
      if (!b || b.precedence < minPrecedence) break;
      pos++;
      // Left-associative except ^.
      const right = binary(b.op === '^' ? b.precedence : b.precedence + 1);
      left = { kind: 'binary', op: b.op, left, right };
    }
    return left;
  };

  const node = binary(0);
  if (peek().kind !== 'end') fail(`unexpected ${describe(peek())}`);
  return node;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `"${t.text}"`;
}

/** Query ids the expression reads, in order of first appearance. */
export function metricMathRefs(node: MathNode): string[] {
  const out: string[] = [];
  const walk = (n: MathNode): void => {
    if (n.kind === 'ref' && !out.includes(n.id)) out.push(n.id);
    if (n.kind === 'unary') walk(n.arg);
    if (n.kind === 'binary') {
      walk(n.left);
      walk(n.right);
    }
    if (n.kind === 'call') n.args.forEach(walk);
    if (n.kind === 'array') n.items.forEach(walk);
  };
  walk(node);
  return out;
}

export interface MathContext {
  /** Value of a query id at this datapoint; undefined when it has none. */
  readonly value: (id: string) => number | undefined;
  /** PERIOD(x): the period of the query in seconds. */
  readonly periodOf: (id: string) => number | undefined;
}

const finite = (x: number): number | undefined => (Number.isFinite(x) ? x : undefined);

/** The expression's value at one datapoint (undefined: no datapoint). */
export function evaluateMetricMath(node: MathNode, ctx: MathContext): number | undefined {
  const ev = (n: MathNode): number | undefined => evaluateMetricMath(n, ctx);
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'ref':
      return ctx.value(node.id);
    case 'array':
      throw new RangeError('an array is only valid as the argument of SUM, AVG, MIN or MAX');
    case 'unary': {
      const v = ev(node.arg);
      if (v === undefined) return undefined;
      return node.op === '-' ? -v : v === 0 ? 1 : 0;
    }
    case 'binary': {
      const l = ev(node.left);
      const r = ev(node.right);
      if (l === undefined || r === undefined) return undefined;
      switch (node.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return finite(l / r);
        case '^':
          return finite(l ** r);
        case '==':
          return l === r ? 1 : 0;
        case '!=':
          return l !== r ? 1 : 0;
        case '<':
          return l < r ? 1 : 0;
        case '<=':
          return l <= r ? 1 : 0;
        case '>':
          return l > r ? 1 : 0;
        case '>=':
          return l >= r ? 1 : 0;
        case 'AND':
          return l !== 0 && r !== 0 ? 1 : 0;
        case 'OR':
          return l !== 0 || r !== 0 ? 1 : 0;
      }
      return undefined;
    }
    case 'call':
      return evaluateCall(node.name, node.args, ctx, ev);
  }
}

function evaluateCall(
  name: string,
  args: readonly MathNode[],
  ctx: MathContext,
  ev: (n: MathNode) => number | undefined,
): number | undefined {
  switch (name) {
    case 'IF': {
      const c = ev(args[0]);
      if (c === undefined) return undefined;
      return c !== 0 ? ev(args[1]) : args[2] === undefined ? undefined : ev(args[2]);
    }
    case 'FILL':
      return ev(args[0]) ?? ev(args[1]);
    case 'ABS':
    case 'CEIL':
    case 'FLOOR': {
      const v = ev(args[0]);
      if (v === undefined) return undefined;
      return name === 'ABS' ? Math.abs(v) : name === 'CEIL' ? Math.ceil(v) : Math.floor(v);
    }
    case 'PERIOD':
      return args[0].kind === 'ref' ? ctx.periodOf(args[0].id) : undefined;
    default: {
      // SUM/AVG/MIN/MAX of an array: per timestamp over the series that have a value there.
      const items = (args[0] as Extract<MathNode, { kind: 'array' }>).items
        .map(ev)
        .filter((v): v is number => v !== undefined);
      if (items.length === 0) return undefined;
      if (name === 'SUM') return items.reduce((a, b) => a + b, 0);
      if (name === 'AVG') return items.reduce((a, b) => a + b, 0) / items.length;
      return name === 'MIN' ? Math.min(...items) : Math.max(...items);
    }
  }
}
