import type { SloReview } from '../analyse';
import { reviewToHtml } from './html';
import { reviewToMarkdown, reviewToText } from './text';

export const REVIEW_FORMATS = ['text', 'md', 'html', 'json'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** JSON output, versioned so scripts can rely on its shape. */
export function reviewToJson(reviews: readonly SloReview[]): string {
  return `${JSON.stringify({ version: 1, reviews }, null, 2)}\n`;
}

export function formatReview(reviews: readonly SloReview[], format: ReviewFormat): string {
  switch (format) {
    case 'text':
      return reviewToText(reviews);
    case 'md':
      return reviewToMarkdown(reviews);
    case 'html':
      return reviewToHtml(reviews);
    case 'json':
      return reviewToJson(reviews);
  }
}

export { reviewToHtml, reviewToMarkdown, reviewToText };
export { lineChart, escapeXml } from './svg';
