import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBurnRatePolicy, detectionTime, formatDuration } from '@sre-kit/core';
import { runSre } from './run';

const ROOT = join(__dirname, '../../..');
const FIX = join(__dirname, 'fixtures', 'validate');
const BROKEN = join(FIX, 'broken.yaml');
const WARN = join(FIX, 'warn-only.yaml');
const BAD_PROMQL = join(FIX, 'bad-promql.yaml');

/** `file:line:col` of the parenthesis `sum(` opens in the bad-promql fixture, read from the fixture itself. */
function unclosedParenthesis(): string {
  const text = readFileSync(BAD_PROMQL, 'utf8');
  const lines = text.slice(0, text.indexOf('sum(\n') + 'sum'.length).split('\n');
  return `${BAD_PROMQL}:${lines.length}:${lines[lines.length - 1].length + 1}`;
}
const TIER_RULES = join(FIX, 'tier-rules.yaml');
const TIER_CONTROLS = join(FIX, 'tier-controls.yaml');

describe('sre validate (in-process)', () => {
  it('passes the GoodGreets reference specs', async () => {
    const { stdout, code } = await runSre(['validate', join(ROOT, 'slos'), join(ROOT, 'alarms')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^valid: 0 errors, 0 warnings \(\d+ files, 6 SLOs, 1 alarm policy, 1 alert routing, 1 maintenance window\)\n$/,
    );
  });

  it('prints every problem with file:line:col and exits 1', async () => {
    const { stdout, code } = await runSre(['validate', BROKEN]);
    expect(code).toBe(1);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      `${BROKEN}:24:17: spec.timeWindow[0].duration: bad duration "4 weeks" (write a count and a unit: m, h, d, w, M (month), Q (quarter) or Y, e.g. 30d or 1M)`,
      `${BROKEN}:28:15: spec.objectives[0].target: objective 99.5 is out of range (for a percentage write targetPercent: 99.5 or target: 0.995)`,
      'invalid: 2 errors, 0 warnings (1 file, 0 SLOs, 0 alarm policies, 0 alert routings)',
    ]);
  });

  it('rejects an unbalanced PromQL query at the parenthesis, inside the YAML block', async () => {
    const { stdout, code } = await runSre(['validate', BAD_PROMQL]);
    expect(code).toBe(1);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      `${unclosedParenthesis()}: slos[0].sli.events.error_query: PromQL syntax error: "(" is never closed (add the matching ")")`,
      'invalid: 1 error, 0 warnings (1 file, 1 SLO, 0 alarm policies, 0 alert routings)',
    ]);
  });

  it('exits 0 on warnings only, and still prints them', async () => {
    const { stdout, code } = await runSre(['validate', WARN]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${WARN}:6:16: slos[0].objective: warning: tier page-1h (burn rate 14.4) can never fire`);
    expect(stdout).toContain('valid: 0 errors, 1 warning');
  });

  it('warns where custom tiers page needlessly, alert below 0.9x or leave slow burns unseen, and exits 0', async () => {
    const { stdout, code } = await runSre(['validate', TIER_RULES]);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.pop()).toBe('valid: 0 errors, 4 warnings (1 file, 1 SLO, 0 alarm policies, 0 alert routings)');
    expect(lines.map((l) => l.slice(0, l.indexOf(': warning: ')))).toEqual([
      `${TIER_RULES}:45:28: spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold`,
      `${TIER_RULES}:55:28: spec.alertPolicies[0].spec.conditions[1].spec.condition.threshold`,
      `${TIER_RULES}:69:34: spec.ticket.quick.errorBudgetPercent`,
      `${TIER_RULES}:70:33: spec.ticket.slow.errorBudgetPercent`,
    ]);
    expect(lines[0]).toContain('tier fast pages at 2x: burns from 2x to 3x page needlessly');
    expect(lines[0]).toMatch(/\(page at 3x or more and leave slower burns to a ticket tier\)$/);
    expect(lines[1]).toContain('no tier fires below 1.8x (the lowest is slow): burns from 1x to 1.8x go undetected');
    expect(lines[1]).toContain('exhaust the 90d budget in 50d to 90d unseen');
    expect(lines[2]).toContain('tier ticket-1d fires at 0.7x: burns from 0.7x to 1x alert needlessly');
    expect(lines[3]).toMatch(
      /\(fire at 1x or more; about 0\.9x is tolerated; errorBudgetPercent 42\.86 over 3d is 1x\)$/,
    );
  });

  it('says what a disabled tier and a severity change lose, computed from the policy that remains', async () => {
    const { stdout, code } = await runSre(['validate', TIER_CONTROLS]);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.pop()).toBe('valid: 0 errors, 2 warnings (1 file, 1 SLO, 0 alarm policies, 0 alert routings)');
    const policy = defaultBurnRatePolicy(30 * 86400);
    const tier = (name: string) => policy.tiers.find((t) => t.name === name)!;
    // A 6x burn (the 6h page's own rate): budget gone in period / 6; the slower tiers that still see it.
    const ratio = 6 * 0.001;
    const byTicket3d = detectionTime(tier('ticket-3d'), 0.999, ratio, policy.periodSeconds).seconds;
    const by1d = detectionTime(tier('ticket-1d'), 0.999, ratio, policy.periodSeconds).seconds;
    const first = Math.min(byTicket3d, by1d);
    expect(lines[0]).toContain(`${TIER_CONTROLS}:8:27: metadata.annotations["sre-kit/tier.page-6h"]: warning:`);
    expect(lines[0]).toContain(
      `disabling page-6h (page at 6x) means a 6x burn, which exhausts the 30d budget in ${formatDuration(policy.periodSeconds / 6)},`,
    );
    // ticket-1d now pages, so the first tier to see the burn is a page, after the 1d window's crossing.
    expect(lines[0]).toContain(
      `is first seen by ticket-1d (a page) after ${formatDuration(Math.round(by1d / 3600) * 3600)} instead of after 6h`,
    );
    expect(first).toBe(by1d);
    expect(lines[1]).toContain(
      'tier ticket-1d now pages instead of opening a ticket: a 3x burn exhausts the 30d budget in 10d',
    );
  });

  it('--json prints the documented document', async () => {
    const { stdout, code } = await runSre(['validate', '--json', BROKEN, WARN]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ version: 1, valid: false, files: [BROKEN, WARN] });
    expect(doc.counts).toEqual({
      errors: 2,
      warnings: 1,
      slos: 1,
      alarmPolicies: 0,
      routings: 0,
      alertWindows: 0,
      services: 0,
      errorBudgetPolicies: 0,
    });
    expect(doc.diagnostics[0]).toEqual({
      severity: 'error',
      file: BROKEN,
      line: 24,
      col: 17,
      path: 'spec.timeWindow[0].duration',
      message: 'bad duration "4 weeks"',
      hint: 'write a count and a unit: m, h, d, w, M (month), Q (quarter) or Y, e.g. 30d or 1M',
    });
  });

  it('reports a missing path as a located error', async () => {
    const { stdout, code } = await runSre(['validate', join(FIX, 'nope.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${join(FIX, 'nope.yaml')}:1:1: (file): no such file or directory`);
  });
});

