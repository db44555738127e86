/**
 * Durations as written in specs (`5m`, `1h30m`, `28d`, `2w`, Prometheus style)
 * and as whole seconds in the model. One parser for every format so that
 * OpenSLO, Sloth and alarm specs agree on what `1d` means.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds for `text`, or undefined when it is not a duration (callers report the error with a location). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, w, d, h, m, s] = match;
  const seconds =
    Number(w ?? 0) * UNIT_SECONDS.w +
    Number(d ?? 0) * UNIT_SECONDS.d +
    Number(h ?? 0) * UNIT_SECONDS.h +
    Number(m ?? 0) * UNIT_SECONDS.m +
    Number(s ?? 0);
  return seconds > 0 ? seconds : undefined;
}

/** The exact spelling in the largest units up to days: 3600 -> `1h`, 5400 -> `1h30m`, 2419200 -> `28d`. */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new RangeError(`not a positive whole number of seconds: ${seconds}`);
  let rest = seconds;
  let out = '';
  // Days are the largest unit written: Prometheus and Sloth say 28d and 30d, never 4w or 4w2d.
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_SECONDS[unit];
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
