// The typescript-file checker on a small project written to a temporary folder: a mutant is a compile error
// when the mutated file, or a file that imports it, no longer type-checks, and only then.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CheckStatus } from '@stryker-mutator/api/check';
import { applyMutant, TypescriptFileChecker } from './typescript-file-checker.mjs';

const files = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'node16',
      declaration: true,
      composite: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
    },
    include: ['src'],
  }),
  'src/rate.ts': 'export function rate(bad: number, total: number) {\n  return total === 0 ? 0 : bad / total;\n}\n',
  'src/alarm.ts': "import { rate } from './rate.js';\n\nexport const breaching: boolean = rate(1, 10) > 0.05;\n",
};

/** A mutant replacing the first `find` in `file` (0-based line and column, as Stryker gives them). */
function mutant(dir, id, file, find, replacement) {
  const text = files[file];
  const at = text.indexOf(find);
  assert.ok(at >= 0, `${find} in ${file}`);
  const position = (offset) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, column: before.at(-1).length };
  };
  return {
    id,
    fileName: join(dir, file),
    mutatorName: 'test',
    replacement,
    location: { start: position(at), end: position(at + find.length) },
  };
}

describe('applyMutant', () => {
  it('replaces the located text, on any line', () => {
    const location = { start: { line: 1, column: 7 }, end: { line: 1, column: 12 } };
    assert.equal(applyMutant('one\nreturn total;\n', { location, replacement: '0' }), 'one\nreturn 0;\n');
  });
});

describe('TypescriptFileChecker', () => {
  let dir;
  let checker;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'file-checker-'));
    mkdirSync(join(dir, 'src'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    checker = new TypescriptFileChecker({ tsconfigFile: join(dir, 'tsconfig.json') });
    await checker.init();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a mutant that type-checks', async () => {
    const results = await checker.check([mutant(dir, '1', 'src/rate.ts', 'total === 0', 'false')]);
    assert.deepEqual(results, { 1: { status: CheckStatus.Passed } });
  });

  it('passes a mutant that only leaves a parameter unused (a lint finding, not a type error)', async () => {
    const results = await checker.check([mutant(dir, '8', 'src/rate.ts', 'total === 0 ? 0 : bad / total', '0')]);
    assert.deepEqual(results, { 8: { status: CheckStatus.Passed } });
  });

  it('drops a mutant that breaks its own file', async () => {
    const results = await checker.check([mutant(dir, '2', 'src/rate.ts', 'bad / total', 'bad.length')]);
    assert.equal(results[2].status, CheckStatus.CompileError);
    assert.match(results[2].reason, /rate\.ts/);
  });

  it('drops a mutant whose changed return type breaks a file that imports it', async () => {
    const results = await checker.check([mutant(dir, '3', 'src/rate.ts', 'bad / total', '"ratio"')]);
    assert.equal(results[3].status, CheckStatus.CompileError);
    assert.match(results[3].reason, /alarm\.ts/);
  });

  it('judges each mutant against the source, not the mutant before it', async () => {
    const results = await checker.check([
      mutant(dir, '4', 'src/alarm.ts', '0.05', '"x"'),
      mutant(dir, '5', 'src/alarm.ts', '> 0.05', '>= 0.05'),
      mutant(dir, '6', 'src/rate.ts', '? 0 :', '? 1 :'),
    ]);
    assert.equal(results[4].status, CheckStatus.CompileError);
    assert.deepEqual(results[5], { status: CheckStatus.Passed });
    assert.deepEqual(results[6], { status: CheckStatus.Passed });
  });

  it('passes a mutant in a file outside the project', async () => {
    const outside = { ...mutant(dir, '7', 'src/rate.ts', 'bad', 'x'), fileName: join(dir, 'script.ts') };
    assert.deepEqual(await checker.check([outside]), { 7: { status: CheckStatus.Passed } });
  });
});
