/**
 * The one classification path. The Lambda handler, `sre alerts replay` (through the handler),
 * `sre alerts preview` and `sre simulate --deliver` all turn a payload into routed-ready events
 * here: parse (SNS or EventBridge, every alarm shape) -> metadata from the description through
 * @sre-kit/core's contract -> tags fill only missing fields (optional) -> SLO budget context
 * (optional). Routing (`RouteTree.match` / `AlertRouter.process`) and rendering (`renderSlack`,
 * `renderEmail`) read only the result.
 */
import { wantsBudget, type BudgetReader } from './budget';
import { parseInbound, type Inbound } from './inbound';
import type { TagEnricher } from './tags';
import type { AlarmEvent } from './types';

export interface ClassifyOptions {
  /** Tags as a supplement (the Lambda); never needed to classify a kit alarm. */
  readonly enricher?: TagEnricher;
  /** Error-budget context for SLO pages (the Lambda); local runs have none and say so. */
  readonly budget?: BudgetReader;
}

export async function classifyEvent(event: AlarmEvent, options: ClassifyOptions = {}): Promise<AlarmEvent> {
  // Both lookups are bounded and never throw; running them side by side keeps the page's wait to the longer one.
  const [tagged, budget] = await Promise.all([
    options.enricher ? options.enricher.enrich(event) : event,
    options.budget && wantsBudget(event) ? options.budget(event) : undefined,
  ]);
  return budget ? { ...tagged, budget } : tagged;
}

export async function readInbound(payload: unknown, options: ClassifyOptions = {}): Promise<Inbound> {
  const inbound = parseInbound(payload);
  const events = await Promise.all(inbound.events.map((e) => classifyEvent(e, options)));
  return { ...inbound, events };
}
