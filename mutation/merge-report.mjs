// Folding a narrowed run's results back into its run's incremental file.
//
// `npm run mutation -- --area cdk-placement` mutates only that area, and Stryker then writes an incremental file
// holding that area's files alone: the run's other areas would be lost, and the next run would test them all
// again. So the earlier file's other files are kept beside the new results. Test ids are numbers Stryker hands
// out per run, so the kept mutants' covering and killing tests are renamed to the new run's ids, matching a test
// by its file and full name; a test the new run no longer knows keeps an id of its own, so Stryker's next run sees
// it as removed or changed and tests its mutants again.

const testKey = (file, name) => `${file}\u0000${name}`;

/**
 * @param {any} partial the narrowed run's report (mutation-testing-report-schema, as Stryker writes it)
 * @param {any | undefined} previous the run's incremental file before the narrowed run
 * @param {(file: string) => boolean} keep whether a source file of `previous` belongs to the areas not run
 * @returns {any} `partial` with `previous`'s other source files and their tests added
 */
export function mergeReports(partial, previous, keep) {
  if (!previous) return partial;
  const merged = JSON.parse(JSON.stringify(partial));
  merged.testFiles ??= {};
  const idOf = new Map();
  let nextId = 0;
  for (const [file, { tests }] of Object.entries(merged.testFiles)) {
    for (const test of tests) {
      idOf.set(testKey(file, test.name), test.id);
      nextId = Math.max(nextId, Number(test.id) + 1);
    }
  }

  const kept = Object.entries(previous.files).filter(([file]) => !merged.files[file] && keep(file));
  const referenced = new Set(
    kept.flatMap(([, entry]) => entry.mutants.flatMap((m) => [...(m.coveredBy ?? []), ...(m.killedBy ?? [])])),
  );
  const renamed = new Map();
  for (const [file, entry] of Object.entries(previous.testFiles ?? {})) {
    for (const test of entry.tests) {
      if (!referenced.has(test.id)) continue;
      let id = idOf.get(testKey(file, test.name));
      if (id === undefined) {
        id = String(nextId++);
        idOf.set(testKey(file, test.name), id);
        merged.testFiles[file] ??= { ...entry, tests: [] };
        merged.testFiles[file].tests.push({ ...test, id });
      }
      renamed.set(test.id, id);
    }
  }

  const rename = (ids) => ids?.map((id) => renamed.get(id) ?? id);
  for (const [file, entry] of kept) {
    merged.files[file] = {
      ...entry,
      mutants: entry.mutants.map((m) => ({
        ...m,
        ...(m.coveredBy ? { coveredBy: rename(m.coveredBy) } : {}),
        ...(m.killedBy ? { killedBy: rename(m.killedBy) } : {}),
      })),
    };
  }
  return merged;
}

/**
 * The report without the timed-out mutants of the given files, so that Stryker's next incremental run tests them
 * again (`--retest-timeouts`): a timeout counts as detected, and on a loaded machine a slow test run can pass
 * for a loop that never ends.
 * @param {any} report an incremental file
 * @param {(file: string) => boolean} selected the files whose timeouts are to be tested again
 */
export function withoutTimeouts(report, selected) {
  const files = {};
  for (const [file, entry] of Object.entries(report.files)) {
    files[file] = selected(file) ? { ...entry, mutants: entry.mutants.filter((m) => m.status !== 'Timeout') } : entry;
  }
  return { ...report, files };
}
