// StrykerJS configuration for one area of the critical paths (mutation/areas.mjs). `npm run mutation` runs
// it once per area with MUTATION_AREA set, then prints the scores (mutation/run.mjs).
import { fileURLToPath, URL } from 'node:url';
import { areaNamed } from './mutation/areas.mjs';

const area = areaNamed(process.env.MUTATION_AREA ?? 'core-math');
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: area.mutate,
  // Stryker's jest runner, narrowed to the test files of a mutant's covering tests (mutation/jest-by-test-file.mjs).
  testRunner: 'jest-by-test-file',
  plugins: ['@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker', './mutation/jest-by-test-file.mjs'],
  jest: {
    projectType: 'custom',
    configFile: `${area.pkg}/jest.config.js`,
    config: {
      testPathIgnorePatterns: ['/node_modules/', ...(area.skipTests ?? [])],
      filter: here('./mutation/jest-test-file-filter.cjs'),
      // Bail: a mutant run stops at its first failing test (no later test or test file runs).
      testEnvironment: here('./mutation/jest-bail-environment.cjs'),
      runner: here('./mutation/jest-bail-runner.cjs'),
      testSequencer: here('./mutation/jest-bail-sequencer.cjs'),
    },
  },
  // Each mutant runs only the tests that executed its code in the dry run.
  coverageAnalysis: 'perTest',
  // A mutant in code that runs when a module loads (a constant table) can only be judged by running every
  // test of the package, which costs minutes per mutant here; they are reported as Ignored and counted apart.
  ignoreStatic: true,
  // Mutants that do not type-check are not bugs anyone could ship: tsc drops them before a test runs.
  checkers: ['typescript'],
  // Stryker marks every sandbox file @ts-nocheck, which the api's tests need (they build the sandbox with tsc,
  // and the instrumented code's inferred types break the files that use them); the cdk's files stay as they
  // are, since a test compares an example file with the README's copy (@swc/jest never type-checks anyway).
  ...(area.pkg === 'packages/cdk' ? { disableTypeChecks: false } : {}),
  tsconfigFile: `${area.pkg}/tsconfig.json`,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Kept in the repository, so a run only tests the mutants of code or tests changed since the last one.
  incremental: true,
  incrementalFile: `mutation/incremental/${area.name}.json`,
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${area.name}.json` },
  // Two cores: one test runner or checker per core.
  concurrency: 2,
  // The machine is shared; a slow run under load must not pass for a mutant that loops forever.
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 20,
  // Generated folders stay out of the sandbox copy; the sources, specs and dist/ folders the tests read go in.
  ignorePatterns: ['**/cdk.out', '**/coverage', 'test-artifacts', 'reports', 'mutation/incremental'],
  cleanTempDir: 'always',
};
