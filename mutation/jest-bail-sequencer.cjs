// jest's test order for mutation runs, made for bail (jest-bail-runner.cjs): the files that failed in the last
// run first, as jest does (they likely kill the next mutant of the same code too), then the quickest files
// first, where jest puts the slowest first to balance its workers. A killed mutant stops at its first failure,
// so the cheap files should get the chance; a surviving one runs every covering file whatever the order.
const Sequencer = require('@jest/test-sequencer').default;
const { MUTANT_RUN } = require('./jest-bail-environment.cjs');

class BailSequencer extends Sequencer {
  sort(tests) {
    if (!globalThis[MUTANT_RUN]) return super.sort(tests);
    const key = (test) => [this.hasFailed(test) ? 0 : 1, this.time(test) ?? Number.MAX_SAFE_INTEGER];
    const keyed = tests.map((test) => ({ test, key: key(test) }));
    keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
    return keyed.map(({ test }) => test);
  }
}

module.exports = BailSequencer;
