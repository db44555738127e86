/**
 * A cursor over a YAML node that knows its file, position and path, so every
 * parser reports problems with a real `line:col` instead of throwing. Reading
 * never stops at the first problem: a wrong value is reported and the reader
 * returns `undefined`, and the caller carries on with the rest of the spec.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import { parseDuration } from '../duration';
import type { SourceLocation } from '../model/slo';
import type { Diagnostic, DiagnosticSeverity } from './diagnostics';
import { suggestion } from './suggest';

/** One YAML document of one file, plus the sink its diagnostics go to. */
export interface YamlSource {
  readonly file: string;
  /** The whole file, so a problem inside a string value can be placed at its own character. */
  readonly text: string;
  readonly lineCounter: LineCounter;
  readonly doc: Document;
  readonly diagnostics: Diagnostic[];
}

function childPath(path: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return segment;
  return segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;
}

export class At {
  readonly node: Node | undefined;

  constructor(
    readonly src: YamlSource,
    node: Node | null | undefined,
    readonly path: string,
    /** Where to point when the node is missing: the parent (or the key) that should have held it. */
    private readonly fallbackOffset: number,
    /** The key this value sits under: a mapping or list is reported on its key line, not its first entry. */
    private readonly keyOffset?: number,
  ) {
    this.node =
      node && isAlias(node) ? ((node.resolve(src.doc) as Node | undefined) ?? undefined) : (node ?? undefined);
  }

  static root(src: YamlSource): At {
    return new At(src, src.doc.contents as Node | null, '', 0);
  }

  /** Present and not an explicit YAML null (`key:` with nothing after it counts as absent). */
  get present(): boolean {
    return this.node !== undefined && !(isScalar(this.node) && this.node.value === null);
  }
  get isMap(): boolean {
    return isMap(this.node);
  }
  get isSeq(): boolean {
    return isSeq(this.node);
  }

  get offset(): number {
    if (this.keyOffset !== undefined && (isMap(this.node) || isSeq(this.node))) return this.keyOffset;
    return this.node?.range?.[0] ?? this.fallbackOffset;
  }

  location(): SourceLocation {
    return this.locationOf(this.offset);
  }

  private locationOf(offset: number): SourceLocation {
    const { line, col } = this.src.lineCounter.linePos(offset);
    return { file: this.src.file, line, col, path: this.path };
  }

  report(severity: DiagnosticSeverity, message: string, hint?: string): void {
    this.reportAtOffset(this.offset, severity, message, hint);
  }

  private reportAtOffset(offset: number, severity: DiagnosticSeverity, message: string, hint?: string): void {
    const { file, line, col, path } = this.locationOf(offset);
    this.src.diagnostics.push({ severity, file, line, col, path, message, ...(hint ? { hint } : {}) });
  }

  /**
   * An error at character `index` of this string value (a PromQL syntax error,
   * say), placed where that character sits in the file whatever the scalar style.
   */
  errorInValue(index: number, message: string, hint?: string): void {
    const offset = isScalar(this.node) ? valueOffsetInFile(this.node, this.src.text, index) : this.offset;
    this.reportAtOffset(offset, 'error', message, hint);
  }
  error(message: string, hint?: string): void {
    this.report('error', message, hint);
  }
  warn(message: string, hint?: string): void {
    this.report('warning', message, hint);
  }

  private pairs() {
    return isMap(this.node) ? this.node.items : [];
  }

  /** The value under `key`; a missing value points at this map. */
  get(key: string): At {
    const pair = this.pairs().find((p) => isScalar(p.key) && String(p.key.value) === key);
    const keyOffset = (pair?.key as Node | undefined)?.range?.[0];
    return new At(
      this.src,
      pair?.value as Node | null | undefined,
      childPath(this.path, key),
      keyOffset ?? this.offset,
      keyOffset,
    );
  }

  has(key: string): boolean {
    return this.get(key).present;
  }

  /** Keys with their values; each value's fallback position is its key. */
  entries(): [string, At][] {
    return this.pairs().map((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyOffset = (pair.key as Node | null)?.range?.[0] ?? this.offset;
      return [key, new At(this.src, pair.value as Node | null, childPath(this.path, key), keyOffset, keyOffset)];
    });
  }

  /** A cursor on the key itself (for "unknown field" errors, which belong on the key). */
  keyAt(key: string): At {
    const pair = this.pairs().find((p) => isScalar(p.key) && String(p.key.value) === key);
    return new At(this.src, pair?.key as Node | undefined, childPath(this.path, key), this.offset);
  }

  items(): At[] {
    if (!isSeq(this.node)) return [];
    return this.node.items.map((item, i) => new At(this.src, item as Node | null, `${this.path}[${i}]`, this.offset));
  }

  /** Reports a type mismatch; `false` means "skip this value". Absent optional values are fine. */
  expectMap(required = false, what = 'a mapping'): boolean {
    if (!this.present) {
      if (required) this.error(`missing ${what}`);
      return false;
    }
    if (this.isMap) return true;
    this.error(`expected ${what}, got ${this.describe()}`);
    return false;
  }

