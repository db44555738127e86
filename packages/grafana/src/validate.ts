/**
 * Structural checks of a Grafana dashboard JSON, the ones Grafana itself does not report clearly:
 * schema version, uid, unique panel ids, grid positions inside 24 columns without overlaps, every
 * target with a unique refId and a data source that resolves (a dashboard variable of the right
 * type, or a known uid), and CloudWatch metric math that only refers to ids of its own panel.
 * The foundation SDK ships TypeScript types, not a JSON Schema, so this is the runtime check.
 */
export interface ValidateOptions {
  /** Data source uids that exist in the target Grafana (from provisioning), besides variables. */
  readonly knownDatasourceUids?: readonly string[];
}

interface Pos {
  x: number;
  y: number;
  w: number;
  h: number;
}
type Obj = Record<string, unknown>;

export const MIN_SCHEMA_VERSION = 36;
const MIXED = '-- Mixed --';
const BUILT_IN = ['-- Grafana --', '-- Dashboard --'];
const CLOUDWATCH_ID = /^[a-z][A-Za-z0-9_]*$/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Identifiers a metric-math expression refers to (lower-case words outside quoted strings). */
export function mathReferences(expression: string): string[] {
  const unquoted = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, ' ');
  return [...unquoted.matchAll(/\b([a-z][A-Za-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]);
}

function overlaps(a: Pos, b: Pos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function checkTargets(
  panel: Obj,
  where: string,
  resolves: (ds: unknown) => string | undefined,
  problems: string[],
): void {
  const targets = Array.isArray(panel.targets) ? (panel.targets as unknown[]) : [];
  const panelDs = panel.datasource as Obj | undefined;
  const mixed = isObj(panelDs) && panelDs.uid === MIXED;
  if (!mixed && panelDs !== undefined) {
    const problem = resolves(panelDs);
    if (problem) problems.push(`${where}: panel data source ${problem}`);
  }
  const refIds = new Set<string>();
  const ids = new Set<string>();
  for (const [i, t] of targets.entries()) {
    if (!isObj(t)) {
      problems.push(`${where}.targets[${i}]: not an object`);
      continue;
    }
    if (typeof t.refId !== 'string' || t.refId === '') problems.push(`${where}.targets[${i}]: missing refId`);
    else if (refIds.has(t.refId)) problems.push(`${where}.targets[${i}]: duplicate refId "${t.refId}"`);
    else refIds.add(t.refId);
    const ds = t.datasource ?? (mixed ? undefined : panelDs);
    if (ds === undefined) problems.push(`${where}.targets[${i}]: no data source (panel is mixed or has none)`);
    else {
      const problem = resolves(ds);
      if (problem) problems.push(`${where}.targets[${i}]: data source ${problem}`);
    }
    if (typeof t.id === 'string' && t.queryMode === 'Metrics') {
      if (!CLOUDWATCH_ID.test(t.id))
        problems.push(`${where}.targets[${i}]: CloudWatch id "${t.id}" must start lower-case`);
      ids.add(t.id);
    }
  }
  for (const [i, t] of targets.entries()) {
    if (!isObj(t) || t.queryMode !== 'Metrics' || typeof t.expression !== 'string' || t.expression === '') continue;
    for (const ref of mathReferences(t.expression))
      if (!ids.has(ref)) problems.push(`${where}.targets[${i}]: expression refers to unknown query id "${ref}"`);
  }
}

/** Problems found, one line each; empty when the dashboard is structurally valid. */
export function validateGrafanaDashboard(json: unknown, options: ValidateOptions = {}): string[] {
  const problems: string[] = [];
  if (!isObj(json)) return ['dashboard: not a JSON object'];
  if (!isInt(json.schemaVersion) || json.schemaVersion < MIN_SCHEMA_VERSION)
    problems.push(
      `schemaVersion: expected a whole number >= ${MIN_SCHEMA_VERSION}, got ${JSON.stringify(json.schemaVersion)}`,
    );
  if (typeof json.uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(json.uid))
    problems.push(`uid: expected 1-40 letters, digits, "-" or "_", got ${JSON.stringify(json.uid)}`);
  if (typeof json.title !== 'string' || json.title === '') problems.push('title: missing');

  const variables = isObj(json.templating) && Array.isArray(json.templating.list) ? json.templating.list : [];
  const dsVariables = new Map<string, string>();
  for (const v of variables) if (isObj(v) && v.type === 'datasource') dsVariables.set(String(v.name), String(v.query));
  const known = new Set(options.knownDatasourceUids ?? []);
  const resolves = (ds: unknown): string | undefined => {
    if (!isObj(ds) || typeof ds.uid !== 'string') return `${JSON.stringify(ds)} has no uid`;
    const variable = /^\$\{([^}:]+)\}$|^\$([A-Za-z0-9_]+)$/.exec(ds.uid);
    if (variable) {
      const name = variable[1] ?? variable[2];
      const type = dsVariables.get(name);
      if (type === undefined) return `uses variable "${name}", which is not a data source variable of the dashboard`;
      if (ds.type !== undefined && ds.type !== type) return `is a ${String(ds.type)} query on a ${type} variable`;
      return undefined;
    }
    if (BUILT_IN.includes(ds.uid) || known.has(ds.uid)) return undefined;
    return `uid "${ds.uid}" is neither a dashboard variable nor a known data source`;
  };

  const panels = Array.isArray(json.panels) ? (json.panels as unknown[]) : [];
  if (panels.length === 0) problems.push('panels: none');
  const seenIds = new Map<number, number>();
  const boxes: { where: string; pos: Pos }[] = [];
  const flat = panels.flatMap((p) => (isObj(p) && Array.isArray(p.panels) ? [p, ...(p.panels as unknown[])] : [p]));
  for (const [i, panel] of flat.entries()) {
    const where = `panels[${i}]`;
    if (!isObj(panel)) {
      problems.push(`${where}: not an object`);
      continue;
    }
    if (!isInt(panel.id) || panel.id < 1) problems.push(`${where}: id must be a positive whole number`);
    else if (seenIds.has(panel.id))
      problems.push(`${where}: duplicate panel id ${panel.id} (also panels[${seenIds.get(panel.id)}])`);
    else seenIds.set(panel.id, i);
    if (typeof panel.type !== 'string' || panel.type === '') problems.push(`${where}: missing type`);
    const g = panel.gridPos;
    if (!isObj(g) || ![g.x, g.y, g.w, g.h].every(isInt)) {
      problems.push(`${where}: gridPos must have whole-number x, y, w, h`);
    } else {
      const pos = g as unknown as Pos;
      if (pos.x < 0 || pos.y < 0 || pos.w < 1 || pos.h < 1 || pos.x + pos.w > 24)
        problems.push(`${where}: gridPos ${JSON.stringify(pos)} is outside the 24-column grid`);
      for (const other of boxes)
        if (overlaps(pos, other.pos)) problems.push(`${where}: gridPos overlaps ${other.where}`);
      boxes.push({ where, pos });
    }
    if (panel.type !== 'row') checkTargets(panel, where, resolves, problems);
  }
  return problems;
}
