/**
 * A cursor over a YAML node that knows its file, position and path, so every
 * parser reports problems with a real `line:col` instead of throwing. Reading
 * never stops at the first problem: a wrong value is reported and the reader
 * returns `undefined`, and the caller carries on with the rest of the spec.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { parseDuration } from '../duration';
import type { SourceLocation } from '../model/slo';
import type { Diagnostic, DiagnosticSeverity } from './diagnostics';
import { suggestion } from './suggest';

/** One YAML document of one file, plus the sink its diagnostics go to. */
export interface YamlSource {
  readonly file: string;
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
    const { line, col } = this.src.lineCounter.linePos(this.offset);
    return { file: this.src.file, line, col, path: this.path };
  }

  report(severity: DiagnosticSeverity, message: string, hint?: string): void {
    const { file, line, col, path } = this.location();
    this.src.diagnostics.push({ severity, file, line, col, path, message, ...(hint ? { hint } : {}) });
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
