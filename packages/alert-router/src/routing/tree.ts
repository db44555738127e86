/**
 * The route tree, evaluated like Alertmanager's: the root matches everything;
 * a node that matches tries its children depth first; when no child matches,
 * the node itself is the match; a matching child stops its later siblings
 * unless it sets `continue`. receiver, groupBy and the three timings are
 * inherited from the parent; muteTimeIntervals are not (as in Alertmanager).
 */
import {
  compileWindows,
  openWindows,
  type AlertRouting,
  type CompiledWindow,
  type Receiver,
  type Route,
} from '@sre-kit/core';
import type { AlarmEvent } from '../events/types';
import { eventLabels, type Labels } from './labels';
import { compileMatchers, type CompiledMatcher } from './matchers';
import { compileTimeInterval, type IntervalTest } from './time-intervals';

/** Defaults chosen for a Lambda: send at once (no group wait), repeat like Alertmanager. */
export const ROUTE_DEFAULTS = {
  groupBy: ['alarmName'] as readonly string[],
  groupWaitSeconds: 0,
  groupIntervalSeconds: 0,
  repeatIntervalSeconds: 4 * 3600,
};

export interface RouteMatch {
  /** Dotted index path of the matching node (`root`, `root.1.0`): part of group keys. */
  readonly routeId: string;
  readonly receiver: Receiver;
  readonly groupBy: readonly string[];
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalSeconds: number;
  /** Names of the mute intervals active now; the event is muted for this match when non-empty. */
  readonly mutedBy: readonly string[];
  /** Maintenance windows open now that match the alarm (every route alike): muted while non-empty. */
  readonly windows: readonly OpenWindow[];
}

/** A maintenance window as the router reports it: who muted, why, until when. */
export interface OpenWindow {
  readonly name: string;
  readonly category: string;
  readonly reason: string;
  /** ISO time the opening ends (an alarm still firing then is delivered by the next tick). */
  readonly until: string;
}

/** Muted by a time interval of the route or by a maintenance window. */
export function isMuted(m: Pick<RouteMatch, 'mutedBy' | 'windows'>): boolean {
  return m.mutedBy.length > 0 || m.windows.length > 0;
}

/** `muted by nights` / `muted by maintenance window db-patching (maintenance: RDS patching) until ...`. */
export function muteDetail(m: Pick<RouteMatch, 'mutedBy' | 'windows'>): string {
  const reasons = [
    ...m.mutedBy,
    ...m.windows.map((w) => `maintenance window ${w.name} (${w.category}: ${w.reason}) until ${w.until}`),
  ];
  return `muted by ${reasons.join(', ')}`;
}

interface Node {
  readonly id: string;
  readonly matches: CompiledMatcher;
  readonly receiver: Receiver;
  readonly groupBy: readonly string[];
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalSeconds: number;
  readonly mute: readonly string[];
  readonly continue: boolean;
  readonly children: readonly Node[];
}

export class RoutingConfigError extends Error {
  constructor(
    readonly routing: string,
    readonly problems: readonly string[],
  ) {
    super(`routing ${routing} is invalid:\n  ${problems.join('\n  ')}`);
  }
}

export class RouteTree {
  private readonly root: Node;
  private readonly intervals = new Map<string, IntervalTest>();
  private readonly windows: readonly CompiledWindow[] = [];
  readonly receivers: ReadonlyMap<string, Receiver>;

  constructor(readonly routing: AlertRouting) {
    const problems: string[] = [];
    const receivers = new Map<string, Receiver>();
    for (const r of routing.receivers) {
      if (receivers.has(r.name)) problems.push(`receivers: duplicate receiver ${r.name}`);
      receivers.set(r.name, r);
    }
    this.receivers = receivers;
    for (const t of routing.timeIntervals) {
      try {
        this.intervals.set(t.name, compileTimeInterval(t));
      } catch (err) {
        problems.push(`timeIntervals: ${(err as Error).message}`);
      }
    }
    try {
      this.windows = compileWindows(routing.maintenanceWindows ?? []);
    } catch (err) {
      problems.push(`maintenanceWindows: ${(err as Error).message}`);
    }
    if (!routing.route.receiver) problems.push('route: the root route needs a receiver (the fallback for everything)');
    const root = this.compile(routing.route, 'root', undefined, problems);
    if (problems.length > 0 || !root) throw new RoutingConfigError(routing.name, problems);
    this.root = root;
  }

