/**
 * Alarm tags as a supplement to the description's metadata. CloudWatch does not put tags into
 * notifications, so the router reads them with ListTagsForResource (cached per alarm) only when
 * the description does not classify the alarm by itself (`isClassified`), and then only fills
 * the fields the description lacks (`mergeAlarmMetadata`): a tag can never override, and a failed
 * or slow lookup leaves the event exactly as the description made it. A page is never demoted
 * and never waits longer than the lookup's time limit.
 */
import { CloudWatchClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { alarmMetadataFromTags, isClassified, mergeAlarmMetadata, ALARM_METADATA_PREFIX } from '@sre-kit/core';
import type { AlarmEvent } from './types';

export const TAG_PREFIX = ALARM_METADATA_PREFIX;
export { alarmMetadataFromTags as metadataFromTags };

export type TagLookup = (alarmArn: string) => Promise<Record<string, string>>;

export function cloudWatchTagLookup(client: CloudWatchClient = new CloudWatchClient({})): TagLookup {
  return async (arn) => {
    const out = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  };
}

export interface TagEnricherOptions {
  /** @default 600000 */
  readonly ttlMs?: number;
  readonly now?: () => number;
  readonly onError?: (arn: string, err: Error) => void;
  /** Longest wait for one lookup before routing on the description alone. @default 1500 */
  readonly timeoutMs?: number;
}

export class TagEnricher {
  private readonly cache = new Map<string, { tags: Promise<Record<string, string>>; expires: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly onError: (arn: string, err: Error) => void;
  private readonly timeoutMs: number;

  constructor(
    private readonly lookup: TagLookup,
    options: TagEnricherOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 600_000;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.timeoutMs = options.timeoutMs ?? 1500;
  }

  async enrich(event: AlarmEvent): Promise<AlarmEvent> {
    if (isClassified(event.metadata)) return event;
    let tags: Record<string, string>;
    try {
      tags = await withTimeout(this.tags(event.alarmArn), this.timeoutMs, 'ListTagsForResource');
    } catch (err) {
      this.onError(event.alarmArn, err as Error);
      return event;
    }
    return { ...event, metadata: mergeAlarmMetadata(event.metadata, alarmMetadataFromTags(tags)) };
  }

  private tags(arn: string): Promise<Record<string, string>> {
    const hit = this.cache.get(arn);
    if (hit && hit.expires > this.now()) return hit.tags;
    const tags = this.lookup(arn);
    tags.catch(() => this.cache.delete(arn));
    this.cache.set(arn, { tags, expires: this.now() + this.ttlMs });
    return tags;
  }
}

/** Rejects after `ms` (the work itself is left to finish or fail on its own). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
