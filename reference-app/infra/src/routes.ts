import { RouteTree } from '@sre-kit/alert-router';
import { loadSpecFilesSync } from '@sre-kit/core';
import type { RouteLookup } from './alarms-doc';
import { ROUTING_FILE } from './stacks/observability';

/** Receivers an alarm's tags reach through alarms/routing.yaml, as the deployed alert router would route them. */
export function routeLookup(): RouteLookup {
  const specs = loadSpecFilesSync([ROUTING_FILE]);
  const [routing] = specs.routings;
  if (!routing) throw new Error(`${ROUTING_FILE}: no AlertRouting`);
  const tree = new RouteTree(routing);
  // Mute intervals depend on the hour; the document shows where an alarm goes, so evaluate at a fixed instant.
  const at = new Date('2026-01-07T12:00:00Z');
  return (labels) => [...new Set(tree.matchLabels(labels, at).map((m) => m.receiver.name))];
}
