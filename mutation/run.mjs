// `npm run mutation [-- --area NAME ...] [--cold] [--retest-timeouts] [--summary] [--survivors]`: runs StrykerJS
// once per package run of the critical paths (all of them by default), then prints one score line per area and
// the total from Stryker's results. --area narrows a run to the named areas and folds their results into the
// run's incremental file (merge-report.mjs); --cold deletes the run's incremental file first, so every mutant of
// the areas run is tested again; --retest-timeouts tests their timed-out mutants again (a timeout counts as
// detected, and on a loaded machine a slow run can pass for an endless loop); --summary only prints the scores of
// the last results; --survivors also lists every mutant the tests let through, as file:line and the replacement.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { areaNamed, inArea, runs } from './areas.mjs';
import { mergeReports, withoutTimeouts } from './merge-report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { runs: [], only: new Map(), cold: false, retestTimeouts: false, summary: false, survivors: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--area') {
      const value = argv[++i];
      if (!value) throw new Error('mutation: --area needs a name, e.g. --area core-math');
      for (const name of value.split(',')) {
        const area = areaNamed(name.trim());
        const run = runs.find((r) => r.name === area.run);
        if (!options.runs.includes(run)) options.runs.push(run);
        options.only.set(run, [...(options.only.get(run) ?? []), area]);
      }
    } else if (arg === '--cold') options.cold = true;
    else if (arg === '--retest-timeouts') options.retestTimeouts = true;
    else if (arg === '--summary') options.summary = true;
    else if (arg === '--survivors') options.survivors = true;
    else
      throw new Error(
        `mutation: unknown option ${arg}; use --area NAME, --cold, --retest-timeouts, --summary or --survivors`,
      );
  }
  if (options.runs.length === 0) options.runs = runs;
  return options;
}

// Core tests read ../shared/corpus beside the repository folder. In Stryker's sandbox
// (.stryker-tmp/sandbox-*/) that relative path lands in .stryker-tmp/, so a link there keeps it valid.
function linkSharedCorpus() {
  const shared = resolve(root, '..', 'shared');
  const tmp = join(root, '.stryker-tmp');
  const link = join(tmp, 'shared');
  if (!existsSync(shared) || existsSync(link)) return;
  mkdirSync(tmp, { recursive: true });
  symlinkSync(shared, link);
}

function runStryker(run, only, { cold, retestTimeouts }) {
  const selected = only ?? run.areas;
  const names = selected.map((area) => area.name).join(', ');
  console.log(`\n== mutation: ${run.name} (${names}: ${selected.flatMap((area) => area.mutate).join(' ')})`);
  const started = Date.now();
  const stryker = join(root, 'node_modules', '.bin', 'stryker');
  // Read before a cold start removes it: a narrowed run folds the other areas' results back in afterwards, and
  // a run that fails puts it back.
  const before = readJson(incrementalFile(run));
  const previous = only && before;
  // Cold: without the file, not with Stryker's --force, which tests every mutant again but keeps the old
  // file's results for mutants no longer in the run (a moved line range kept its old mutants so).
  if (cold) rmSync(incrementalFile(run), { force: true });
  else if (retestTimeouts && before) {
    const inSelected = (file) => selected.some((area) => inArea(area, file));
    writeFileSync(incrementalFile(run), JSON.stringify(withoutTimeouts(before, inSelected)));
  }
  const result = spawnSync(stryker, ['run', 'stryker.config.mjs'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_RUN: run.name, ...(only ? { MUTATION_AREAS: names } : {}) },
  });
  if (result.status !== 0 && before) writeFileSync(incrementalFile(run), JSON.stringify(before));
  if (result.status === 0 && previous) {
    const others = run.areas.filter((area) => !selected.includes(area));
    // Line ranges never split a file between two areas of one run, so a file is kept whole or not at all.
    const keep = (file) => others.some((area) => inArea(area, file));
    writeFileSync(incrementalFile(run), JSON.stringify(mergeReports(readJson(incrementalFile(run)), previous, keep)));
  }
  const minutes = (Date.now() - started) / 60_000;
  const report = readReport(run);
  const tested =
    report &&
    Object.values(report.files)
      .flatMap((f) => f.mutants)
      .filter((m) => m.status !== 'Ignored');
  const rate = tested ? `, ${tested.length} mutants, ${(tested.length / minutes).toFixed(1)} mutants/min` : '';
  console.log(`== ${run.name}: ${result.status === 0 ? 'done' : 'FAILED'} in ${minutes.toFixed(1)} min${rate}`);
  return result.status === 0;
}

