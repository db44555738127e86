/**
 * Synthetic error scenarios for `sre simulate`, written as short specs:
 *
 *   outage:100%:15m        errors at 100 % for 15 minutes
 *   degradation:2%:6h      errors at 2 % for 6 hours
 *   flap:50%:5m/1h         50 % for 5 minutes out of every hour, for the whole run
 *   flap:50%:5m/1h:12h     the same, for 12 hours
 *   baseline:0.05%         a constant background error ratio for the whole run
 *
 * Parts combine with `+` (`baseline:0.05%+outage:100%:15m`); error ratios add
 * up (capped at 100 %).
 */
import { parseDuration } from '../duration';

export type ScenarioPart =
  | { readonly kind: 'outage' | 'degradation'; readonly errorRatio: number; readonly seconds: number }
  | {
      readonly kind: 'flap';
      readonly errorRatio: number;
      readonly onSeconds: number;
      readonly everySeconds: number;
      readonly seconds?: number;
    }
  | { readonly kind: 'baseline'; readonly errorRatio: number };

export interface Scenario {
  readonly text: string;
  readonly parts: readonly ScenarioPart[];
}

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const EXAMPLES = 'outage:100%:15m, degradation:2%:6h, flap:50%:5m/1h, baseline:0.05%';

function ratio(text: string | undefined, part: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text ?? '');
  const value = m ? Number(m[1]) / 100 : NaN;
  if (!(value > 0 && value <= 1))
    throw new ScenarioError(
      `"${part}": error ratio "${text ?? ''}" is not a percentage in (0, 100]`,
      'write it like 2% or 0.05%',
    );
  return value;
}

function seconds(text: string | undefined, part: string, what: string): number {
  const value = parseDuration(text ?? '');
  if (value === undefined)
    throw new ScenarioError(`"${part}": ${what} "${text ?? ''}" is not a duration`, 'write it like 15m, 6h or 1d');
  return value;
}

export function parseScenario(text: string): Scenario {
  const parts = text.split('+').map((raw): ScenarioPart => {
    const part = raw.trim();
    const [kind, ...args] = part.split(':');
    switch (kind) {
      case 'outage':
      case 'degradation':
        if (args.length !== 2)
          throw new ScenarioError(`"${part}": ${kind} takes a ratio and a duration`, `for example ${kind}:2%:30m`);
        return { kind, errorRatio: ratio(args[0], part), seconds: seconds(args[1], part, 'duration') };
      case 'flap': {
        if (args.length < 2 || args.length > 3)
          throw new ScenarioError(
            `"${part}": flap takes a ratio, on/every and an optional duration`,
            'for example flap:50%:5m/1h',
          );
        const [on, every] = args[1].split('/');
        const onSeconds = seconds(on, part, 'on-time');
        const everySeconds = seconds(every, part, 'period');
        if (onSeconds >= everySeconds)
          throw new ScenarioError(`"${part}": on-time must be shorter than the period`, 'for example 5m/1h');
        const total = args[2] === undefined ? undefined : seconds(args[2], part, 'duration');
        return { kind, errorRatio: ratio(args[0], part), onSeconds, everySeconds, seconds: total };
      }
      case 'baseline':
        if (args.length !== 1)
          throw new ScenarioError(`"${part}": baseline takes one ratio`, 'for example baseline:0.05%');
        return { kind, errorRatio: ratio(args[0], part) };
      default:
        throw new ScenarioError(`unknown scenario "${kind}"`, `use one of ${EXAMPLES}`);
    }
  });
  return { text, parts };
}

/** An episode the scenario injects: [start, end) at `errorRatio` on top of the baseline. */
export interface Episode {
  readonly start: number;
  readonly end: number;
  readonly errorRatio: number;
}

/** Episodes of the scenario for a run whose incident phase starts at `start` and lasts `seconds`. */
export function scenarioEpisodes(scenario: Scenario, start: number, seconds: number): Episode[] {
  const out: Episode[] = [];
  for (const p of scenario.parts) {
    if (p.kind === 'outage' || p.kind === 'degradation')
      out.push({ start, end: start + p.seconds, errorRatio: p.errorRatio });
    if (p.kind === 'flap') {
      const until = start + (p.seconds ?? seconds);
      for (let t = start; t < until; t += p.everySeconds)
        out.push({ start: t, end: Math.min(until, t + p.onSeconds), errorRatio: p.errorRatio });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export function baselineRatio(scenario: Scenario): number {
  return scenario.parts.reduce((s, p) => s + (p.kind === 'baseline' ? p.errorRatio : 0), 0);
}

/** How long the scenario's incidents need: the longest outage or flap duration (0 when open-ended only). */
export function scenarioSeconds(scenario: Scenario): number {
  return scenario.parts.reduce(
    (s, p) => Math.max(s, p.kind === 'baseline' ? 0 : p.kind === 'flap' ? (p.seconds ?? 0) : p.seconds),
    0,
  );
}
