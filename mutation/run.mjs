// `npm run mutation [-- --area NAME ...] [--cold] [--summary] [--survivors]`: runs StrykerJS on each area of the
// critical paths (all of them by default), then prints one score line per area and the total from
// Stryker's results. --cold deletes an area's incremental file first, so every mutant is tested again;
// --summary only prints the scores of the last results; --survivors also lists every mutant the tests let
// through, as file:line and the replacement.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { areaNamed, areas } from './areas.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { areas: [], cold: false, summary: false, survivors: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--area') {
      const value = argv[++i];
      if (!value) throw new Error('mutation: --area needs a name, e.g. --area core-math');
      options.areas.push(...value.split(',').map((name) => areaNamed(name.trim())));
    } else if (arg === '--cold') options.cold = true;
    else if (arg === '--summary') options.summary = true;
    else if (arg === '--survivors') options.survivors = true;
    else throw new Error(`mutation: unknown option ${arg}; use --area NAME, --cold, --summary or --survivors`);
  }
  if (options.areas.length === 0) options.areas = areas;
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

function runArea(area, cold) {
  console.log(`\n== mutation: ${area.name} (${area.mutate.join(' ')})`);
  const started = Date.now();
  const stryker = join(root, 'node_modules', '.bin', 'stryker');
  // Cold: without the file, not with Stryker's --force, which tests every mutant again but keeps the old
  // file's results for mutants no longer in the area (a moved line range kept its old mutants so).
  if (cold) rmSync(incrementalFile(area), { force: true });
  const result = spawnSync(stryker, ['run', 'stryker.config.mjs'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_AREA: area.name },
  });
  const minutes = (Date.now() - started) / 60_000;
  const tested = testedMutants(area);
  const rate = tested === undefined ? '' : `, ${tested} mutants, ${(tested / minutes).toFixed(1)} mutants/min`;
  console.log(`== ${area.name}: ${result.status === 0 ? 'done' : 'FAILED'} in ${minutes.toFixed(1)} min${rate}`);
  return result.status === 0;
}

// Stryker writes both at the end of a run, in the same schema; the incremental file is the one kept in the
// repository, so the scores can be read on a fresh clone, and a run that failed leaves the last good one.
const incrementalFile = (area) => join(root, 'mutation', 'incremental', `${area.name}.json`);
const resultFiles = (area) => [incrementalFile(area), join(root, 'reports', 'mutation', `${area.name}.json`)];
const reportFile = (area) => resultFiles(area).find((file) => existsSync(file));

/** Mutants Stryker judged (every one but the ignored static ones), from the area's last report. */
function testedMutants(area) {
  const file = reportFile(area);
  if (!file) return undefined;
  const { files } = JSON.parse(readFileSync(file, 'utf8'));
  return Object.values(files).reduce((n, { mutants }) => n + mutants.filter((m) => m.status !== 'Ignored').length, 0);
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

function summarise(selected, showSurvivors) {
  let killed = 0;
  let valid = 0;
  const missing = [];
  console.log(
    '\nmutation scores (killed = killed or timed out; mutants that do not compile, that crash a test file as it' +
      ' loads (runtime error), and static ones, are left out)',
  );
  for (const area of selected) {
    const file = reportFile(area);
    if (!file) {
      missing.push(area.name);
      console.log(`  ${area.name.padEnd(16)} not run (no mutation/incremental/${area.name}.json)`);
      continue;
    }
    const t = tally(JSON.parse(readFileSync(file, 'utf8')));
    killed += t.killed;
    valid += t.valid;
    const { Survived, NoCoverage, Timeout, CompileError, RuntimeError, Ignored } = t.counts;
    console.log(
      `  ${area.name.padEnd(16)} ${percent(t.killed, t.valid).padStart(5)}% (killed ${t.killed} of ${t.valid};` +
        ` survived ${Survived}, no coverage ${NoCoverage}, timeout ${Timeout}, not compiling ${CompileError},` +
        ` runtime error ${RuntimeError}, static ${Ignored})`,
    );
    if (showSurvivors) for (const s of t.survivors) console.log(`      ${s}`);
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
  for (const area of options.areas) ok = runArea(area, options.cold) && ok;
}
ok = summarise(options.areas, options.survivors) && ok;
process.exitCode = ok ? 0 : 1;
