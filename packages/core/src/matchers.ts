/**
 * Alertmanager-style matchers as written in routing specs: `value` (equal),
 * `~regex` (full match), `!value` (not equal), `!~regex` (no full match).
 * An absent label matches as the empty string, as in Alertmanager. Core owns
 * them because the alert router (routes, maintenance windows) and the SLO
 * review (which SLOs a maintenance window covers) must agree on what matches.
 */
import type { Matchers } from './model/alarms';

export type Labels = Readonly<Record<string, string>>;
export type CompiledMatcher = (labels: Labels) => boolean;

export function compileMatcher(label: string, spec: string): CompiledMatcher {
  const negate = spec.startsWith('!');
  const body = negate ? spec.slice(1) : spec;
  let test: (value: string) => boolean;
  if (body.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${body.slice(1)})$`);
    } catch (err) {
      throw new Error(`matcher ${label}: invalid regular expression ${body.slice(1)}: ${(err as Error).message}`);
    }
    test = (v) => re.test(v);
  } else {
    test = (v) => v === body;
  }
  return (labels) => test(labels[label] ?? '') !== negate;
}

export function compileMatchers(matchers: Matchers): CompiledMatcher {
  const all = Object.entries(matchers).map(([label, spec]) => compileMatcher(label, spec));
  return (labels) => all.every((m) => m(labels));
}
