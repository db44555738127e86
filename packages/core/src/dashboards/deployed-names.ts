/**
 * Deployed names for rendered dashboards. Specs carry placeholder dimension values in the shape of the
 * deployed names (`goodgreets-delivery`, `E0000000000000`); a dashboard rendered from them shows nothing
 * against a real account. A names file maps each placeholder to the deployed value, and every place a
 * dashboard names a resource is rewritten: metric dimensions, quoted SEARCH terms and log group names.
 * Values are matched whole, never as substrings, so `goodgreets` does not rewrite `goodgreets-db`.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { AlarmCondition, Dashboard, DashboardQuery, Widget } from '../model/dashboard';
import type { MetricSource } from '../model/slo';
import type { Diagnostic } from '../spec/diagnostics';

export interface DeployedName {
  readonly placeholder: string;
  readonly deployed: string;
  /** Where the placeholder is written in the names file (1-based), for warnings about it. */
  readonly line: number;
  readonly col: number;
}

export interface DeployedNamesFile {
  readonly names: readonly DeployedName[];
  /** Errors make the file unusable; the names are empty then. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses a YAML or JSON mapping `placeholder: deployed value`, with located errors for anything else. */
export function parseDeployedNames(text: string, file: string): DeployedNamesFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined, path: string, message: string, hint?: string) => {
    const { line, col } = lines.linePos(offset ?? 0);
    diagnostics.push({ severity: 'error', file, line, col, path, message, ...(hint ? { hint } : {}) });
  };
  for (const e of doc.errors) at(e.pos[0], '', e.message.split('\n')[0]);
  if (diagnostics.length > 0) return { names: [], diagnostics };
  const root = doc.contents;
  if (!isMap(root)) {
    at(
      (root as Node | null)?.range?.[0],
      '',
      'expected a mapping of placeholder to deployed value',
      'for example `goodgreets-delivery: prod-DeliveryFn-1A2B3C`',
    );
    return { names: [], diagnostics };
  }
  const names: DeployedName[] = [];
  for (const pair of root.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    const keyText = isScalar(key) && typeof key.value === 'string' ? key.value : undefined;
    if (keyText === undefined || keyText.trim() === '') {
      at(key?.range?.[0], '', 'placeholder must be a non-empty string', 'quote numbers and ids');
      continue;
    }
    if (!isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '') {
      at(value?.range?.[0] ?? key?.range?.[0], keyText, 'deployed value must be a non-empty string', 'quote numbers and ids');
      continue;
    }
    const { line, col } = lines.linePos(key!.range![0]);
    names.push({ placeholder: keyText, deployed: value.value, line, col });
  }
  return diagnostics.length > 0 ? { names: [], diagnostics } : { names, diagnostics };
}

/** A SEARCH term as CloudWatch quotes it (the security dashboard writes them so). */
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const unquote = (term: string) => term.replace(/\\(.)/g, '$1');
const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The dashboards with every placeholder replaced by its deployed value, and the placeholders that matched
 * nothing (a typo, or a name the dashboards do not show), in file order.
 */
export function withDeployedNames(
  dashboards: readonly Dashboard[],
  names: readonly Pick<DeployedName, 'placeholder' | 'deployed'>[],
): { readonly dashboards: Dashboard[]; readonly unused: string[] } {
  const map = new Map(names.map((n) => [n.placeholder, n.deployed]));
  const used = new Set<string>();
  const swap = (value: string): string => {
    const deployed = map.get(value);
    if (deployed === undefined) return value;
    used.add(value);
    return deployed;
  };
  const source = <S extends MetricSource>(s: S): S => {
    if (s.type !== 'CloudWatch') return s;
    const dims = (d: Readonly<Record<string, string>>) =>
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, swap(v)]));
    if (s.kind === 'metric') return { ...s, dimensions: dims(s.dimensions) };
    const metrics = Object.fromEntries(Object.entries(s.metrics).map(([id, m]) => [id, { ...m, dimensions: dims(m.dimensions) }]));
    return { ...s, metrics };
  };
  const query = (q: DashboardQuery): DashboardQuery => {
    if ('expression' in q)
      return {
        ...q,
        expression: q.expression.replace(QUOTED, (whole, term: string) => {
          const deployed = swap(unquote(term));
          return deployed === unquote(term) ? whole : quote(deployed);
        }),
      };
    return { ...q, source: source(q.source) } as DashboardQuery;
  };
  const condition = (c: AlarmCondition): AlarmCondition => ({ ...c, queries: c.queries.map(query) });
  const widget = (w: Widget): Widget => {
    switch (w.type) {
      case 'text':
        return w;
      case 'alarmStatus':
        return w.conditions ? { ...w, conditions: w.conditions.map(condition) } : w;
      case 'logQuery':
        return { ...w, logGroupNames: w.logGroupNames.map(swap) };
      default:
        return { ...w, queries: w.queries.map(query) };
    }
  };
  const out = dashboards.map((d) => ({
    ...d,
    sections: d.sections.map((s) => ({ ...s, widgets: s.widgets.map(widget) })),
  }));
  return { dashboards: out, unused: names.map((n) => n.placeholder).filter((p) => !used.has(p)) };
}
