/** The Slack digest: per-SLO figures from the review, worst first, inside Block Kit's limits. */
import { reviewSlo, type SloReview } from '../../src/review';
import { previousReviewsFromJson, reviewToJson, slackDigest, type SlackBlock } from '../../src/review/format';
import { SLACK_LIMITS } from '../../src/slack';
import { makeSlo } from './helpers';

const DAY = 86400;

/** A 30-day period of hourly buckets ending at `to`, 1,000 requests each, `bad` failed in the hour before `to`. */
function review(name: string, bad: number, to = 40 * DAY, service = 'checkout'): SloReview {
  const series = Array.from({ length: 720 }, (_, h) => ({
    t: to - 30 * DAY + h * 3600,
    good: 1000 - (h === 719 ? bad : 0),
    total: 1000,
  }));
  return reviewSlo(makeSlo({ name, service }), series, { from: to - DAY, to });
}

type Section = Extract<SlackBlock, { type: 'section' }>;
const sections = (blocks: SlackBlock[]) => blocks.filter((b): b is Section => b.type === 'section' && !!b.fields);
const fieldText = (s: Section, label: string) => s.fields!.find((f) => f.text.startsWith(`*${label}`))!.text;

describe('slackDigest', () => {
  it('shows attainment, period budget, pages/tickets and the top incident per SLO, worst first', () => {
    const reviews = [review('fine', 10), review('burning', 700), review('low', 600)];
    const { blocks, text } = slackDigest(reviews);
    expect(blocks[0]).toMatchObject({ type: 'header' });
    const slos = sections(blocks);
    // freeze/caution before ok; among caution, the least budget first.
    expect(slos.map((s) => s.text.text.match(/\*checkout\/([a-z]+)\*/)![1])).toEqual(['burning', 'low', 'fine']);
    for (const [s, r] of slos.map((s, i) => [s, [reviews[1], reviews[2], reviews[0]][i]] as const)) {
      expect(fieldText(s, 'Attainment')).toContain(`${(r.attainment! * 100).toFixed(3)} %`);
      expect(fieldText(s, 'Budget left (30d)')).toContain(`${(r.period.remaining * 100).toFixed(1)} %`);
      const pages = r.tiers.filter((t) => t.severity === 'page').reduce((n, t) => n + t.intervals.length, 0);
      expect(fieldText(s, 'Pages / tickets')).toMatch(new RegExp(`^\\*Pages / tickets\\*\\n${pages} / \\d+$`));
      expect(fieldText(s, 'Top incident')).toContain(
        `${(r.incidents[0].budgetSpent * 100).toFixed(1)} % of the budget`,
      );
    }
    expect(text).toMatch(/3 SLOs: 0 freeze, 2 caution, 1 ok; worst burning: budget low/);
  });

  it('shows the change since the previous review, read back from its JSON', () => {
    const before = review('api', 100, 33 * DAY);
    const now = review('api', 400, 40 * DAY);
    const previous = previousReviewsFromJson(reviewToJson([before]));
    const budget = fieldText(sections(slackDigest([now], { previous }).blocks)[0], 'Budget left');
    const points = (now.period.remaining - before.period.remaining) * 100;
    expect(budget).toContain(`${points.toFixed(1)} pts since 1970-02-03T00:00:00Z`);
    expect(points).toBeLessThan(0);
    expect(budget).toContain(':small_red_triangle_down:');
    // No history for an SLO: no change line rather than a made-up one.
    expect(fieldText(sections(slackDigest([review('web', 1)], { previous }).blocks)[0], 'Budget left')).not.toContain(
      'since',
    );
  });

  it('links the full report and refuses a link Slack would mangle', () => {
    const { blocks } = slackDigest([review('api', 1)], { reportUrl: 'https://r.example.com/w48.html' });
    expect(blocks.at(-1)).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':page_facing_up: <https://r.example.com/w48.html|Full report>' },
    });
    expect(() => slackDigest([review('api', 1)], { reportUrl: 'https://x.example.com/a|b' })).toThrow(/not an http/);
    expect(() => slackDigest([review('api', 1)], { reportUrl: 'javascript:alert(1)' })).toThrow(/not an http/);
  });

  it('stays within Slack limits with many SLOs and long names, saying what it left out', () => {
    const long = 'x'.repeat(400);
    const reviews = Array.from({ length: 70 }, (_, i) => review(`slo-${i}`, i === 3 ? 800 : 5, 40 * DAY, long));
    const { blocks, text } = slackDigest(reviews, { reportUrl: 'https://r.example.com/full.html' });
    expect(blocks).toHaveLength(SLACK_LIMITS.blocks);
    const header = blocks[0] as Extract<SlackBlock, { type: 'header' }>;
    expect(Array.from(header.text.text).length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    for (const b of blocks) {
      if (b.type === 'section') {
        expect(Array.from(b.text.text).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
        for (const f of b.fields ?? []) expect(Array.from(f.text).length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
      if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    }
    const shown = sections(blocks).length;
    // The exhausted one is never the one cut.
    expect(sections(blocks)[0].text.text).toContain('slo-3');
    const more = blocks.at(-2) as Extract<SlackBlock, { type: 'context' }>;
    expect(more.elements[0].text).toContain(`…and ${70 - shown} more SLOs`);
    expect(blocks.at(-1)!.type).toBe('section');
    expect(Array.from(text).length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('escapes mrkdwn control characters from the specs', () => {
    const { blocks } = slackDigest([review('api', 1, 40 * DAY, 'a<b>&c')]);
    expect(sections(blocks)[0].text.text).toContain('a&lt;b&gt;&amp;c/api');
  });
});

describe('previousReviewsFromJson', () => {
  it('refuses what is not a review JSON, saying which', () => {
    expect(() => previousReviewsFromJson('{')).toThrow(/^not JSON/);
    expect(() => previousReviewsFromJson('{"version": 2, "reviews": []}')).toThrow(/sre review --format json/);
    expect(() => previousReviewsFromJson('{"version": 1, "reviews": [{"slo": "a"}]}')).toThrow(/reviews\[0\] lacks/);
  });
});
