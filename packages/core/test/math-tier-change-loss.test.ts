/**
 * tierChangeLoss (math/guard.ts): the warning `sre validate` prints for a disabled or re-routed tier. Each text
 * is worked out by hand from the policy: the changed tier's burn b, the budget it empties in period / b, and which
 * remaining tier sees that burn first (its threshold x its long window / the burn's error ratio).
 */
import type { BurnRatePolicy, BurnRateTier, TierChange } from '../src/model/slo';
import { defaultBurnRatePolicy, makeTier, tierChangeLoss } from '../src/math';

const DAY = 86400;

const tierNamed = (policy: BurnRatePolicy, name: string): BurnRateTier => {
  const tier = policy.tiers.find((t) => t.name === name);
  if (!tier) throw new Error(`no tier ${name}`);
  return tier;
};

/** The loss of one change to the default policy of `days`, at 99.9 %, the policy after it worked out as the spec would. */
function lossOf(days: number, tier: string, change: TierChange['change'], after?: BurnRatePolicy): string {
  const policy = defaultBurnRatePolicy(days * DAY);
  const before = tierNamed(policy, tier);
  const changed: BurnRatePolicy = after ?? {
    ...policy,
    tiers:
      change === 'disabled'
        ? policy.tiers.filter((t) => t !== before)
        : policy.tiers.map((t) => (t === before ? { ...t, severity: change } : t)),
  };
  return tierChangeLoss({ tier, before, change }, changed, 0.999);
}

describe('a tier moved to another severity', () => {
  it('to page: its own burn, the budget it empties and when it is seen, now waking someone', () => {
    // 3x empties 30 d in 10 d; at exactly its threshold the 1 d window crosses after one full window.
    expect(lossOf(30, 'ticket-1d', 'page')).toBe(
      'tier ticket-1d now pages instead of opening a ticket: a 3x burn exhausts the 30d budget in 10d ' +
        'and is seen after 1d, waking someone',
    );
  });

  it('to ticket: the same figures, then waiting for working hours', () => {
    expect(lossOf(30, 'page-6h', 'ticket')).toBe(
      'tier page-6h now opens a ticket instead of paging: a 6x burn exhausts the 30d budget in 5d ' +
        'and is seen after 6h, then waits for working hours',
    );
  });
});

describe('a disabled tier', () => {
  it('a page left to the next page: when it sees the burn and what the budget has lost by then', () => {
    // 7 d: 3.36x empties the budget in 50 h. page-6h (3x) sees a 3.36x burn after 3 / 3.36 x 6 h = 5.36 h,
    // its budget fraction (18/168 = 10.7 %) spent by then.
    expect(lossOf(7, 'page-1h', 'disabled')).toBe(
      'disabling page-1h (page at 3.36x) means a 3.36x burn, which exhausts the 7d budget in 2d2h, ' +
        'is first seen by page-6h (a page) after 5h instead of after 1h by page-1h, with 11 % of the budget spent by then',
    );
  });

  it('a page left to a ticket, with no page at all for that burn', () => {
    // 7 d: page-1h pages at 3.36x, above a 3x burn, so only the 1x tickets see it: ticket-1d after 1/3 of a day.
    expect(lossOf(7, 'page-6h', 'disabled')).toBe(
      'disabling page-6h (page at 3x) means a 3x burn, which exhausts the 7d budget in 2d8h, ' +
        'is first seen by ticket-1d (a ticket) after 8h instead of after 6h by page-6h, ' +
        'with 14 % of the budget spent by then; no page fires for it',
    );
  });

  it('a page left to a ticket, naming the first page that still comes, whatever order the policy lists them in', () => {
    // 14.4x at 99.9 % is an error ratio of 1.44 %: the 6x ticket over 1 h crosses 0.6 % after 25 min, the
    // 7.2x page over 6 h crosses 0.72 % after 3 h.
    const page6h = { ...makeTier('page', 6 * 3600, 0, 30 * DAY), burnRate: 7.2 };
    const ticket1h = { ...makeTier('ticket', 3600, 0, 30 * DAY), burnRate: 6 };
    const after = { periodSeconds: 30 * DAY, tiers: [page6h, ticket1h] };
    expect(lossOf(30, 'page-1h', 'disabled', after)).toBe(
      'disabling page-1h (page at 14.4x) means a 14.4x burn, which exhausts the 30d budget in 2d2h, ' +
        'is first seen by ticket-1h (a ticket) after 25m instead of after 1h by page-1h, ' +
        'with 0.83 % of the budget spent by then; the first page (page-6h) comes after 3h',
    );
    expect(lossOf(30, 'page-1h', 'disabled', { ...after, tiers: [ticket1h, page6h] })).toBe(
      lossOf(30, 'page-1h', 'disabled', after),
    );
  });

  it('a ticket left to a slower ticket: no note about pages, it never paged', () => {
    expect(lossOf(30, 'ticket-1d', 'disabled')).toBe(
      'disabling ticket-1d (ticket at 3x) means a 3x burn, which exhausts the 30d budget in 10d, ' +
        'is first seen by ticket-3d (a ticket) after 1d instead of after 1d by ticket-1d, with 10 % of the budget spent by then',
    );
  });

  it('the slowest tier: nothing else fires for its burn', () => {
    expect(lossOf(30, 'ticket-3d', 'disabled')).toBe(
      'disabling ticket-3d (ticket at 1x) means a 1x burn, which exhausts the 30d budget in 30d, ' +
        'fires no tier at all (it did after 3d)',
    );
  });
});
