/**
 * The review as a compact Slack Block Kit digest: one section per SLO (attainment, the period
 * budget left and its change since the previous review, pages and tickets replayed in the range,
 * the incident that spent most), worst first, cut to Slack's limits. The full report lives
 * elsewhere (`--report-url`); the digest says what needs attention and links to it.
 */
import { escapeMrkdwn, isSlackLinkUrl, SLACK_LIMITS, truncate } from '../../slack';
import type { SloReview } from '../analyse';
import { countFirings, dur, iso, pct, rangeLine } from './tables';

/** What a previous review said about an SLO: enough to show the change since. */
export interface PreviousReview {
  readonly to: number;
  readonly remaining: number;
  readonly periodSeconds: number;
}

export interface SlackDigestOptions {
  /** Link to the full (HTML) report; http(s) only. */
  readonly reportUrl?: string;
  /** The last review per SLO name (`sre review --format json` of an earlier run). */
  readonly previous?: ReadonlyMap<string, PreviousReview>;
}

type Text = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] };

export interface SlackPayload {
  readonly text: string;
  readonly blocks: SlackBlock[];
}

const ICON = { ok: ':white_check_mark:', caution: ':warning:', freeze: ':octagonal_sign:' } as const;
const SEVERITY = { freeze: 0, caution: 1, ok: 2 } as const;

const mrkdwn = (text: string, max: number): Text => ({ type: 'mrkdwn', text: truncate(text, max) });

function field(label: string, value: string): Text {
  return mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText);
}

/** Percentage points, signed, so "-8.0 pts" reads as budget lost. */
function change(now: number, before: PreviousReview): string {
  const points = (now - before.remaining) * 100;
  const arrow = points < -0.05 ? ':small_red_triangle_down:' : points > 0.05 ? ':arrow_up_small:' : '=';
  return `${arrow} ${points >= 0 ? '+' : ''}${points.toFixed(1)} pts since ${iso(before.to)}`;
}

function sloSection(r: SloReview, options: SlackDigestOptions): SlackBlock {
  const p = r.period;
  const before = options.previous?.get(r.slo);
  // A previous review over another period length measured another budget: no change to show.
  const since = before && before.periodSeconds === p.seconds ? `\n${change(p.remaining, before)}` : '';
  const partial = p.complete ? '' : ' (partial data)';
  const top = r.incidents[0];
  const fields = [
    field('Attainment', `${pct(r.attainment)} (objective ${pct(r.objective)})`),
    field(
      `Budget left (${dur(p.seconds)})`,
      `${pct(p.remaining, 1)}${partial}, ${p.remainingMinutes.toFixed(1)} of ${p.totalMinutes.toFixed(1)} min${since}`,
    ),
    field('Pages / tickets', `${countFirings(r, 'page')} / ${countFirings(r, 'ticket')}`),
    field(
      'Top incident',
      top
        ? `${iso(top.start)} for ${dur(top.end - top.start)}: ${pct(top.budgetSpent, 1)} of the budget`
        : 'none in the range',
    ),
  ];
  // Planned work the figures leave out is part of reading them: say it where the numbers are.
  if (r.excluded && r.excluded.seconds > 0) {
    const names = [...new Set(r.excluded.openings.map((o) => o.window))].join(', ');
    fields.push(field('Left out (maintenance)', escapeMrkdwn(`${dur(r.excluded.seconds)}: ${names}`)));
  }
  const heading = `${ICON[r.verdict.level]} *${escapeMrkdwn(`${r.service}/${r.slo}`)}*: ${escapeMrkdwn(r.verdict.message)}`;
  return { type: 'section', text: mrkdwn(heading, SLACK_LIMITS.sectionText), fields };
}

/** Freeze, then caution, then ok; least budget first within each. */
function worstFirst(reviews: readonly SloReview[]): SloReview[] {
  return [...reviews].sort(
    (a, b) => SEVERITY[a.verdict.level] - SEVERITY[b.verdict.level] || a.period.remaining - b.period.remaining,
  );
}

function counts(reviews: readonly SloReview[]): string {
  const n = { freeze: 0, caution: 0, ok: 0 };
  for (const r of reviews) n[r.verdict.level]++;
  return `${reviews.length} SLO${reviews.length === 1 ? '' : 's'}: ${n.freeze} freeze, ${n.caution} caution, ${n.ok} ok`;
}

export function slackDigest(reviews: readonly SloReview[], options: SlackDigestOptions = {}): SlackPayload {
  if (options.reportUrl !== undefined && !isSlackLinkUrl(options.reportUrl))
    throw new RangeError(`report URL "${options.reportUrl}" is not an http(s) URL Slack can link`);
  const range = rangeLine(reviews);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`SLO review ${range}`, SLACK_LIMITS.headerText), emoji: true },
    },
    { type: 'context', elements: [mrkdwn(escapeMrkdwn(counts(reviews)), SLACK_LIMITS.sectionText)] },
  ];
  const link: SlackBlock[] = options.reportUrl
    ? [
        {
          type: 'section',
          text: mrkdwn(`:page_facing_up: <${options.reportUrl}|Full report>`, SLACK_LIMITS.sectionText),
        },
      ]
    : [];
  const sorted = worstFirst(reviews);
  // Room for the SLOs: what the header, context and link leave, less one for the "more" note if needed.
  let room = SLACK_LIMITS.blocks - blocks.length - link.length;
  if (sorted.length > room) room -= 1;
  for (const r of sorted.slice(0, room)) blocks.push(sloSection(r, options));
  const left = sorted.slice(room);
  if (left.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          escapeMrkdwn(
            `…and ${left.length} more SLO${left.length === 1 ? '' : 's'} (${counts(left)}) in the full report`,
          ),
          SLACK_LIMITS.sectionText,
        ),
      ],
    });
  }
  blocks.push(...link);
  const worst = sorted[0];
  const fallback = `SLO review ${range}: ${counts(reviews)}${worst && worst.verdict.level !== 'ok' ? `; worst ${worst.slo}: ${worst.verdict.message}` : ''}`;
  return { text: truncate(escapeMrkdwn(fallback), SLACK_LIMITS.fallbackText), blocks };
}

export function reviewToSlack(reviews: readonly SloReview[], options: SlackDigestOptions = {}): string {
  return `${JSON.stringify(slackDigest(reviews, options), null, 2)}\n`;
}

/**
 * The per-SLO budget of an earlier `sre review --format json` output, for the digest's "change
 * since the last review". Throws with a readable message when the text is not such an output.
 */
export function previousReviewsFromJson(text: string): Map<string, PreviousReview> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  const reviews = (doc as { version?: unknown; reviews?: unknown } | null)?.reviews;
  if ((doc as { version?: unknown } | null)?.version !== 1 || !Array.isArray(reviews))
    throw new Error('not the output of sre review --format json (expected {"version": 1, "reviews": [...]})');
  const out = new Map<string, PreviousReview>();
  reviews.forEach((r: unknown, i) => {
    const review = r as { slo?: unknown; to?: unknown; period?: { remaining?: unknown; seconds?: unknown } };
    const { slo, to } = review;
    const remaining = review.period?.remaining;
    const periodSeconds = review.period?.seconds;
    if (
      typeof slo !== 'string' ||
      typeof to !== 'number' ||
      typeof remaining !== 'number' ||
      typeof periodSeconds !== 'number'
    )
      throw new Error(`reviews[${i}] lacks slo, to, period.remaining or period.seconds`);
    out.set(slo, { to, remaining, periodSeconds });
  });
  return out;
}
