// Shared with the review digest; defined once in core.
export { SLACK_LIMITS, truncate, escapeMrkdwn } from '@sre-kit/core';
