// The critical paths under mutation testing (issue 21), one area per package folder so a run can be narrowed
// to what changed: `npm run mutation -- --area core-math`. Each area runs against its own package's jest
// config, so the tests that kill its mutants are the package's own tests, as `npm test` runs them.

/** @typedef {{ name: string, pkg: string, mutate: string[], skipTests?: string[] }} Area */

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
    mutate: ['reference-app/api/src/domain/tokens.ts', 'reference-app/api/src/domain/cards.ts:260-267'],
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
