/**
 * Model thresholds to Grafana threshold steps. Each step's colour is the worst severity violated in
 * the interval it starts, so "above" lines (error rates) and "below" lines (SLI under objective,
 * budget under zero) share one step list.
 */
import type { Threshold } from '@sre-kit/core';
import type { Threshold as GrafanaStep } from '@grafana/grafana-foundation-sdk/dashboard';

const RANK: Record<Threshold['severity'], number> = { info: 1, warning: 2, critical: 3 };
const COLOR: Record<Threshold['severity'] | 'ok', string> = {
  ok: 'green',
  info: 'blue',
  warning: 'orange',
  critical: 'red',
};

function colorAt(value: number, thresholds: readonly Threshold[]): string {
  let worst: Threshold['severity'] | undefined;
  for (const t of thresholds) {
    const violated = t.comparison === 'below' ? value < t.value : value >= t.value;
    if (violated && (worst === undefined || RANK[t.severity] > RANK[worst])) worst = t.severity;
  }
  return COLOR[worst ?? 'ok'];
}

export function thresholdSteps(thresholds: readonly Threshold[]): GrafanaStep[] {
  const values = [...new Set(thresholds.map((t) => t.value))].sort((a, b) => a - b);
  const steps: GrafanaStep[] = [{ value: null, color: colorAt(Number.NEGATIVE_INFINITY, thresholds) }];
  for (const value of values) steps.push({ value, color: colorAt(value, thresholds) });
  return steps;
}
