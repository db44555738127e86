/** Number and duration spellings for terminal output; JSON output never goes through these. */

/** `51.8s`, `4m56s`, `1h30m`, `1d12h`: at most two units, rounded to the smaller one. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'never';
  if (seconds < 100) return `${Number(seconds.toFixed(1))}s`;
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const first = units.findIndex(([, size]) => seconds >= size);
  const [bigName, big] = units[first];
  const [smallName, small] = units[Math.min(first + 1, units.length - 1)];
  const totalSmall = Math.round(seconds / small);
  const major = Math.floor((totalSmall * small) / big);
  const minor = Math.round((totalSmall * small - major * big) / small);
  return minor > 0 && smallName !== bigName ? `${major}${bigName}${minor}${smallName}` : `${major}${bigName}`;
}

/** A ratio as a percentage without float noise: 0.999 -> `99.9 %`, 0.02 -> `2 %`. */
export function percent(ratio: number | null, digits = 6): string {
  if (ratio === null) return '-';
  return `${Number((ratio * 100).toPrecision(digits))} %`;
}

/** A number without float noise: 0.014400000000000013 -> `0.0144`. */
export function plain(value: number, digits = 6): string {
  return String(Number(value.toPrecision(digits)));
}

export function usd(value: number): string {
  const cents = Math.abs(value) >= 0.01 || value === 0 ? 2 : 4;
  return value.toFixed(cents);
}

/** Left-aligned columns (right-aligned where `right[i]`), two spaces apart. */
export function table(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}
