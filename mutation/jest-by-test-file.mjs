// A Stryker test runner, "jest-by-test-file": Stryker's own jest runner, except that a mutant run loads only the
// test files holding the tests that covered the mutant in the dry run, and stops running tests at the first
// failure (jest-bail-environment.cjs).
//
// Why: for a mutant, the jest runner asks jest for every test file that imports the mutated file
// (--findRelatedTests) and narrows the tests by name. Every package test reaches its sources through the
// package's index.ts, so each mutant made jest load and collect the whole package's test files (34 in core, about
// 4 s of CPU) to run the tests of five files or so (the median in core/math). The tests that run are the same:
// only the covering tests can see the mutant, and jest still picks them by name.
//
// Mutants that also run when a module loads ("hybrid" static ones: most of core/math, which test files and
// tables call at load) are narrowed too. Stryker, with ignoreStatic, already judges them by their covering
// tests alone; what a file outside those would add is only a crash while loading, which Stryker reports as a
// runtime error and leaves out of the score either way.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, MutantRunStatus } from '@stryker-mutator/api/test-runner';
import { strykerPlugins as jestPlugins } from '@stryker-mutator/jest-runner';
import { MUTANT_RUN } from './jest-bail-environment.cjs';
import { SELECTED_TEST_FILES } from './jest-test-file-filter.cjs';

const jestFactory = jestPlugins.find((plugin) => plugin.name === 'jest').factory;

// Test runner processes share the sandbox (their working directory); the one that ran the dry run leaves the
// test -> file map there for those started later.
const mapFile = () => resolve(process.cwd(), '.stryker-test-files.json');

export class JestByTestFile {
  /** test id (its full name, which two files may share) -> the files holding it; @type {Map<string, string[]> | undefined} */
  filesOfTest;

  constructor(inner) {
    this.inner = inner;
  }

  init() {
    return this.inner.init();
  }

  capabilities() {
    return this.inner.capabilities();
  }

  async dryRun(options) {
    const result = await this.inner.dryRun(options);
    if (result.status === DryRunStatus.Complete) {
      const files = new Map();
      for (const { id, fileName } of result.tests) {
        if (fileName) files.set(id, [...(files.get(id) ?? []), fileName]);
      }
      this.filesOfTest = files;
      writeFileSync(mapFile(), JSON.stringify([...files]));
    }
    return result;
  }

  async mutantRun(options) {
    const files = this.testFilesOf(options.testFilter);
    globalThis[SELECTED_TEST_FILES] = files;
    globalThis[MUTANT_RUN] = { failed: false };
    const started = performance.now();
    try {
      let result = await this.inner.mutantRun(options);
      // A test that failed because a shared service was down did not see the mutant: the kill would be false.
      // Wait for the service, run the mutant again, and stop the whole run if the service stays away.
      const down = refusedService(result);
      if (down) {
        await waitForService(down);
        globalThis[MUTANT_RUN] = { failed: false };
        result = await this.inner.mutantRun(options);
        if (refusedService(result)) {
          throw new Error(`mutation: ${down} refused connections twice; a kill by a refused connection is not a kill`);
        }
      }
      trace(options, files, result.status, started);
      return result;
    } finally {
      delete globalThis[SELECTED_TEST_FILES];
      delete globalThis[MUTANT_RUN];
    }
  }

  /** The files of the given tests, or undefined (no narrowing) when one of them is not known. */
  testFilesOf(testIds) {
    if (!testIds) return undefined;
    this.filesOfTest ??= new Map(JSON.parse(readFileSync(mapFile(), 'utf8')));
    const files = new Set();
    for (const id of testIds) {
      const holders = this.filesOfTest.get(id);
      if (!holders) return undefined;
      for (const file of holders) files.add(file);
    }
    return files;
  }

  dispose() {
    return this.inner.dispose?.();
  }
}

// The services the package tests share with every other process on the machine (MariaDB); a kill whose failure
// names a refused connection to one of them is a test that could not run. MUTATION_SERVICES overrides the list
// (host:port, comma separated). A test that expects a refused connection uses a port of its own.
export const sharedServices = () => (process.env.MUTATION_SERVICES ?? '127.0.0.1:3306').split(',').filter(Boolean);

/** The shared service a killed mutant's failure says refused a connection, if any. */
export function refusedService(result, services = sharedServices()) {
  if (result.status !== MutantRunStatus.Killed) return undefined;
  // Not followed by a digit: 127.0.0.1:33061 is some other server.
  const refused = (service) => new RegExp(`ECONNREFUSED ${service.replaceAll('.', '\\.')}(?!\\d)`);
  return services.find((service) => refused(service).test(result.failureMessage ?? ''));
}

async function waitForService(service, ms = 120_000) {
  const [host, port] = service.split(':');
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const up = await new Promise((done) => {
      const socket = connect(Number(port), host, () => done(socket.end() && true));
      socket.on('error', () => done(false));
    });
    if (up) return;
    await sleep(2_000);
  }
  throw new Error(`mutation: ${service} has refused connections for ${ms / 1000} s; start it and run again`);
}

// MUTATION_TRACE=file: one line per mutant run (id, tests, test files, status, ms), to see where a run's time goes.
function trace({ activeMutant, testFilter }, files, status, started) {
  if (!process.env.MUTATION_TRACE) return;
  const ms = Math.round(performance.now() - started);
  const line = [activeMutant.id, activeMutant.fileName, testFilter?.length ?? 'all', files?.size ?? 'all', status, ms];
  appendFileSync(process.env.MUTATION_TRACE, `${line.join('\t')}\n`);
}

function jestByTestFileFactory(injector) {
  return new JestByTestFile(injector.injectFunction(jestFactory));
}
jestByTestFileFactory.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'jest-by-test-file', jestByTestFileFactory)];
