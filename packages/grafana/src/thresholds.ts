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
    const violated = t.comparison === 'below' ? value < t.value : value > t.value;
    if (violated && (worst === undefined || RANK[t.severity] > RANK[worst])) worst = t.severity;
  }
  return COLOR[worst ?? 'ok'];
}

export function thresholdSteps(thresholds: readonly Threshold[]): GrafanaStep[] {
  // Grafana colours value >= step. Alarms fire strictly above their threshold (GreaterThanThreshold), so an
  // "above" step starts just past its value: 0 errors against a "> 0" alarm stays green.
  const starts = thresholds.map((t) => (t.comparison === 'below' ? t.value : justAbove(t.value)));
  const values = [...new Set(starts)].sort((a, b) => a - b);
  const steps: GrafanaStep[] = [{ value: null, color: colorAt(Number.NEGATIVE_INFINITY, thresholds) }];
  for (const value of values) steps.push({ value, color: colorAt(value, thresholds) });
  return steps;
}

/** The smallest step start Grafana tells apart from `value` (relative, so large thresholds stay readable). */
function justAbove(value: number): number {
  return value + Math.max(Math.abs(value) * 1e-9, 1e-9);
}
