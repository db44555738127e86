/**
 * Backtests on generated history: the generator is a function of its seed, and the backtest finds what the
 * generator put in. Every expected figure is derived here from the data or from the story's constants (naive
 * window sums, the tiers' thresholds), never copied from a run.
 */
import { join } from 'node:path';
import {
  backtestSlo,
  backtestToHtml,
  backtestToMarkdown,
  defaultErrorBudgetPolicy,
  errorBudget,
  generateHistory,
  GENERATED_BASELINE_BURN_RATE,
  loadSpecFiles,
  policyForSlo,
  tierThreshold,
  withMinEvents,
  type BacktestVariant,
  type BurnRatePolicy,
  type GeneratedHistory,
  type SeriesPoint,
  type Slo,
  type SloBacktest,
  type SpecSet,
} from '../src';

const ROOT = join(__dirname, '../../..');
const START = Date.parse('2026-08-01T00:00:00Z') / 1000;
const DAY = 86400;
const STEP = 300;

let specs: SpecSet;
let slo: Slo;
let proposedSet: SpecSet;
let history: GeneratedHistory;
let result: SloBacktest;

function variants(): BacktestVariant[] {
  const windows = Object.values(proposedSet.alertWindows)[0];
  return [
    {
      name: 'current',
      source: 'specs',
      policy: slo.alerting.policy,
      budgetPolicy: policyForSlo(slo.name, specs.errorBudgetPolicies)!,
    },
    {
      name: 'proposed',
      source: 'example',
      policy: withMinEvents(windows, slo.objective, undefined),
      budgetPolicy: proposedSet.errorBudgetPolicies[0],
    },
  ];
}

beforeAll(async () => {
  specs = await loadSpecFiles([join(ROOT, 'slos')]);
  slo = specs.slos.find((s) => s.name === 'api-availability')!;
  proposedSet = await loadSpecFiles([join(ROOT, 'packages/cli/examples/backtest-proposed.yaml')]);
  expect(proposedSet.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  history = generateHistory({ seed: 7, start: START, objective: slo.objective });
  result = backtestSlo(slo, history.series, variants(), { from: START, to: START + 90 * DAY });
});

/** Error ratio of the buckets in [from, to), summed one by one. */
function naiveRatio(series: readonly SeriesPoint[], from: number, to: number): number {
  let bad = 0;
  let total = 0;
  for (const p of series)
    if (p.t >= from && p.t < to) {
      bad += p.total - p.good;
      total += p.total;
    }
  return total > 0 ? bad / total : 0;
}

describe('generateHistory', () => {
  it('is a function of its seed', () => {
    const again = generateHistory({ seed: 7, start: START, objective: slo.objective });
    expect(again.series).toEqual(history.series);
    expect(again.episodes).toEqual(history.episodes);
    const other = generateHistory({ seed: 8, start: START, objective: slo.objective });
    expect(other.episodes.map((e) => e.start)).not.toEqual(history.episodes.map((e) => e.start));
    expect(other.series).not.toEqual(history.series);
  });

  it('writes 90 days of 5-minute buckets holding two incidents, a slow leak and blips at their burn rates', () => {
    expect(history.series).toHaveLength((90 * DAY) / STEP);
    expect(history.series[1].t - history.series[0].t).toBe(STEP);
    const kinds = history.episodes.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'incident')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'leak')).toHaveLength(1);
    const budget = errorBudget(slo.objective);
    for (const e of history.episodes) {
      const ratio = naiveRatio(history.series, e.start, e.end);
      const expected = Math.min(1, (GENERATED_BASELINE_BURN_RATE + e.burnRate) * budget);
      // Binomial noise: within 25 % on the short blips, much closer on the long episodes.
      expect(Math.abs(ratio - expected) / expected).toBeLessThan(e.kind === 'blip' ? 0.25 : 0.08);
    }
    const quiet = naiveRatio(history.series, START, history.episodes[0].start) / budget;
    expect(Math.abs(quiet - GENERATED_BASELINE_BURN_RATE)).toBeLessThan(0.03);
  });

  it('says which option is wrong', () => {
    expect(() => generateHistory({ seed: 1, start: START, objective: 0.999, days: 5 })).toThrow(/days 5 is too short/);
    expect(() => generateHistory({ seed: 1, start: START, objective: 0.999, stepSeconds: 7 })).toThrow(/step 7 s/);
    expect(() => generateHistory({ seed: 1.5, start: START, objective: 0.999 })).toThrow(/seed 1.5/);
    expect(() => generateHistory({ seed: 1, start: START + 1, objective: 0.999 })).toThrow(/multiple of the 300 s/);
  });
});

