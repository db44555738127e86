// jest's test runner for mutation runs, with bail across test files: once a test of a mutant run has failed
// (jest-bail-environment.cjs), the test files still to come are not loaded at all. Loading a file costs most of a
// mutant run here, because each loads its package's whole module graph in a fresh module registry. Stryker runs
// jest in band, where files run one after another anyway; the dry run keeps jest's own behaviour.
const TestRunner = require('jest-runner').default;
const { MUTANT_RUN } = require('./jest-bail-environment.cjs');

class BailRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (!options.serial || !globalThis[MUTANT_RUN]) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (globalThis[MUTANT_RUN].failed) return;
      await super.runTests([test], watcher, options);
    }
  }
}

module.exports = BailRunner;
