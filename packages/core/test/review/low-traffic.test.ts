/**
 * `sre review` replays the policy the spec defines: the low-traffic guard and per-tier changes included, so the
 * review's firings are the ones the deployed alarms and rules raise.
 */
import { applyTierChanges, defaultBurnRatePolicy, withMinEvents } from '../../src/math';
import { reviewSlo } from '../../src/review';
import { sloSection } from '../../src/review/format/tables';
import type { SeriesPoint } from '../../src/math';
import { makeSlo } from './helpers';

const STEP = 60;
const PERIOD = 30 * 86400;
const T0 = 1_700_000_000 - (1_700_000_000 % 3600);
/** Four days at 20 requests an hour (one every 3 minutes), one failed request at `errorAt`. */
function quietSeries(errorAt: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let t = T0; t < T0 + 4 * 86400; t += STEP) {
    const request = (t - T0) % 180 === 0 ? 1 : 0;
    out.push({ t, total: request, good: t === errorAt ? 0 : request });
  }
  return out;
}

describe('review: the low-traffic guard and per-tier changes', () => {
  const errorAt = T0 + 3 * 86400 + 4 * 3600;
  const series = quietSeries(errorAt);
  const range = { from: T0 + 3 * 86400 + 3600, to: T0 + 4 * 86400, stepSeconds: STEP };
  const plain = defaultBurnRatePolicy(PERIOD);
  const guarded = withMinEvents(plain, 0.999, undefined);

  it('replays one failed request at 20 requests an hour as a page without the guard, as nothing with it', () => {
    const without = reviewSlo(makeSlo({ policy: plain }), series, range);
    const pages = (r: typeof without) =>
      r.tiers.filter((t) => t.severity === 'page').reduce((n, t) => n + t.intervals.length, 0);
    expect(pages(without)).toBeGreaterThan(0);
    const withGuard = reviewSlo(makeSlo({ policy: guarded }), series, range);
    expect(pages(withGuard)).toBe(0);
    expect(withGuard.tiers.map((t) => t.minEvents)).toEqual(guarded.tiers.map((t) => t.minEvents));
    // The table shows the guard the replay applied.
    const table = sloSection(withGuard).tables.find((t) => t.title.startsWith('Alert tiers'))!;
    expect(table.headers).toContain('min events');
    expect(table.rows.map((row) => row[table.headers.indexOf('min events')])).toEqual(
      guarded.tiers.map((t) => String(t.minEvents)),
    );
  });

  it('follows disabled tiers and severity changes, and says so', () => {
    const page6h = plain.tiers.find((t) => t.name === 'page-6h')!;
    const ticket1d = plain.tiers.find((t) => t.name === 'ticket-1d')!;
    const tierChanges = [
      { tier: 'page-6h', before: page6h, change: 'disabled' as const },
      { tier: 'ticket-1d', before: ticket1d, change: 'page' as const },
    ];
    const policy = applyTierChanges(plain, tierChanges);
    const base = makeSlo({ policy });
    const slo = { ...base, alerting: { ...base.alerting, tierChanges } };
    const review = reviewSlo(slo, series, range);
    expect(review.tiers.map((t) => [t.tier, t.severity])).toEqual([
      ['page-1h', 'page'],
      ['ticket-1d', 'page'],
      ['ticket-3d', 'ticket'],
    ]);
    expect(sloSection(review).notes).toContain(
      'tiers replayed as the spec changed them: page-6h disabled, ticket-1d made a page',
    );
  });
});
