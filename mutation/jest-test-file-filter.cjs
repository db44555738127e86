// jest's `filter` for mutation runs (see jest-by-test-file.mjs): keeps the test files the runner selected for
// the current mutant, or every file jest found when it selected none (the dry run, hybrid static mutants).
const SELECTED_TEST_FILES = Symbol.for('sre-kit.mutation.selectedTestFiles');

/** @param {string[]} testPaths */
module.exports = async function keepSelectedTestFiles(testPaths) {
  const selected = globalThis[SELECTED_TEST_FILES];
  return { filtered: selected ? testPaths.filter((path) => selected.has(path)) : testPaths };
};
module.exports.SELECTED_TEST_FILES = SELECTED_TEST_FILES;
