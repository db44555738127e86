// The critical paths under mutation testing (issue 21), one area per package folder, for a score per area.
// Areas that share a package and its test selection share one Stryker run (one dry run, one type-checker
// program, one incremental file): a run's fixed cost is minutes in the cdk and the api, and mutants of one
// package are judged by the same tests whichever area holds them. Each run uses its package's own jest
// config, so the tests that kill its mutants are the package's own tests, as `npm test` runs them.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {{ name: string, run: string, pkg: string, mutate: string[], skipTests?: string[], tests?: string[] }} Area */
/** @typedef {{ name: string, pkg: string, skipTests: string[], tests?: string[], areas: Area[], mutate: string[] }} Run */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `file:first-last` for Stryker, the lines of the member that starts at the line holding `start` and ends at the
 * first closing brace indented as it is. Found by text, so that edits above it do not move the range off the
 * code (a fixed range once pointed at a neighbouring method).
 */
function memberOf(file, start) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const first = lines.findIndex((line) => line.includes(start));
  if (first < 0) throw new Error(`mutation: no "${start}" in ${file}`);
  const indent = lines[first].match(/^\s*/)[0];
  const last = lines.findIndex((line, i) => i > first && line === `${indent}}`);
  if (last < 0) throw new Error(`mutation: no end for "${start}" in ${file}`);
  return `${file}:${first + 1}-${last + 1}`;
}

// Suites that spawn promtool or replay weeks of samples take 10-40 s a file; they run for the area they
// exist for (prometheus/) and are left out elsewhere, where the unit tests state the behaviour.
const slowCoreSuites = ['/test/prometheus/promtool', '/test/simulate/'];

/** @type {Area[]} */
export const areas = [
  {
    name: 'core-math',
    run: 'core',
    pkg: 'packages/core',
    skipTests: slowCoreSuites,
    mutate: ['packages/core/src/math/**/*.ts'],
  },
  {
    name: 'core-spec',
    run: 'core',
    pkg: 'packages/core',
    skipTests: slowCoreSuites,
    // The validation of SLO specs: the OpenSLO and Sloth readers, their indicators, metric sources, alerting and
    // per-SLO tier controls, and the checks across a whole SLO. Left out for the run's budget: the YAML cursor
    // and plumbing (reader, files, context, diagnostics, suggest) and the sre-kit document kinds (AlarmPolicy,
    // AlertRouting, ErrorBudgetPolicy, maintenance windows), 2,000 mutants that would double the core run.
    mutate: [
      'packages/core/src/spec/openslo*.ts',
      'packages/core/src/spec/sloth.ts',
      'packages/core/src/spec/checks.ts',
      'packages/core/src/spec/tier-controls.ts',
      'packages/core/src/spec/metric-source.ts',
      'packages/core/src/spec/load.ts',
      'packages/core/src/spec/promql-syntax.ts',
      'packages/core/src/spec/cloudwatch.ts',
    ],
  },
  {
    name: 'core-prometheus',
    run: 'core-prometheus',
    pkg: 'packages/core',
    mutate: ['packages/core/src/prometheus/**/*.ts'],
  },
  {
    name: 'core-review',
    run: 'core',
    pkg: 'packages/core',
    skipTests: slowCoreSuites,
    mutate: ['packages/core/src/review/analyse.ts'],
  },
  {
    name: 'router-routing',
    run: 'alert-router',
    pkg: 'packages/alert-router',
    mutate: ['packages/alert-router/src/routing/**/*.ts'],
  },
  {
    name: 'router-engine',
    run: 'alert-router',
    pkg: 'packages/alert-router',
    mutate: ['packages/alert-router/src/engine/**/*.ts'],
  },
  {
    name: 'router-state',
    run: 'alert-router',
    pkg: 'packages/alert-router',
    mutate: ['packages/alert-router/src/state/**/*.ts'],
  },
  {
    name: 'router-delivery',
    run: 'alert-router',
    pkg: 'packages/alert-router',
    mutate: ['packages/alert-router/src/delivery/**/*.ts'],
  },
  // The cdk's tests synthesize stacks, and a test that builds a whole kit (seven families, dashboards, nested
  // stacks) takes 3-6 s: a mutant covered by every suite that builds a kit cost 26 s on average in a first cold
  // run, which put the three areas (1,500 mutants) at five hours. Each area is therefore its own run, judged by
  // the suites that state its behaviour: the families and SLOs by their unit suites, which build one family or
  // one SLO a test (0.1-0.3 s), placement by its own suite and the kit's. The other suites (the alarm contract,
  // the examples, topics and validation) still run in `npm test`; leaving them out can only lower a score.
  {
    name: 'cdk-slo',
    run: 'cdk-slo',
    pkg: 'packages/cdk',
    tests: ['test/slo.test.ts', 'test/slo-tiers.test.ts', 'test/slo-sources.test.ts'],
    mutate: ['packages/cdk/src/slo/**/*.ts'],
  },
  {
    name: 'cdk-placement',
    run: 'cdk-placement',
    pkg: 'packages/cdk',
    tests: ['test/placement.test.ts', 'test/placement-limits.test.ts', 'test/sre-kit.test.ts'],
    mutate: ['packages/cdk/src/placement.ts'],
  },
  {
    name: 'cdk-families',
    run: 'cdk-families',
    pkg: 'packages/cdk',
    tests: [
      'test/families.test.ts',
      'test/family-options.test.ts',
      'test/family-catalogue.test.ts',
      'test/catalogue-extension.test.ts',
      'test/preconditions.test.ts',
    ],
    mutate: ['packages/cdk/src/families/**/*.ts'],
  },
  {
    name: 'app-auth',
    run: 'api',
    pkg: 'reference-app/api',
    // The owner check of the card service and the token helpers it relies on.
    mutate: [
      'reference-app/api/src/domain/tokens.ts',
      memberOf('reference-app/api/src/domain/cards.ts', 'private async authorised('),
    ],
  },
  { name: 'app-delivery', run: 'api', pkg: 'reference-app/api', mutate: ['reference-app/api/src/delivery/service.ts'] },
  {
    name: 'app-scheduler',
    run: 'api',
    pkg: 'reference-app/api',
    mutate: ['reference-app/api/src/adapters/scheduler/*.ts'],
  },
  {
    name: 'app-validation',
    run: 'api',
    pkg: 'reference-app/api',
    mutate: ['reference-app/api/src/domain/validation.ts'],
  },
];