describe('sre validate (the built bin, a real process)', () => {
  const bin = join(ROOT, 'packages/cli/dist/bin.js');
  // `npm test` builds first; when run alone, build the CLI (and core) the same way.
  beforeAll(() => {
    if (existsSync(bin)) return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'packages/cli')], {
      stdio: 'pipe',
    });
  }, 180_000);

  it('exits 0 on the reference specs and 1 with located errors, never a stack trace', () => {
    const ok = spawnSync(process.execPath, [bin, 'validate', 'slos', 'alarms'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^valid: 0 errors/m);
    const bad = spawnSync(process.execPath, [bin, 'validate', BROKEN], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(':24:17: spec.timeWindow[0].duration: bad duration "4 weeks"');
    expect(`${bad.stdout}${bad.stderr}`).not.toMatch(/\n\s+at /);
    // The PromQL grammar is loaded from the built package as it ships (CommonJS build of an ES module package).
    const promql = spawnSync(process.execPath, [bin, 'validate', BAD_PROMQL], { cwd: ROOT, encoding: 'utf8' });
    expect(promql.status).toBe(1);
    expect(promql.stdout).toContain(`${unclosedParenthesis()}: slos[0].sli.events.error_query: PromQL syntax error`);
  });

  it('--help documents the JSON format', () => {
    const help = spawnSync(process.execPath, [bin, 'validate', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('"diagnostics": [ { "severity" (error|warning), "file", "line", "col", "path"');
  });
});
