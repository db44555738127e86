// jest's node environment for mutation runs, with bail: once a test of a mutant run has failed, the mutant is
// killed, so the covering tests still to come are skipped instead of run (jest's own `bail` exits the process,
// which Stryker's in-process runner cannot use). jest-by-test-file.mjs opens a run's state before each mutant
// run; without it (the dry run, which must run every test for coverage) every test runs.
const { TestEnvironment } = require('jest-environment-node');

const MUTANT_RUN = Symbol.for('sre-kit.mutation.mutantRun');

class BailEnvironment extends TestEnvironment {
  /** @param {{ name: string, test?: { mode?: string, errors: unknown[] } }} event */
  handleTestEvent(event) {
    const run = globalThis[MUTANT_RUN];
    if (!run || !event.test) return;
    if (event.name === 'test_start' && run.failed) event.test.mode = 'skip';
    else if (event.name === 'test_done' && event.test.errors.length > 0) run.failed = true;
  }
}

module.exports = BailEnvironment;
module.exports.MUTANT_RUN = MUTANT_RUN;
