// `node --test mutation/`: the fold of a narrowed run into its run's incremental file (merge-report.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeReports, withoutTimeouts } from './merge-report.mjs';

const mutant = (id, status, coveredBy, killedBy) => ({ id, status, coveredBy, killedBy, mutatorName: 'X' });

// The narrowed run (area "a": src/a.ts) numbered its tests 0..1; the earlier full run numbered the same tests
// differently, and knew a test ("gone") that the narrowed run did not load.
const partial = {
  files: { 'src/a.ts': { mutants: [mutant('1', 'Killed', ['0', '1'], ['1'])] } },
  testFiles: {
    'test/a.test.ts': { source: 'new a', tests: [{ id: '0', name: 'a works' }] },
    'test/b.test.ts': { source: 'new b', tests: [{ id: '1', name: 'b works' }] },
  },
};
const previous = {
  files: {
    'src/a.ts': { mutants: [mutant('1', 'Survived', ['7'], undefined)] },
    'src/b.ts': { mutants: [mutant('2', 'Killed', ['7', '8', '9'], ['8']), mutant('3', 'Survived', ['9'])] },
    'src/gone-from-a.ts': { mutants: [mutant('4', 'Killed', ['7', '10'], ['10'])] },
  },
  testFiles: {
    'test/a.test.ts': { source: 'old a', tests: [{ id: '7', name: 'a works' }] },
    'test/b.test.ts': {
      source: 'old b',
      tests: [
        { id: '8', name: 'b works' },
        { id: '9', name: 'gone' },
        { id: '10', name: 'covered only what the areas run hold' },
      ],
    },
  },
};
const keep = (file) => file === 'src/b.ts';

test('the areas run take the new results; the others keep theirs, under the new run test ids', () => {
  const merged = mergeReports(partial, previous, keep);
  assert.deepEqual(merged.files['src/a.ts'], partial.files['src/a.ts']);
  assert.equal(merged.files['src/gone-from-a.ts'], undefined, 'a file of the areas run is not revived');
  const [killed, survived] = merged.files['src/b.ts'].mutants;
  assert.deepEqual(killed.coveredBy, ['0', '1', '2']);
  assert.deepEqual(killed.killedBy, ['1']);
  assert.deepEqual(survived.coveredBy, ['2']);
  assert.equal(survived.killedBy, undefined);
});

test('a test only the earlier run knew, and a kept mutant names, keeps an id no new test has', () => {
  const merged = mergeReports(partial, previous, keep);
  assert.equal(merged.testFiles['test/b.test.ts'].source, 'new b');
  assert.deepEqual(
    merged.testFiles['test/b.test.ts'].tests.map((t) => [t.id, t.name]),
    [
      ['1', 'b works'],
      ['2', 'gone'],
    ],
  );
  assert.deepEqual(partial.testFiles['test/b.test.ts'].tests.length, 1, 'the narrowed report is not changed');
});

test('without an earlier file the narrowed report is the result', () => {
  assert.equal(mergeReports(partial, undefined, keep), partial);
});

test('--retest-timeouts drops the timed-out mutants of the areas run, and nothing else', () => {
  const report = {
    files: {
      'src/a.ts': { mutants: [mutant('1', 'Timeout'), mutant('2', 'Killed'), mutant('3', 'Survived')] },
      'src/b.ts': { mutants: [mutant('4', 'Timeout')] },
    },
    testFiles: previous.testFiles,
  };
  const dropped = withoutTimeouts(report, (file) => file === 'src/a.ts');
  assert.deepEqual(
    dropped.files['src/a.ts'].mutants.map((m) => m.id),
    ['2', '3'],
  );
  assert.deepEqual(dropped.files['src/b.ts'], report.files['src/b.ts']);
  assert.equal(dropped.testFiles, report.testFiles);
  assert.equal(report.files['src/a.ts'].mutants.length, 3, 'the report read is left as it was');
});