// Stryker writes both at the end of a run, in the same schema; the incremental file is the one kept in the
// repository, so the scores can be read on a fresh clone, and a run that failed leaves the last good one.
const incrementalFile = (run) => join(root, 'mutation', 'incremental', `${run.name}.json`);
const resultFiles = (run) => [incrementalFile(run), join(root, 'reports', 'mutation', `${run.name}.json`)];

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

function readReport(run) {
  const file = resultFiles(run).find((f) => existsSync(f));
  return file && readJson(file);
}

/** The part of a run's report that holds an area's mutants (report paths are relative to the repository). */
function areaReport(area, report) {
  const files = {};
  for (const [file, entry] of Object.entries(report.files)) {
    const mutants = entry.mutants.filter((m) => inArea(area, file, m.location.start.line));
    if (mutants.length) files[file] = { ...entry, mutants };
  }
  return { files };
}

/** Stryker's score: detected (killed or timed out) over every valid mutant; ones that do not compile are left out. */
function tally(report) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0 };
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
        survivors.push(`${where} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
      }
    }
  }
  const killed = counts.Killed + counts.Timeout;
  const valid = killed + counts.Survived + counts.NoCoverage;
  return { killed, valid, counts, survivors };
}

const percent = (killed, valid) => (valid === 0 ? 100 : (100 * killed) / valid).toFixed(1);

function summarise(selectedRuns, showSurvivors) {
  let killed = 0;
  let valid = 0;
  const missing = [];
  console.log(
    '\nmutation scores (killed = killed or timed out; mutants that do not compile, that crash a test file as it' +
      ' loads (runtime error), and static ones, are left out)',
  );
  const selected = selectedRuns.flatMap((run) => run.areas);
  for (const run of selectedRuns) {
    const report = readReport(run);
    for (const area of run.areas) {
      if (!report) {
        missing.push(area.name);
        console.log(`  ${area.name.padEnd(16)} not run (no mutation/incremental/${run.name}.json)`);
        continue;
      }
      const t = tally(areaReport(area, report));
      killed += t.killed;
      valid += t.valid;
      const { Survived, NoCoverage, Timeout, CompileError, RuntimeError, Ignored } = t.counts;
      console.log(
        `  ${area.name.padEnd(16)} ${percent(t.killed, t.valid).padStart(5)}% (killed ${t.killed} of ${t.valid};` +
          ` survived ${Survived}, no coverage ${NoCoverage}, timeout ${Timeout}, not compiling ${CompileError},` +
          ` runtime error ${RuntimeError}, ignored ${Ignored})`,
      );
      if (showSurvivors) for (const s of t.survivors) console.log(`      ${s}`);
    }
  }
  const partial = missing.length ? ` over ${selected.length - missing.length} of ${selected.length} areas` : '';
  if (missing.length === selected.length) console.log('mutation score: none (no area has a report)');
  else console.log(`mutation score: ${percent(killed, valid)}% (killed ${killed} of ${valid})${partial}`);
  return missing.length === 0;
}

const options = parseArgs(process.argv.slice(2));
let ok = true;
if (!options.summary) {
  linkSharedCorpus();
  for (const run of options.runs) ok = runStryker(run, options.only.get(run), options) && ok;
}
ok = summarise(options.runs, options.survivors) && ok;
process.exitCode = ok ? 0 : 1;
