/**
 * `sre cost` and `sre explain` on the repository's own specs (slos/ and alarms/), not fixtures: the numbers
 * people read must add up, and no SLO may go missing between the spec files and the reports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../src/program';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const SLOS = join(ROOT, 'slos');
const ALARMS = join(ROOT, 'alarms');

/** SLO names read straight from the YAML, independent of the loader the commands use. */
function sloNamesInSpecs(): string[] {
  return readdirSync(SLOS)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => parseAllDocuments(readFileSync(join(SLOS, f), 'utf8')))
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((d) => d?.kind === 'SLO')
    .map((d) => d!.metadata!.name!);
}

interface CostGroup {
  readonly title: string;
  readonly amount: number;
  readonly items: number[];
}

/** The text report's groups (`  name  amount` with its `    item ... amount` lines) and its total. */
function parseCost(stdout: string): { groups: CostGroup[]; total: number } {
  const groups: { title: string; amount: number; items: number[] }[] = [];
  let total = NaN;
  for (const line of stdout.split('\n')) {
    const amount = /\s(\d+\.\d+)$/.exec(line)?.[1];
    if (amount === undefined) continue;
    if (line.startsWith('Total')) total = Number(amount);
    else if (line.startsWith('    ')) groups.at(-1)!.items.push(Number(amount));
    else groups.push({ title: line.trim().split(/\s{2,}/)[0], amount: Number(amount), items: [] });
  }
  return { groups, total };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

interface CostJson {
  readonly lines: Array<{ monthlyUsd: number; slo?: string; family?: string }>;
  readonly bySlo: Record<string, number>;
  readonly byFamily: Record<string, number>;
  readonly sharedUsd: number;
  readonly totalUsd: number;
}

async function costJson(): Promise<CostJson> {
  const { stdout, code } = await runSre(['cost', SLOS, ALARMS, '--json']);
  expect(code).toBe(0);
  return JSON.parse(stdout) as CostJson;
}

/** Half a cent per printed amount: each one may be rounded. */
const roundingOf = (printed: number) => 0.005 * printed + 1e-9;

describe('sre cost on slos/ and alarms/', () => {
  it('prints a breakdown whose lines add up to each group and whose groups add up to the total', async () => {
    const { stdout, code } = await runSre(['cost', SLOS, ALARMS]);
    expect(code).toBe(0);
    const { groups, total } = parseCost(stdout);
    expect(total).toBeGreaterThan(0);
    expect(groups.length).toBeGreaterThan(5);
    expect(groups.filter((g) => g.items.length === 0).map((g) => g.title)).toEqual([]);
    const offGroups = groups.filter((g) => Math.abs(sum(g.items) - g.amount) > roundingOf(g.items.length + 1));
    expect(offGroups).toEqual([]);
    expect(Math.abs(sum(groups.map((g) => g.amount)) - total)).toBeLessThanOrEqual(roundingOf(groups.length + 1));
    expect(groups.map((g) => g.title)).toEqual(expect.arrayContaining([...sloNamesInSpecs(), 'lambda', 'Shared']));
    // The rounding allowance above is loose for many groups; the printed figures must also be the exact ones.
    const doc = await costJson();
    const exact: Record<string, number> = { ...doc.bySlo, ...doc.byFamily, Shared: doc.sharedUsd };
    expect(groups.map((g) => [g.title, g.amount])).toEqual(
      groups.map((g) => [g.title, Number(exact[g.title].toFixed(2))]),
    );
    expect(total).toBe(Number(doc.totalUsd.toFixed(2)));
  });

  it('--json: the total is the sum of the lines, and of the SLO, family and shared subtotals', async () => {
    const doc = await costJson();
    expect(doc.lines.length).toBeGreaterThan(0);
    expect(sum(doc.lines.map((l) => l.monthlyUsd))).toBeCloseTo(doc.totalUsd, 6);
    expect(sum([...Object.values(doc.bySlo), ...Object.values(doc.byFamily), doc.sharedUsd])).toBeCloseTo(
      doc.totalUsd,
      6,
    );
    for (const [slo, usd] of Object.entries(doc.bySlo))
      expect(sum(doc.lines.filter((l) => l.slo === slo).map((l) => l.monthlyUsd))).toBeCloseTo(usd, 6);
    expect(Object.keys(doc.bySlo).sort()).toEqual(sloNamesInSpecs().sort());
  });
});

describe('sre explain on slos/', () => {
  it('explains every SLO in slos/ with its four tiers', async () => {
    const { stdout, code } = await runSre(['explain', SLOS, ALARMS]);
    expect(code).toBe(0);
    const explained = [...stdout.matchAll(/^(\S+) \(service (\S+)\): objective /gm)].map((m) => m[1]);
    expect(explained.sort()).toEqual(sloNamesInSpecs().sort());
    expect(stdout.match(/^ {2}(page|ticket)-\S+ +(page|ticket) +\d/gm)).toHaveLength(4 * explained.length);
  });
});

/** Every command path under `sre`, from the program definition: ['validate'], ['render', 'grafana'], ... */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('--help', () => {
  const paths = commandPaths(buildProgram());

  it('finds the commands, groups and subcommands', () => {
    const names = paths.map((p) => p.join(' '));
    expect(names).toEqual(expect.arrayContaining(['validate', 'cost', 'explain', 'audit', 'render', 'alerts']));
    expect(names).toContain('render prometheus');
    expect(paths.some((p) => p[0] === 'alerts' && p.length === 2)).toBe(true);
  });

  it.each([[[] as string[]], ...paths.map((p) => [p])])('sre %j --help exits 0 with its usage line', async (path) => {
    const { stdout, stderr, code } = await runSre([...path, '--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const usage = ['sre', ...path].join(' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(stdout).toMatch(new RegExp(`^Usage: ${usage}( |$)`, 'm'));
  });
});
