// StrykerJS configuration for one run of the critical paths (the areas of one package, mutation/areas.mjs).
// `npm run mutation` runs it once per run with MUTATION_RUN set, then prints the scores (mutation/run.mjs).
import { fileURLToPath, URL } from 'node:url';
import { runNamed } from './mutation/areas.mjs';

const run = runNamed(process.env.MUTATION_RUN ?? 'core');
// `--area` narrows a run to some of its areas (their results are folded into the run's file afterwards).
const only = process.env.MUTATION_AREAS?.split(', ');
const areas = only ? run.areas.filter((area) => only.includes(area.name)) : run.areas;
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: areas.flatMap((area) => area.mutate),
  // Stryker's jest runner, narrowed to the test files of a mutant's covering tests (mutation/jest-by-test-file.mjs).
  testRunner: 'jest-by-test-file',
  plugins: [
    '@stryker-mutator/jest-runner',
    './mutation/jest-by-test-file.mjs',
    './mutation/ignore-messages.mjs',
    './mutation/typescript-file-checker.mjs',
  ],
  // The words of errors, diagnostics and log lines are not mutated (mutation/ignore-messages.mjs says why).
  ignorers: ['messages'],
  jest: {
    projectType: 'custom',
    configFile: `${run.pkg}/jest.config.js`,
    config: {
      testPathIgnorePatterns: ['/node_modules/', ...run.skipTests],
      // A run judged by some of its package's suites (the cdk's areas) names them.
      ...(run.tests ? { testMatch: run.tests.map((file) => `<rootDir>/${file}`) } : {}),
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
  // Mutants that do not type-check are not bugs anyone could ship: tsc drops them before a test runs. Stryker's own
  // checker (tsc's solution builder in watch mode) cost 10-20 s of CPU a mutant against aws-cdk-lib's types;
  // mutation/typescript-file-checker.mjs gives the same verdict from one builder program kept in memory, in well
  // under a second, so every run uses it.
  checkers: ['typescript-file'],
  // Stryker marks every sandbox file @ts-nocheck, which the api's tests need (they build the sandbox with tsc,
  // and the instrumented code's inferred types break the files that use them); the cdk's files stay as they
  // are, since a test compares an example file with the README's copy (@swc/jest never type-checks anyway).
  ...(run.pkg === 'packages/cdk' ? { disableTypeChecks: false } : {}),
  tsconfigFile: `${run.pkg}/tsconfig.json`,
  // Kept in the repository, so a run only tests the mutants of code or tests changed since the last one.
  incremental: true,
  incrementalFile: `mutation/incremental/${run.name}.json`,
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${run.name}.json` },
  // Stryker gives half of `concurrency` to type-checkers and half to test runners. The checker is idle most of
  // the time (it checks mutants in groups, ahead of the runners), so 4 on two cores keeps two test runners busy
  // where 2 left one core half idle. MUTATION_CONCURRENCY overrides it.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 4),
  // A mutant run that takes this much longer than its tests took in the dry run counts as a timeout, which Stryker
  // scores as detected (a loop that never ends). A loaded machine slows the cdk's synth tests more than that: in
  // the first cold cdk-placement run, 65 of 148 detections were timeouts spread over the whole file, most of them
  // slow runs rather than loops. The cdk runs therefore wait a minute more.
  timeoutMS: run.pkg === 'packages/cdk' ? 60_000 : 15_000,
  dryRunTimeoutMinutes: 20,
  // Generated folders stay out of the sandbox copy; the sources, specs and dist/ folders the tests read go in.
  ignorePatterns: ['**/cdk.out', '**/coverage', 'test-artifacts', 'reports', 'mutation/incremental'],
  cleanTempDir: 'always',
};
