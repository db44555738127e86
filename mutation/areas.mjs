// The critical paths under mutation testing (issue 21), one area per package folder so a run can be narrowed
// to what changed: `npm run mutation -- --area core-math`. Each area runs against its own package's jest
// config, so the tests that kill its mutants are the package's own tests, as `npm test` runs them.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {{ name: string, pkg: string, mutate: string[], skipTests?: string[] }} Area */

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
  { name: 'core-math', pkg: 'packages/core', skipTests: slowCoreSuites, mutate: ['packages/core/src/math/**/*.ts'] },
  { name: 'core-spec', pkg: 'packages/core', skipTests: slowCoreSuites, mutate: ['packages/core/src/spec/**/*.ts'] },
  { name: 'core-prometheus', pkg: 'packages/core', mutate: ['packages/core/src/prometheus/**/*.ts'] },
  {
    name: 'core-review',
    pkg: 'packages/core',
    skipTests: slowCoreSuites,
    mutate: ['packages/core/src/review/analyse.ts'],
  },
  { name: 'router-routing', pkg: 'packages/alert-router', mutate: ['packages/alert-router/src/routing/**/*.ts'] },
  { name: 'router-engine', pkg: 'packages/alert-router', mutate: ['packages/alert-router/src/engine/**/*.ts'] },
  { name: 'router-state', pkg: 'packages/alert-router', mutate: ['packages/alert-router/src/state/**/*.ts'] },
  { name: 'router-delivery', pkg: 'packages/alert-router', mutate: ['packages/alert-router/src/delivery/**/*.ts'] },
  { name: 'cdk-slo', pkg: 'packages/cdk', mutate: ['packages/cdk/src/slo/**/*.ts'] },
  { name: 'cdk-placement', pkg: 'packages/cdk', mutate: ['packages/cdk/src/placement.ts'] },
  { name: 'cdk-families', pkg: 'packages/cdk', mutate: ['packages/cdk/src/families/**/*.ts'] },
  {
    name: 'app-auth',
    pkg: 'reference-app/api',
    // The owner check of the card service and the token helpers it relies on.
    mutate: [
      'reference-app/api/src/domain/tokens.ts',
      memberOf('reference-app/api/src/domain/cards.ts', 'private async authorised('),
    ],
  },
  { name: 'app-delivery', pkg: 'reference-app/api', mutate: ['reference-app/api/src/delivery/service.ts'] },
  { name: 'app-scheduler', pkg: 'reference-app/api', mutate: ['reference-app/api/src/adapters/scheduler/*.ts'] },
  { name: 'app-validation', pkg: 'reference-app/api', mutate: ['reference-app/api/src/domain/validation.ts'] },
];

/** @param {string} name */
export function areaNamed(name) {
  const area = areas.find((a) => a.name === name);
  if (!area) {
    throw new Error(`mutation: no area "${name}"; known areas: ${areas.map((a) => a.name).join(', ')}`);
  }
  return area;
}