  expectSeq(required = false, what = 'a list'): boolean {
    if (!this.present) {
      if (required) this.error(`missing ${what}`);
      return false;
    }
    if (this.isSeq) return true;
    this.error(`expected ${what}, got ${this.describe()}`);
    return false;
  }

  describe(): string {
    if (!this.present) return 'nothing';
    if (isMap(this.node)) return 'a mapping';
    if (isSeq(this.node)) return 'a list';
    if (isScalar(this.node)) return `${typeof this.node.value} ${JSON.stringify(this.node.value)}`;
    return 'an unsupported YAML node';
  }

  /** The plain value without reporting anything (for checks that already reported). */
  peek(): unknown {
    return this.node && typeof (this.node as { toJSON?: unknown }).toJSON === 'function'
      ? (this.node as unknown as { toJSON(): unknown }).toJSON()
      : undefined;
  }

  private scalar(): unknown {
    return isScalar(this.node) ? this.node.value : undefined;
  }

  /** Reports unknown keys, with a "did you mean" hint when one is close. */
  fields(allowed: readonly string[]): void {
    for (const [key] of this.entries()) {
      if (!allowed.includes(key)) this.keyAt(key).error(`unknown field "${key}"`, suggestion(key, allowed));
    }
  }

  string(required = false, what = 'a string'): string | undefined {
    if (!this.present) {
      if (required) this.error(`missing ${what}`);
      return undefined;
    }
    const value = this.scalar();
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.error(`expected ${what}, got ${this.describe()}`);
    return undefined;
  }

  /** Label-like values: numbers and booleans are accepted and written as text. */
  text(required = false): string | undefined {
    const value = this.scalar();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.string(required);
  }

  number(required = false, what = 'a number'): number | undefined {
    if (!this.present) {
      if (required) this.error(`missing ${what}`);
      return undefined;
    }
    const value = this.scalar();
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.error(`expected ${what}, got ${this.describe()}`);
    return undefined;
  }

  integer(required = false, what = 'a whole number'): number | undefined {
    const value = this.number(required, what);
    if (value === undefined) return undefined;
    if (Number.isInteger(value) && value > 0) return value;
    this.error(`expected ${what} >= 1, got ${value}`);
    return undefined;
  }

  boolean(required = false): boolean | undefined {
    if (!this.present) {
      if (required) this.error('missing true/false');
      return undefined;
    }
    const value = this.scalar();
    if (typeof value === 'boolean') return value;
    this.error(`expected true or false, got ${this.describe()}`);
    return undefined;
  }

  /** `5m`, `1h30m`, `28d`; a bare number of seconds is refused because units are easy to mistake. */
  duration(required = false): number | undefined {
    if (!this.present) {
      if (required) this.error('missing duration');
      return undefined;
    }
    const value = this.scalar();
    const seconds = typeof value === 'string' ? parseDuration(value) : undefined;
    if (seconds !== undefined) return seconds;
    this.error(
      `bad duration ${JSON.stringify(value ?? this.describe())}`,
      'write a positive duration such as 30s, 5m, 1h30m or 28d',
    );
    return undefined;
  }

  /** A string -> string map (labels, annotations, dimensions). */
  stringMap(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!this.expectMap()) return out;
    for (const [key, value] of this.entries()) {
      const text = value.text(true);
      if (text !== undefined) out[key] = text;
    }
    return out;
  }
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
/** Extra characters after `\x`, `\u`, `\U` in a double-quoted YAML escape. */
const HEX_ESCAPE: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * Where character `index` of a scalar's value sits in the file. The value is what
 * YAML made of the source (indentation stripped, lines folded, quotes and escapes
 * undone), so the two are walked side by side: a value character matches the same
 * source character, a folded line break matches any blank, an escape matches its
 * whole sequence, and anything else in the source (indentation, quotes) is skipped.
 * An index at or past the end points just after the last non-blank character.
 */
export function valueOffsetInFile(node: Scalar, text: string, index: number): number {
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  const [start, end] = node.range ?? [0, 0];
  let last = value.length - 1;
  while (last > 0 && isBlank(value[last])) last--;
  const target = Math.max(0, Math.min(index, last));
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  // A block scalar's content starts on the line after its `|` / `>` header.
  let p = block ? text.indexOf('\n', start) + 1 || start : quoted ? start + 1 : start;
  let i = 0;
  while (p < end) {
    const s = text[p];
    let width = 0;
    if (node.type === 'QUOTE_DOUBLE' && s === '\\') {
      const next = text[p + 1];
      if (next === '\n' || next === '\r') {
        p += 2; // an escaped line break joins the lines and produces nothing
        continue;
      }
      width = 2 + (HEX_ESCAPE[next] ?? 0);
    } else if (s === value[i] || (isBlank(s) && isBlank(value[i]))) width = 1;
    if (width === 0) {
      p++;
      continue;
    }
    if (i === target) return index > last ? p + width : p;
    i++;
    p += width;
  }
  return Math.min(p, end);
}
