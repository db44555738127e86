import { formatDuration } from '../../src/duration';
import { formatReview, replayHistorySeconds, reviewSlo } from '../../src/review';
import { makeSlo } from './helpers';

const T0 = 1_764_547_200;
const series = Array.from({ length: 180 }, (_, i) => ({
  t: T0 + i * 60,
  total: 100,
  good: i >= 60 && i < 70 ? 50 : 100,
}));
const reviews = [
  reviewSlo(makeSlo({ name: 'a<b>"&' }), series, { from: T0, to: T0 + 180 * 60 }),
  reviewSlo(
    makeSlo({ name: 'quiet' }),
    series.map((p) => ({ ...p, good: p.total })),
    { from: T0, to: T0 + 180 * 60 },
  ),
];

describe('review formats', () => {
  it('HTML is self-contained, escapes names and draws three charts per SLO', () => {
    const html = formatReview(reviews, 'html');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('a&lt;b&gt;&quot;&amp;');
    expect(html).not.toContain('a<b>');
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html).toContain('page-1h x14.4');
  });

  it('text and Markdown show the same verdicts and figures', () => {
    const text = formatReview(reviews, 'text');
    const md = formatReview(reviews, 'md');
    expect(text).toContain('== checkout/quiet: OK');
    expect(text).toMatch(/checkout\/a<b>"&\s+99\.900 %\s+97\.222 %/);
    expect(md).toContain('| checkout/quiet | 99.900 % | 100.000 % | 0.0 % | 100.0 % of 30d (partial) |');
    expect(md).toContain('**freeze**');
  });

  it('every format shows the period budget, what the range spent of it and the range alone, with notes', () => {
    const [r] = reviews;
    const periodLeft = `${(r.period.remaining * 100).toFixed(1)} %`;
    const rangeLeft = `${(r.budget.remaining * 100).toFixed(1)} %`;
    const inRange = `${(r.period.spentInRange * 100).toFixed(1)} %`;
    // Three hours of data for a 30-day period and no history for the longest window: both are said.
    const needed = replayHistorySeconds(makeSlo());
    const notes = [
      'data covers 3h of the 30d period',
      `alert tiers replayed with 0s of history before the range where the longest window needs ${formatDuration(needed)}`,
    ];
    for (const format of ['text', 'md', 'html'] as const) {
      const out = formatReview(reviews, format);
      expect(out).toContain('Budget over the SLO period (30d ending');
      expect(out).toContain('Budget of the range alone');
      for (const figure of [periodLeft, rangeLeft, inRange]) expect(out).toContain(figure);
      for (const note of notes) expect(out).toContain(note);
    }
    const json = JSON.parse(formatReview(reviews, 'json')).reviews[0];
    expect(json.period).toMatchObject({ seconds: 30 * 86400, complete: false, spentInRange: r.period.spentInRange });
    expect(json.history).toEqual({ neededSeconds: needed, availableSeconds: 0, complete: false });
  });

  it('JSON is versioned and round-trips the numbers', () => {
    const json = JSON.parse(formatReview(reviews, 'json'));
    expect(json.version).toBe(1);
    expect(json.reviews[1].budget.remaining).toBe(1);
    expect(json.reviews[0].incidents[0].badEvents).toBe(500);
  });
});
