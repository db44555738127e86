// `node --test mutation/`: which mutants the "messages" ignorer leaves out, through Stryker's own instrumenter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { messageIgnorer } from './ignore-messages.mjs';

const quiet = { isDebugEnabled: () => false, isTraceEnabled: () => false, debug() {}, trace() {}, info() {} };
quiet.warn = quiet.error = quiet.info;

async function stringMutants(code) {
  const instrumenter = new Instrumenter(quiet);
  const { mutants } = await instrumenter.instrument([{ name: 'x.ts', content: code, mutate: true }], {
    plugins: null,
    excludedMutations: [],
    ignorers: [messageIgnorer],
  });
  return mutants
    .filter((m) => m.mutatorName === 'StringLiteral')
    .map((m) => [code.split('\n')[m.location.start.line].trim(), m.status === 'Ignored' || Boolean(m.ignoreReason)]);
}

test('the words of errors, diagnostics and logs are left out; strings the program acts on stay', async () => {
  const code = [
    'export function f(at: any, n: number, log: any) {',
    "  if (n > 1) at.error(`too many: ${n}`, 'use one');",
    "  if (n < 0) throw new RangeError('negative ' + n);",
    "  log('info', n ? 'some' : 'none');",
    "  const name = at.string(true, 'a receiver name');",
    "  return { status: 'sent', metric: 'Errors', name };",
    '}',
  ].join('\n');
  const byLine = await stringMutants(code);
  const ignored = (line) => byLine.filter(([l]) => l.startsWith(line)).map(([, i]) => i);
  assert.deepEqual(ignored('if (n > 1)'), [true, true]);
  assert.deepEqual(ignored('if (n < 0)'), [true]);
  assert.deepEqual(ignored("log('info'"), [true, true, true]);
  assert.deepEqual(ignored('const name'), [true]);
  assert.deepEqual(ignored('return {'), [false, false]);
});