describe('backtestSlo on generated history', () => {
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
    a.start < b.end && b.start < a.end;

  it('finds both incidents and the slow leak as threatening burns, and the blips as burns that are not', () => {
    for (const e of history.episodes) {
      const burn = result.burns.find((b) => overlaps(b, e));
      expect(burn).toBeDefined();
      expect(burn!.significant).toBe(e.kind !== 'blip');
      // The start is found from the buckets: exact for a sharp burst, within an hour for the leak's first buckets.
      expect(Math.abs(burn!.start - e.start)).toBeLessThanOrEqual(e.kind === 'leak' ? 3600 : 0);
    }
    expect(result.burns.filter((b) => b.significant)).toHaveLength(3);
  });

  it('the current (default) policy detects all three; a full outage is paged within one bucket', () => {
    const current = result.variants[0];
    expect(current.missed).toEqual([]);
    const outage = history.episodes.find((e) => e.burnRate === Infinity)!;
    const burn = result.burns.find((b) => overlaps(b, outage))!;
    const d = current.detections.find((x) => x.burn === burn.id)!;
    expect(d.first?.severity).toBe('page');
    expect(d.first!.afterSeconds).toBeLessThanOrEqual(STEP);
  });

  it('detects a burn exactly when some tier has both windows above its threshold over it (naive sums)', () => {
    for (const v of result.variants) {
      const policy: BurnRatePolicy = variants().find((x) => x.name === v.name)!.policy;
      for (const b of result.burns.filter((x) => x.significant)) {
        const fires = policy.tiers.some((tier) => {
          const threshold = tierThreshold(tier, slo.objective);
          for (let at = b.start + STEP; at <= b.end + tier.longWindowSeconds; at += STEP) {
            const long = naiveRatio(history.series, at - tier.longWindowSeconds, at);
            if (long > threshold && naiveRatio(history.series, at - tier.shortWindowSeconds, at) > threshold)
              return true;
          }
          return false;
        });
        expect({ variant: v.name, burn: b.id, detected: !v.missed.includes(b.id) }).toEqual({
          variant: v.name,
          burn: b.id,
          detected: fires,
        });
      }
    }
  });

  it('compares the policies: the proposed 3x slow ticket misses the leak, its 30m page pages on every blip', () => {
    const [current, proposed] = result.variants;
    const leak = history.episodes.find((e) => e.kind === 'leak')!;
    const leakBurn = result.burns.find((b) => overlaps(b, leak))!;
    // The leak burns at baseline + 2.5x, under the proposed slowest tier (3x) and over the current one (1x).
    expect(GENERATED_BASELINE_BURN_RATE + leak.burnRate).toBeLessThan(3);
    expect(proposed.missed).toEqual([leakBurn.id]);
    expect(current.detections.find((d) => d.burn === leakBurn.id)?.first?.severity).toBe('ticket');

    // A 100x blip of 5 minutes reads 16.7x over 30m (over the 14.4x page) and 8.3x over 1h (under it).
    const blips = history.episodes.filter((e) => e.kind === 'blip');
    for (const blip of blips) {
      const secs = blip.end - blip.start;
      expect(GENERATED_BASELINE_BURN_RATE + (blip.burnRate * secs) / 1800).toBeGreaterThan(14.4);
      expect(GENERATED_BASELINE_BURN_RATE + (blip.burnRate * secs) / 3600).toBeLessThan(14.4);
    }
    expect(current.falseAlerts).toBe(0);
    expect(proposed.falseAlerts).toBe(blips.length);
    expect(proposed.pages - current.pages).toBe(blips.length);
    expect(proposed.tickets).toBeLessThan(current.tickets);
    // Counts add up: pages and tickets are the notified alerts, the rest were held back.
    for (const v of result.variants) expect(v.pages + v.tickets + v.suppressed).toBe(v.alerts.length);
  });

  it('counts gate days from the period budget: every day under 25 % is also under 50 %', () => {
    const [current, proposed] = result.variants;
    const budget = errorBudget(slo.objective);
    const days = (held: (remaining: number) => boolean): number => {
      const set = new Set<number>();
      for (let t = START + 3600; t <= START + 90 * DAY; t += 3600) {
        const remaining = 1 - naiveRatio(history.series, t - slo.period.seconds, t) / budget;
        if (held(remaining)) set.add(Math.floor((t - 1) / DAY));
      }
      return set.size;
    };
    expect(current.restrictedDays).toBe(days((r) => r < 0.25));
    expect(proposed.restrictedDays).toBe(days((r) => r < 0.5));
    expect(proposed.restrictedDays).toBeGreaterThan(current.restrictedDays);
    // Both policies freeze only on an exhausted budget.
    expect(current.freezeDays).toBe(days((r) => r <= 0));
    expect(proposed.freezeDays).toBe(current.freezeDays);
  });

  it.each([
    ['api-availability', 1],
    ['api-availability', 4],
    ['api-latency', 2],
    ['card-delivery-success', 3],
  ])('finds the same story for %s with seed %d', (name, seed) => {
    const other = specs.slos.find((s) => s.name === name)!;
    const h = generateHistory({ seed, start: START, objective: other.objective });
    const [current, proposed] = variants();
    const b = backtestSlo(
      other,
      h.series,
      [
        { ...current, policy: other.alerting.policy },
        { ...proposed, policy: withMinEvents(Object.values(proposedSet.alertWindows)[0], other.objective, undefined) },
      ],
      { from: START, to: START + 90 * DAY },
    );
    const threatening = b.burns.filter((x) => x.significant);
    expect(threatening).toHaveLength(3);
    const leak = h.episodes.find((e) => e.kind === 'leak')!;
    expect(b.variants[0].missed).toEqual([]);
    expect(b.variants[1].missed).toEqual(threatening.filter((x) => overlaps(x, leak)).map((x) => x.id));
    expect(b.variants[1].falseAlerts).toBe(h.episodes.filter((e) => e.kind === 'blip').length);
  });

  it('says at low traffic what one failed request spends, from the events of the last period', () => {
    const quiet = generateHistory({ seed: 2, start: START, objective: slo.objective, requestsPerMinute: 1 });
    const [current] = variants();
    const to = START + 90 * DAY;
    const b = backtestSlo(slo, quiet.series, [current], { from: START, to });
    const events = quiet.series.filter((p) => p.t >= to - slo.period.seconds).reduce((n, p) => n + p.total, 0);
    expect(b.oneEventBudget).toBeCloseTo(1 / (errorBudget(slo.objective) * events), 12);
    expect(backtestToMarkdown([b])).toContain(`one failed request spends ${(b.oneEventBudget * 100).toFixed(2)} %`);
    // At 1,000 requests a minute one failure is far under the threshold: no such note.
    expect(backtestToMarkdown([result])).not.toContain('one failed request spends');
  });

  it('uses the default budget policy levels when none governs the SLO', () => {
    const [current] = variants();
    const b = backtestSlo(slo, history.series, [{ ...current, budgetPolicy: defaultErrorBudgetPolicy() }], {
      from: START,
      to: START + 90 * DAY,
    });
    expect(b.variants[0].levels.map((l) => [l.level, l.remainingBelow])).toEqual([
      ['exhausted', 0],
      ['low', 0.25],
    ]);
    expect(b.variants[0].restrictedDays).toBe(result.variants[0].restrictedDays);
  });
});

describe('backtest reports', () => {
  it('Markdown: the comparison table names both policies and each threatening burn', () => {
    const md = backtestToMarkdown([result]);
    expect(md).toMatch(/^# SLO backtest/);
    expect(md).toContain('|  | current | proposed |');
    for (const b of result.burns.filter((x) => x.significant)) expect(md).toContain(`time to detect ${b.id}`);
    expect(md).toContain(`| missed | none | ${result.variants[1].missed.join(', ')} |`);
  });

  it('HTML: one self-contained file, text escaped, an inline SVG of the budget', () => {
    const html = backtestToHtml([{ ...result, service: '<img src=x onerror=alert(1)>' }]);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('<svg');
    // One shaded band per threatening burn on the budget chart.
    expect(html.match(/<rect /g)).toHaveLength(result.burns.filter((b) => b.significant).length);
    expect(html).toContain('<style>');
  });
});