  /** Every match for the event (several with `continue`), never empty: the root catches the rest. */
  match(event: AlarmEvent, now: Date): RouteMatch[] {
    return this.matchLabels(eventLabels(event), now);
  }

  /** The same walk over a bare label set (for documents and previews that have no event). */
  matchLabels(labels: Labels, now: Date): RouteMatch[] {
    const found: Node[] = [];
    this.walk(this.root, labels, found, true);
    // Windows pause the alarm itself, whichever receivers its routes reach.
    const windows = openWindows(this.windows, labels, now.getTime()).map(({ window, occurrence }) => ({
      name: window.name,
      category: window.category,
      reason: window.reason,
      until: new Date(occurrence.end * 1000).toISOString(),
    }));
    return found.map((n) => ({
      routeId: n.id,
      receiver: n.receiver,
      groupBy: n.groupBy,
      groupWaitSeconds: n.groupWaitSeconds,
      groupIntervalSeconds: n.groupIntervalSeconds,
      repeatIntervalSeconds: n.repeatIntervalSeconds,
      mutedBy: n.mute.filter((name) => this.intervals.get(name)?.(now) === true),
      windows,
    }));
  }

  private walk(node: Node, labels: Labels, found: Node[], isRoot: boolean): boolean {
    if (!isRoot && !node.matches(labels)) return false;
    let childMatched = false;
    for (const child of node.children) {
      if (this.walk(child, labels, found, false)) {
        childMatched = true;
        if (!child.continue) break;
      }
    }
    if (!childMatched) found.push(node);
    return true;
  }

  private compile(route: Route, id: string, parent: Node | undefined, problems: string[]): Node | undefined {
    // Same path spelling as the spec parser's locations: route.routes[0].routes[2]
    const path = `route${id
      .split('.')
      .slice(1)
      .map((i) => `.routes[${i}]`)
      .join('')}`;
    const receiverName = route.receiver ?? parent?.receiver.name;
    const receiver = receiverName ? this.receivers.get(receiverName) : undefined;
    if (receiverName && !receiver) problems.push(`${path}.receiver: unknown receiver ${receiverName}`);
    let matches: CompiledMatcher = () => true;
    try {
      matches = compileMatchers(route.matchers);
    } catch (err) {
      problems.push(`${path}.matchers: ${(err as Error).message}`);
    }
    for (const name of route.muteTimeIntervals) {
      if (!this.routing.timeIntervals.some((t) => t.name === name)) {
        problems.push(`${path}.muteTimeIntervals: unknown time interval ${name}`);
      }
    }
    const node: Node = {
      id,
      matches,
      receiver: receiver ?? { name: '?', slack: [], email: [], sendResolved: false },
      groupBy: route.groupBy ?? parent?.groupBy ?? ROUTE_DEFAULTS.groupBy,
      groupWaitSeconds: route.groupWaitSeconds ?? parent?.groupWaitSeconds ?? ROUTE_DEFAULTS.groupWaitSeconds,
      groupIntervalSeconds:
        route.groupIntervalSeconds ?? parent?.groupIntervalSeconds ?? ROUTE_DEFAULTS.groupIntervalSeconds,
      repeatIntervalSeconds:
        route.repeatIntervalSeconds ?? parent?.repeatIntervalSeconds ?? ROUTE_DEFAULTS.repeatIntervalSeconds,
      mute: route.muteTimeIntervals,
      continue: route.continue,
      children: [],
    };
    const children = route.routes
      .map((child, i) => this.compile(child, `${id}.${i}`, node, problems))
      .filter((c): c is Node => c !== undefined);
    return { ...node, children };
  }
}
