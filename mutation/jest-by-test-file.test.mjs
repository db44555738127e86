// The refused-connection guard of the jest-by-test-file runner: a mutant "killed" only because the shared
// MariaDB refused a connection is run again, and never counted as a kill.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MutantRunStatus } from '@stryker-mutator/api/test-runner';
import { JestByTestFile, refusedService } from './jest-by-test-file.mjs';

const killed = (failureMessage) => ({ status: MutantRunStatus.Killed, failureMessage, killedBy: ['t'], nrOfTests: 1 });
const survived = { status: MutantRunStatus.Survived, nrOfTests: 1 };
const options = { activeMutant: { id: '1', fileName: 'x.ts' }, testFilter: undefined };

/** An inner runner answering the given results in turn. */
function innerAnswering(...results) {
  const inner = { calls: 0, mutantRun: async () => results[Math.min(inner.calls++, results.length - 1)] };
  return inner;
}

describe('refusedService', () => {
  const services = ['127.0.0.1:3306'];
  it('names the shared service a killing failure could not reach', () => {
    const message = 'Error: connect ECONNREFUSED 127.0.0.1:3306\n    at TCPConnectWrap';
    assert.equal(refusedService(killed(message), services), '127.0.0.1:3306');
  });
  it('leaves other ports (a test that expects a refusal) and other failures alone', () => {
    assert.equal(refusedService(killed('connect ECONNREFUSED 127.0.0.1:33061'), services), undefined);
    assert.equal(refusedService(killed('expect(received).toBe(expected)'), services), undefined);
    assert.equal(refusedService(killed(undefined), services), undefined);
  });
  it('only looks at kills', () => {
    assert.equal(refusedService({ ...survived, failureMessage: 'ECONNREFUSED 127.0.0.1:3306' }, services), undefined);
  });
});

describe('a mutant run that met a refused connection', () => {
  let server;
  let service;
  before(async () => {
    server = createServer((socket) => socket.end());
    await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
    service = `127.0.0.1:${server.address().port}`;
    process.env.MUTATION_SERVICES = service;
  });
  after(() => {
    delete process.env.MUTATION_SERVICES;
    server.close();
  });

  it('is run again once the service answers, and the second verdict stands', async () => {
    const inner = innerAnswering(killed(`connect ECONNREFUSED ${service}`), survived);
    const result = await new JestByTestFile(inner).mutantRun(options);
    assert.equal(inner.calls, 2);
    assert.equal(result.status, MutantRunStatus.Survived);
  });

  it('stops the run when the second run is refused too', async () => {
    const inner = innerAnswering(killed(`connect ECONNREFUSED ${service}`));
    await assert.rejects(new JestByTestFile(inner).mutantRun(options), /refused connections twice/);
    assert.equal(inner.calls, 2);
  });

  it('keeps a real kill after one run', async () => {
    const inner = innerAnswering(killed('expected 2, got 3'));
    const result = await new JestByTestFile(inner).mutantRun(options);
    assert.equal(inner.calls, 1);
    assert.equal(result.status, MutantRunStatus.Killed);
  });
});
