/**
 * Parses spec texts (files are read in files.ts): classify
 * every YAML document by apiVersion/kind, then parse in dependency order so
 * references resolve whatever file they live in. Nothing here throws on bad
 * input: every problem becomes a located Diagnostic in the returned SpecSet.
 */
import { basename, extname } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { parseAlarmPolicy } from './alarm-policy';
import { parseAlertRouting } from './alert-routing';
import { parseDashboardSpec } from '../dashboards/spec';
import { checkDuplicateSloNames } from './checks';
import { ParseContext } from './context';
import { sortDiagnostics, type Diagnostic } from './diagnostics';
import { parseErrorBudgetPolicy } from './error-budget-policy';
import { checkStandaloneAlerting } from './openslo-alerting';
import { parseDataSource, parseOpenSloSlo, parseService } from './openslo';
import { sliByName } from './openslo-sli';
import { At, type YamlSource } from './reader';
import { parseAlertWindows, parseSlothBody } from './sloth';
import { suggestion } from './suggest';
import type { SpecSet } from './types';

export const KINDS: Readonly<Record<string, readonly string[]>> = {
  'openslo/v1': ['SLO', 'SLI', 'Service', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'],
  'sre-kit/v1': ['AlarmPolicy', 'AlertRouting', 'Dashboard', 'ErrorBudgetPolicy'],
  'sloth.slok.dev/v1': ['AlertWindows', 'PrometheusServiceLevel'],
};
const SLOTH_VERSION = 'prometheus/v1';
const NAME = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

export interface SpecText {
  readonly file: string;
  readonly text: string;
}

function register(root: At, ctx: ParseContext, slothBodies: { body: At; extra: string[] }[]): void {
  if (!root.present) return; // an empty document, e.g. after a trailing `---`
  if (!root.isMap) {
    root.error(
      `expected a spec document, got ${root.describe()}`,
      'start with apiVersion and kind, or Sloth version: prometheus/v1',
    );
    return;
  }
  if (root.has('version') && !root.has('apiVersion')) {
    const versionAt = root.get('version');
    const version = versionAt.text(true);
    if (version === SLOTH_VERSION) slothBodies.push({ body: root, extra: ['version'] });
    else if (version !== undefined)
      versionAt.error(`unknown Sloth spec version "${version}"`, `sre-kit reads version: ${SLOTH_VERSION}`);
    return;
  }
  if (!root.has('apiVersion') && !root.has('kind')) {
    root.error(
      'not a spec document: no apiVersion and kind',
      root.has('groups')
        ? 'this looks like a Prometheus rules file (generated output?); sre-kit reads the specs it came from'
        : 'start with apiVersion and kind, or Sloth version: prometheus/v1',
    );
    return;
  }
  const apiAt = root.get('apiVersion');
  const apiVersion = apiAt.string(true, 'apiVersion');
  const kindAt = root.get('kind');
  const kind = kindAt.string(true, 'kind');
  if (apiVersion === undefined || kind === undefined) return;
  const kinds = KINDS[apiVersion];
  if (!kinds) {
    apiAt.error(`unknown apiVersion "${apiVersion}"`, suggestion(apiVersion, Object.keys(KINDS)));
    return;
  }
  if (!kinds.includes(kind)) {
    const home = Object.keys(KINDS).find((api) => KINDS[api].includes(kind));
    kindAt.error(
      `unknown kind "${kind}" for ${apiVersion}`,
      home ? `${kind} is apiVersion ${home}` : suggestion(kind, kinds),
    );
    return;
  }
  root.fields(['apiVersion', 'kind', 'metadata', 'spec']);
  const metadata = root.get('metadata');
  if (kind === 'AlertWindows' || kind === 'PrometheusServiceLevel') {
    if (metadata.expectMap()) metadata.fields(['name', 'labels', 'annotations', 'namespace']);
    if (kind === 'PrometheusServiceLevel') {
      slothBodies.push({ body: root.get('spec'), extra: [] });
      return;
    }
    let name = metadata.get('name').string() ?? basename(root.src.file, extname(root.src.file));
    // Several unnamed AlertWindows in one file: number the later ones.
    for (let n = 2; ctx.alertWindowDocs.some((d) => d.name === name && d.root.src.file === root.src.file); n++) {
      name = `${basename(root.src.file, extname(root.src.file))}-${n}`;
    }
    ctx.alertWindowDocs.push({ root, name });
    return;
  }
  if (!metadata.expectMap(true, 'metadata with a name')) return;
  metadata.fields(['name', 'displayName', 'labels', 'annotations']);
  const nameAt = metadata.get('name');
  const name = nameAt.string(true, 'metadata.name');
  if (name === undefined) return;
  if (!NAME.test(name) || name.length > 253) {
    nameAt.error(`name "${name}" is not a valid DNS name`, 'use lower-case letters, digits, "-" and "."');
  }
  ctx.register({ root, kind, name, nameAt });
}

/** Parses spec texts into a SpecSet. Synchronous and free of I/O, so tests and editors can use it directly. */
export function loadSpecTexts(files: readonly SpecText[]): SpecSet {
  const ctx = new ParseContext();
  const slothBodies: { body: At; extra: string[] }[] = [];
  for (const { file, text } of files) {
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
    for (const doc of Array.isArray(docs) ? docs : []) {
      const src: YamlSource = { file, text, lineCounter, doc, diagnostics: ctx.diagnostics };
      const problems = [
        ...doc.errors.map((e) => ['error', e] as const),
        ...doc.warnings.map((w) => ['warning', w] as const),
      ];
      for (const [severity, problem] of problems) {
        const { line, col } = lineCounter.linePos(problem.pos[0]);
        ctx.diagnostics.push({ severity, file, line, col, path: '(yaml)', message: problem.message.split('\n')[0] });
      }
      // A document that is not valid YAML would only produce follow-on noise.
      if (doc.errors.length === 0) register(At.root(src), ctx, slothBodies);
    }
  }
  for (const doc of ctx.all('Service')) parseService(doc, ctx);
  for (const doc of ctx.all('DataSource')) parseDataSource(doc, ctx);
  for (const { root, name } of ctx.alertWindowDocs) parseAlertWindows(root, name, ctx);
  for (const doc of ctx.all('SLO')) parseOpenSloSlo(doc, ctx);
  for (const doc of ctx.all('SLI')) sliByName(doc.name, ctx);
  checkStandaloneAlerting(ctx);
  for (const { body, extra } of slothBodies) parseSlothBody(body, ctx, extra);
  for (const doc of ctx.all('AlarmPolicy')) parseAlarmPolicy(doc, ctx);
  for (const doc of ctx.all('AlertRouting')) parseAlertRouting(doc, ctx);
  for (const doc of ctx.all('Dashboard')) {
    const group = parseDashboardSpec(doc);
    if (group) ctx.dashboardPanels.push(group);
  }
  checkDuplicateSloNames(ctx);
  // After every SLO (OpenSLO and Sloth) is known: a policy names the SLOs it governs.
  for (const doc of ctx.all('ErrorBudgetPolicy')) parseErrorBudgetPolicy(doc, ctx);

  return {
    files: files.map((f) => f.file),
    slos: ctx.slos,
    alarmPolicies: ctx.alarmPolicies,
    routings: ctx.routings,
    alertWindows: Object.fromEntries([...ctx.alertWindows].map(([name, named]) => [name, named.policy])),
    services: ctx.services,
    dataSources: ctx.dataSources,
    notificationTargets: ctx.notificationTargets,
    dashboardPanels: ctx.dashboardPanels,
    errorBudgetPolicies: ctx.errorBudgetPolicies,
    diagnostics: sortDiagnostics(dedupe(ctx.diagnostics)),
  };
}

/** A shared SLI or condition is checked once per user; identical reports collapse into one. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.path}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
