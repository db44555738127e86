import type { Context } from '../context';
import { designIdFromOriginalKey } from '../domain/designs';
import { lambdaContext } from './context';

/** S3 event notification (direct) or EventBridge "Object Created" from S3. */
export interface ObjectCreatedEvent {
  Records?: Array<{ s3?: { object?: { key?: string } } }>;
  'detail-type'?: string;
  detail?: { object?: { key?: string } };
}

export function objectKeys(event: ObjectCreatedEvent): string[] {
  if (event.Records) {
    // S3 notifications URL-encode keys, with '+' for spaces.
    return event.Records.map((r) => r.s3?.object?.key)
      .filter((k): k is string => typeof k === 'string')
      .map((k) => decodeURIComponent(k.replace(/\+/g, ' ')));
  }
  const key = event.detail?.object?.key;
  return typeof key === 'string' ? [key] : [];
}

/**
 * Thumbnailer entry point on AWS: the same `DesignService.process` the local worker runs.
 * A refused image is a result (design rejected), not an error; only infrastructure failures
 * throw, so Lambda's retries are spent on what a retry can fix.
 */
export function createThumbnailHandler(getContext: () => Context | Promise<Context>) {
  return async (event: ObjectCreatedEvent): Promise<Array<{ designId: string; result: string }>> => {
    const ctx = await getContext();
    const results: Array<{ designId: string; result: string }> = [];
    for (const key of objectKeys(event)) {
      const designId = designIdFromOriginalKey(key);
      if (!designId) continue;
      const result = await ctx.designs.process(designId);
      ctx.logger.info({ designId, result }, 'design processed');
      results.push({ designId, result });
    }
    return results;
  };
}

export const handler = createThumbnailHandler(() => lambdaContext());
