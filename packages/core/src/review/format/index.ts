import type { SloReview } from '../analyse';
import { reviewToHtml } from './html';
import { reviewToSlack, type SlackDigestOptions } from './slack';
import { reviewToMarkdown, reviewToText } from './text';

export const REVIEW_FORMATS = ['text', 'md', 'html', 'json', 'slack'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** JSON output, versioned so scripts can rely on its shape. */
export function reviewToJson(reviews: readonly SloReview[]): string {
  return `${JSON.stringify({ version: 1, reviews }, null, 2)}\n`;
}

export interface FormatOptions {
  /** The Slack digest's link and previous review (ignored by the other formats). */
  readonly slack?: SlackDigestOptions;
}

export function formatReview(reviews: readonly SloReview[], format: ReviewFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return reviewToText(reviews);
    case 'md':
      return reviewToMarkdown(reviews);
    case 'html':
      return reviewToHtml(reviews);
    case 'json':
      return reviewToJson(reviews);
    case 'slack':
      return reviewToSlack(reviews, options.slack);
  }
}

export { reviewToHtml, reviewToMarkdown, reviewToText, reviewToSlack };
export {
  slackDigest,
  previousReviewsFromJson,
  type SlackDigestOptions,
  type SlackPayload,
  type SlackBlock,
  type PreviousReview,
} from './slack';
export { lineChart, escapeXml } from './svg';
export { htmlPage, htmlTable } from './html';
export { mdCell, mdTable, textTable } from './text';
export { dur, iso, pct, type Table } from './tables';
