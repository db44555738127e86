/**
 * Generated history for `sre backtest --generate`: months of good/total buckets with a known story, so a
 * backtest can be checked against what was put in. The story is told in burn rates (multiples of the SLO's
 * error budget), so the same seed gives comparable data for a 99.9 % and a 99 % SLO:
 *
 * - a baseline at a quarter of the budget (0.25x), binomial noise on every bucket;
 * - incident 1: a full outage for 20 minutes (a sharp burst, near a fifth of the way in);
 * - incident 2: 25x for 4 hours (about half way);
 * - a slow leak: 2.5x more for 5 days (about three quarters of the way): under the pages, over the budget;
 * - three blips: 100x for 5 minutes, burns too small to threaten the budget (about 1.2 % of a 30 d budget,
 *   under 2 % even at the day's peak traffic).
 *
 * Traffic follows a day curve (half the rate at night, one and a half at the afternoon peak) so quiet hours
 * exercise the low-traffic guard. Where each episode falls within its band comes from the seed.
 */
import { errorBudget, type SeriesPoint } from '../math/budget';
import { binomial, prng } from '../simulate/traffic';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

export type GeneratedEpisodeKind = 'incident' | 'leak' | 'blip';

/** One thing the generator put into the data, on top of the baseline. */
export interface GeneratedEpisode {
  readonly name: string;
  readonly kind: GeneratedEpisodeKind;
  readonly start: number;
  readonly end: number;
  /** Burn rate added to the baseline (the error ratio is capped at 100 %); Infinity: every request fails. */
  readonly burnRate: number;
}

export interface GenerateOptions {
  readonly seed: number;
  /** First bucket (epoch seconds), a multiple of the step. */
  readonly start: number;
  /** Default 90. */
  readonly days?: number;
  /** Bucket length; default 300 (5 minutes). */
  readonly stepSeconds?: number;
  /** Mean requests per minute over a day; default 1000. */
  readonly requestsPerMinute?: number;
  readonly objective: number;
  /** Seed of the noise alone (default derived from `seed`): several SLOs share the episodes, not the noise. */
  readonly noiseSeed?: number;
}

export interface GeneratedHistory {
  readonly series: SeriesPoint[];
  readonly episodes: readonly GeneratedEpisode[];
  readonly baselineBurnRate: number;
  readonly stepSeconds: number;
}

export const GENERATED_BASELINE_BURN_RATE = 0.25;
/** Shortest history the story fits in: the leak alone needs 5 days and the bands must not overlap. */
export const MIN_GENERATED_DAYS = 30;

interface Band {
  readonly name: string;
  readonly kind: GeneratedEpisodeKind;
  /** Where in the range the episode may start, as fractions of it. */
  readonly from: number;
  readonly to: number;
  readonly seconds: number;
  readonly burnRate: number;
}

const STORY: readonly Band[] = [
  { name: 'blip 1', kind: 'blip', from: 0.08, to: 0.12, seconds: 5 * MINUTE, burnRate: 100 },
  { name: 'incident 1', kind: 'incident', from: 0.2, to: 0.26, seconds: 20 * MINUTE, burnRate: Infinity },
  { name: 'blip 2', kind: 'blip', from: 0.36, to: 0.4, seconds: 5 * MINUTE, burnRate: 100 },
  { name: 'incident 2', kind: 'incident', from: 0.49, to: 0.55, seconds: 4 * HOUR, burnRate: 25 },
  { name: 'slow leak', kind: 'leak', from: 0.71, to: 0.75, seconds: 5 * DAY, burnRate: 2.5 },
  { name: 'blip 3', kind: 'blip', from: 0.9, to: 0.94, seconds: 5 * MINUTE, burnRate: 100 },
];

/** The story's episodes for a range; the same for every SLO generated with this seed. */
export function generatedEpisodes(seed: number, start: number, days: number, stepSeconds: number): GeneratedEpisode[] {
  const rand = prng(seed);
  const span = days * DAY;
  return STORY.map((b) => {
    const at = start + span * (b.from + (b.to - b.from) * rand());
    const s = Math.floor(at / stepSeconds) * stepSeconds;
    return { name: b.name, kind: b.kind, start: s, end: s + b.seconds, burnRate: b.burnRate };
  });
}

function assertOptions(o: GenerateOptions, days: number, step: number, rpm: number): void {
  const bad = (what: string, hint: string): never => {
    throw new RangeError(`${what} (${hint})`);
  };
  if (!Number.isInteger(o.seed)) bad(`seed ${o.seed} is not a whole number`, 'for example 7');
  if (!(Number.isInteger(days) && days >= MIN_GENERATED_DAYS))
    bad(`days ${days} is too short`, `the story needs ${MIN_GENERATED_DAYS} days or more`);
  if (!(Number.isInteger(step) && step >= 60 && DAY % step === 0))
    bad(`step ${step} s is not a whole divisor of a day of at least 60 s`, 'for example 60 or 300');
  if (!(rpm >= 1)) bad(`requests per minute ${rpm} is below 1`, 'for example 1000');
  if (!Number.isInteger(o.start) || o.start % step !== 0)
    bad(`start ${o.start} is not a multiple of the ${step} s step`, 'start on a whole bucket');
}

/** The generated history of one SLO: deterministic for a seed (and the options). */
export function generateHistory(options: GenerateOptions): GeneratedHistory {
  const days = options.days ?? 90;
  const step = options.stepSeconds ?? 300;
  const rpm = options.requestsPerMinute ?? 1000;
  assertOptions(options, days, step, rpm);
  const budget = errorBudget(options.objective);
  const episodes = generatedEpisodes(options.seed, options.start, days, step);
  // The noise has its own stream: the episodes stay where they are whatever the traffic options.
  const rand = prng(options.noiseSeed ?? options.seed ^ 0x5eed);
  const series: SeriesPoint[] = [];
  const end = options.start + days * DAY;
  for (let t = options.start; t < end; t += step) {
    // Peak at 15:00 UTC, trough at 03:00.
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * ((t % DAY) - 9 * HOUR)) / DAY);
    const total = Math.max(1, Math.round(((rpm * step) / MINUTE) * daily * (0.95 + 0.1 * rand())));
    let burn = GENERATED_BASELINE_BURN_RATE;
    for (const e of episodes) if (t >= e.start && t < e.end) burn += e.burnRate;
    const ratio = Math.min(1, burn * budget);
    const bad = ratio >= 1 ? total : binomial(total, ratio, rand);
    series.push({ t, good: total - bad, total });
  }
  return { series, episodes, baselineBurnRate: GENERATED_BASELINE_BURN_RATE, stepSeconds: step };
}
