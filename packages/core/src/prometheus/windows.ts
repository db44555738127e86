/**
 * Sloth picks alert windows by SLO period: `sloth generate -w DIR
 * --default-slo-period 7d` gives every SLO the period and windows of the
 * AlertWindows file for 7d. This applies loaded AlertWindows the same way.
 */
import { formatDuration } from '../duration';
import type { BurnRatePolicy, Slo } from '../model/slo';

/**
 * SLOs with the period and tiers of the AlertWindows whose sloPeriod is
 * `periodSeconds`; Sloth SLOs only (OpenSLO SLOs carry their own policy).
 * Throws when no loaded AlertWindows has that period.
 */
export function applyAlertWindows(
  slos: readonly Slo[],
  windows: Readonly<Record<string, BurnRatePolicy>>,
  periodSeconds: number,
): Slo[] {
  const match = Object.values(windows).find((w) => w.periodSeconds === periodSeconds);
  if (!match) {
    const known = Object.values(windows).map((w) => formatDuration(w.periodSeconds));
    throw new Error(
      `no AlertWindows for an SLO period of ${formatDuration(periodSeconds)} (loaded: ${known.join(', ') || 'none'})`,
    );
  }
  return slos.map((slo) =>
    slo.origin.format === 'sloth'
      ? { ...slo, period: { ...slo.period, seconds: periodSeconds }, alerting: { ...slo.alerting, policy: match } }
      : slo,
  );
}
