/**
 * The traffic a scenario produces: healthy warm-up, the scenario's episodes on
 * top of its baseline, then a healthy tail, as good/total buckets. One
 * generator for `sre simulate` on policies (run.ts) and on a synthesized
 * assembly's alarms (cloudwatch-alarms.ts), so both replay the same traffic.
 */
import type { SeriesPoint } from '../math/budget';
import { baselineRatio, scenarioEpisodes, scenarioSeconds, type Episode, type Scenario } from './scenario';

export interface TrafficOptions {
  readonly stepSeconds: number;
  /** Healthy traffic before the incident phase (windows must be full before it starts). */
  readonly warmupSeconds: number;
  /** Healthy traffic after the incident phase (windows must forget it). */
  readonly tailSeconds: number;
  /** Requests per minute; default 1000. */
  readonly requestsPerMinute?: number;
  /** Length of open-ended parts (flap, baseline); default 1 day. */
  readonly durationSeconds?: number;
  /** Draw errors at random (seeded) instead of the expected count. */
  readonly noiseSeed?: number;
}

export interface ScenarioTraffic {
  readonly stepSeconds: number;
  readonly series: readonly SeriesPoint[];
  /** Start of the incident phase (end of the warm-up), a multiple of the step. */
  readonly incidentStart: number;
  /** Length of the incident phase. */
  readonly phase: number;
  readonly runSeconds: number;
  readonly episodes: readonly Episode[];
  readonly baseline: number;
}

/** Small, fast, seedable PRNG (mulberry32) so noisy simulations and generated histories are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Failed requests out of n at ratio p, drawn with `rand`. */
export function binomial(n: number, p: number, rand: () => number): number {
  if (n <= 200) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rand() < p) k++;
    return k;
  }
  // Normal approximation (Box-Muller) for large n: exact enough and O(1).
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.min(n, Math.max(0, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))));
}

export function scenarioTraffic(scenario: Scenario, options: TrafficOptions): ScenarioTraffic {
  const step = options.stepSeconds;
  const incidentStart = Math.ceil(options.warmupSeconds / step) * step;
  // Open-ended parts (baseline, flap without a duration) run for durationSeconds; bounded ones for as long as they last.
  const openEnded = scenario.parts.some((p) => p.kind === 'baseline' || (p.kind === 'flap' && p.seconds === undefined));
  const phase = Math.max(scenarioSeconds(scenario), openEnded ? (options.durationSeconds ?? 86400) : 0);
  const runSeconds = incidentStart + phase + options.tailSeconds;
  const episodes = scenarioEpisodes(scenario, incidentStart, phase);
  const baseline = baselineRatio(scenario);
  const perBucket = ((options.requestsPerMinute ?? 1000) * step) / 60;
  const rand = options.noiseSeed === undefined ? undefined : prng(options.noiseSeed);

  const series: SeriesPoint[] = [];
  let e = 0;
  for (let t = 0; t < runSeconds; t += step) {
    while (e < episodes.length && episodes[e].end <= t) e++;
    let ratio = t >= incidentStart && t < incidentStart + phase ? baseline : 0;
    for (let k = e; k < episodes.length && episodes[k].start <= t; k++)
      if (t < episodes[k].end) ratio += episodes[k].errorRatio;
    ratio = Math.min(1, ratio);
    const bad = rand ? binomial(Math.round(perBucket), ratio, rand) : perBucket * ratio;
    series.push({ t, good: perBucket - bad, total: perBucket });
  }
  return { stepSeconds: step, series, incidentStart, phase, runSeconds, episodes, baseline };
}
