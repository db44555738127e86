/**
 * Alarm tags as a second metadata source. The @sre-kit/cdk alarm constructs tag
 * every alarm with `sre-kit:*` keys (SreTagKeys), but CloudWatch does not put
 * tags into notifications, so the router reads them with ListTagsForResource
 * (cached per alarm) and only when the description carries no metadata line.
 * The description line wins when both exist: tag values are sanitised
 * (CloudWatch forbids `?`, `&`, `#` in them) and may cut runbook URLs.
 */
import { CloudWatchClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { SEVERITIES } from '@sre-kit/core';
import type { AlarmMetadata } from './metadata';
import type { AlarmEvent } from './types';

export const TAG_PREFIX = 'sre-kit:';

/** Tag keys that fill metadata fields rather than becoming free labels. */
const KNOWN = new Set(['severity', 'family', 'service', 'slo', 'runbook', 'burn_rate', 'objective']);

/** Tags (key -> value) to metadata: `sre-kit:<key>` fills known fields, other non-`aws:` tags become labels. */
export function metadataFromTags(tags: Readonly<Record<string, string>>): AlarmMetadata {
  const sre = (k: string) => tags[`${TAG_PREFIX}${k}`] || undefined;
  const num = (k: string) => {
    const v = sre(k);
    return v !== undefined && Number.isFinite(Number(v)) ? Number(v) : undefined;
  };
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (k.startsWith('aws:')) continue;
    // sre-kit:resource, sre-kit:tier, sre-kit:catalogue-id become labels resource, tier, catalogue_id.
    const label = k.startsWith(TAG_PREFIX) ? k.slice(TAG_PREFIX.length).replace(/-/g, '_') : k;
    if (!KNOWN.has(label)) labels[label] = v;
  }
  const severity = SEVERITIES.find((s) => s === sre('severity'));
  const objective = num('objective');
  return {
    severity,
    family: sre('family'),
    service: sre('service'),
    slo: sre('slo'),
    runbook: sre('runbook'),
    burnRate: num('burn-rate'),
    // Tags may carry the objective as a percentage (99.9) or a ratio (0.999).
    objective:
      objective === undefined ? undefined : objective >= 1 ? Number((objective / 100).toPrecision(12)) : objective,
    sli: sre('slo') ? 'errorRatio' : undefined,
    tags: labels,
  };
}

export type TagLookup = (alarmArn: string) => Promise<Record<string, string>>;

export function cloudWatchTagLookup(client: CloudWatchClient = new CloudWatchClient({})): TagLookup {
  return async (arn) => {
    const out = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  };
}

/** Fills metadata from tags for events whose description has none. Lookup failures leave the event as it is. */
export class TagEnricher {
  private readonly cache = new Map<string, { tags: Promise<Record<string, string>>; expires: number }>();

  constructor(
    private readonly lookup: TagLookup,
    private readonly ttlMs = 600_000,
    private readonly now: () => number = Date.now,
    private readonly onError: (arn: string, err: Error) => void = () => undefined,
  ) {}

  async enrich(event: AlarmEvent): Promise<AlarmEvent> {
    const m = event.metadata;
    if (m.severity || m.service || m.family || m.drill) return event;
    let tags: Record<string, string>;
    try {
      tags = await this.tags(event.alarmArn);
    } catch (err) {
      this.onError(event.alarmArn, err as Error);
      return event;
    }
    const fromTags = metadataFromTags(tags);
    return { ...event, metadata: { ...fromTags, tags: { ...fromTags.tags, ...m.tags } } };
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
