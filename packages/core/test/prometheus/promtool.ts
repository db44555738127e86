/**
 * Runs promtool, which the rule tests require rather than skip: it comes from Debian's `prometheus` package
 * (.ci/run installs it); PROMTOOL points at another binary.
 */
import { execFileSync } from 'node:child_process';
import type { PrometheusRuleGroup } from '../../src/prometheus';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

/** promtool's stdout; a failure throws with everything promtool printed. */
export function promtool(args: readonly string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

/**
 * The labels and annotations Prometheus gives the alert of `severity`: the SLO's id labels, the rule's labels,
 * `extra` (labels the expression itself sets, such as `tier`), templates expanded.
 */
export function expectedAlert(
  rules: readonly PrometheusRuleGroup[],
  severity: 'page' | 'ticket',
  extra: Readonly<Record<string, string>> = {},
) {
  const rule = rules.flatMap((g) => g.rules).find((r) => r.alert && r.labels?.sloth_severity === severity)!;
  const recorded = rules[0].rules[0].labels ?? {};
  const ids = Object.fromEntries(Object.entries(recorded).filter(([k]) => k !== 'sloth_window'));
  const exp_labels: Record<string, string> = { ...ids, ...rule.labels, ...extra };
  const exp_annotations = Object.fromEntries(
    Object.entries(rule.annotations ?? {}).map(([k, v]) => [
      k,
      v.replace(/\{\{\$labels\.(\w+)\}\}/g, (_, l: string) => exp_labels[l] ?? ''),
    ]),
  );
  return { alertname: rule.alert!, alert: { exp_labels, exp_annotations } };
}