/** @type {Run[]} */
export const runs = [];
for (const area of areas) {
  let run = runs.find((r) => r.name === area.run);
  if (!run)
    runs.push(
      (run = {
        name: area.run,
        pkg: area.pkg,
        skipTests: area.skipTests ?? [],
        tests: area.tests,
        areas: [],
        mutate: [],
      }),
    );
  if (
    run.pkg !== area.pkg ||
    String(run.skipTests) !== String(area.skipTests ?? []) ||
    String(run.tests) !== String(area.tests)
  ) {
    throw new Error(`mutation: area ${area.name} differs from run ${run.name} in package or test selection`);
  }
  run.areas.push(area);
  run.mutate.push(...area.mutate);
}

/** @param {string} name */
export function runNamed(name) {
  const run = runs.find((r) => r.name === name);
  if (!run) throw new Error(`mutation: no run "${name}"; known runs: ${runs.map((r) => r.name).join(', ')}`);
  return run;
}

/**
 * Whether a mutant (report path relative to the repository, 1-based line) belongs to an area: its file matches one
 * of the area's patterns (`dir/**\/*.ts`, `dir/*.ts`, a file, or `file:first-last` for a line range). Without a
 * line: whether the area mutates anything in the file.
 */
export function inArea(area, file, line) {
  return area.mutate.some((pattern) => {
    const [glob, range] = pattern.split(':');
    if (!globRegExp(glob).test(file)) return false;
    if (!range || line === undefined) return true;
    const [first, last] = range.split('-').map(Number);
    return line >= first && line <= last;
  });
}

function globRegExp(glob) {
  let source = '';
  for (const part of glob.split('/')) {
    if (part === '**') source += '(?:[^/]+/)*';
    else source += `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}/`;
  }
  return new RegExp(`^${source.slice(0, -1)}$`);
}

/** @param {string} name */
export function areaNamed(name) {
  const area = areas.find((a) => a.name === name);
  if (!area) {
    throw new Error(`mutation: no area "${name}"; known areas: ${areas.map((a) => a.name).join(', ')}`);
  }
  return area;
}
