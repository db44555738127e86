/** gateDecision over several SLOs and policies: every governed SLO must allow the change. */
import { reviewSlo } from '../../src/review';
import { gateDecision, levelAt, policyForSlo, unknownChange } from '../../src/review/gate';
import type { ErrorBudgetPolicySpec } from '../../src/model/error-budget-policy';
import { makeSlo } from './helpers';

const DAY = 86400;
const TO = 40 * DAY;
const loc = { file: 'p.yaml', line: 1, col: 1, path: '' };

/** A 30-day period of hourly buckets, 1,000 requests each, `bad` of them failed in one hour. */
function review(name: string, bad: number) {
  const series = Array.from({ length: 720 }, (_, h) => ({
    t: TO - 30 * DAY + h * 3600,
    good: 1000 - (h === 100 ? bad : 0),
    total: 1000,
  }));
  return reviewSlo(makeSlo({ name }), series, { from: TO - 3600, to: TO });
}

const strict: ErrorBudgetPolicySpec = {
  name: 'strict',
  slos: ['api'],
  changes: ['feature', 'fix'],
  levels: [
    { name: 'exhausted', remainingBelow: 0, allow: [], location: loc },
    { name: 'low', remainingBelow: 0.5, allow: ['fix'], location: loc },
  ],
  location: loc,
};
const rest: ErrorBudgetPolicySpec = {
  name: 'rest',
  changes: ['feature', 'fix', 'docs'],
  levels: [{ name: 'exhausted', remainingBelow: 0, allow: ['docs'], location: loc }],
  location: loc,
};

describe('gateDecision', () => {
  it('applies the policy naming an SLO before the catch-all one', () => {
    expect(policyForSlo('api', [rest, strict])?.name).toBe('strict');
    expect(policyForSlo('web', [rest, strict])?.name).toBe('rest');
    expect(policyForSlo('web', [strict])).toBeUndefined();
  });

  it('picks the most severe level holding', () => {
    expect(levelAt(strict, 0.6)).toBeUndefined();
    expect(levelAt(strict, 0.5)).toBeUndefined();
    expect(levelAt(strict, 0.49)?.name).toBe('low');
    expect(levelAt(strict, 0)?.name).toBe('exhausted');
    expect(levelAt(strict, -2)?.name).toBe('exhausted');
  });

  it('refuses when any governed SLO refuses, naming the one with least budget first', () => {
    // api: 400 of 720 bad -> 44.4 % left (strict: low); web: 800 -> exhausted (rest); worker: healthy.
    const reviews = [review('api', 400), review('web', 800), review('worker', 10)];
    const feature = gateDecision(reviews, [strict, rest], 'feature');
    expect(feature.allowed).toBe(false);
    expect(feature.slos.map((s) => [s.slo, s.policy, s.level, s.allowed])).toEqual([
      ['api', 'strict', 'low', false],
      ['web', 'rest', 'exhausted', false],
      ['worker', 'rest', undefined, true],
    ]);
    expect(feature.reason).toMatch(
      /^feature refused: web has -11\.1 % of its 30d error budget left.*\(\+1 more SLO refusing\)$/,
    );
    // A fix passes api's low level but not web's exhausted one.
    const fix = gateDecision(reviews, [strict, rest], 'fix');
    expect(fix.slos.filter((s) => !s.allowed).map((s) => s.slo)).toEqual(['web']);
    expect(fix.reason).not.toContain('more SLO');
  });

  it('allows when all allow, reporting the lowest budget, and lists ungoverned SLOs', () => {
    const decision = gateDecision([review('api', 100), review('web', 300)], [strict], 'feature');
    expect(decision.allowed).toBe(true);
    expect(decision.ungoverned).toEqual(['web']);
    expect(decision.reason).toMatch(/^feature allowed: 1 SLO checked; lowest: api has 86\.1 %/);
  });

  it('is never allowed with nothing to judge', () => {
    expect(gateDecision([review('web', 0)], [strict], 'fix')).toMatchObject({ allowed: false, ungoverned: ['web'] });
  });

  it('names the policies that do not declare a kind of change', () => {
    expect(unknownChange('docs', [strict, rest])).toBe(
      'kind of change "docs" is not declared by ErrorBudgetPolicy strict (feature, fix)',
    );
    expect(unknownChange('fix', [strict, rest])).toBeUndefined();
  });
});

describe('the boundaries of the review verdict and the gate agree', () => {
  it('a period that spent exactly its budget is exhausted for both, 25 % left is not "below 25 %"', () => {
    const spentAll = review('api', 720);
    expect(spentAll.period.remaining).not.toBe(0); // floating point: 1 - 0.999 is not 0.001
    expect(spentAll.verdict.level).toBe('freeze');
    expect(levelAt(strict, spentAll.period.remaining)?.name).toBe('exhausted');
    const quarter = review('api', 540);
    expect(quarter.verdict.level).toBe('ok');
    expect(
      levelAt({ ...strict, levels: [{ ...strict.levels[1], remainingBelow: 0.25 }] }, quarter.period.remaining),
    ).toBeUndefined();
  });
});
