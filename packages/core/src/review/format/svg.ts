/**
 * Minimal inline SVG line charts for the HTML review: no script, no external
 * resource, so the report opens offline and can be attached to a ticket.
 */
export interface ChartLine {
  readonly name: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export interface ChartThreshold {
  readonly value: number;
  readonly label: string;
  readonly color: string;
}

/** A span of time shaded behind the lines (a burn, an incident), labelled at its top. */
export interface ChartBand {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly color: string;
}

export interface LineChartSpec {
  readonly title: string;
  readonly t: readonly number[];
  readonly lines: readonly ChartLine[];
  readonly thresholds?: readonly ChartThreshold[];
  readonly bands?: readonly ChartBand[];
  readonly yMin?: number;
  readonly yMax?: number;
  readonly yFormat: (v: number) => string;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const W = 720;
const H = 220;
const PAD = { left: 70, right: 150, top: 24, bottom: 28 };

export function lineChart(spec: LineChartSpec): string {
  const values = spec.lines.flatMap((l) => l.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const thresholds = spec.thresholds ?? [];
  let lo = spec.yMin ?? Math.min(...values, ...thresholds.map((t) => t.value));
  let hi = spec.yMax ?? Math.max(...values, ...thresholds.map((t) => t.value));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const t0 = spec.t[0] ?? 0;
  const t1 = spec.t[spec.t.length - 1] ?? 1;
  const x = (t: number): number => PAD.left + ((t - t0) / Math.max(1e-9, t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number): number => {
    const c = Math.min(hi, Math.max(lo, v));
    return H - PAD.bottom - ((c - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  };
  const f = (n: number): string => n.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<text x="${PAD.left}" y="16" font-size="13" font-weight="bold">${escapeXml(spec.title)}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#999"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#999"/>`,
  ];
  for (const v of [lo, (lo + hi) / 2, hi])
    parts.push(
      `<text x="${PAD.left - 4}" y="${f(y(v) + 4)}" font-size="10" text-anchor="end">${escapeXml(spec.yFormat(v))}</text>`,
    );
  for (const [t, anchor] of [
    [t0, 'start'],
    [t1, 'end'],
  ] as const)
    parts.push(
      `<text x="${f(x(t))}" y="${H - 8}" font-size="10" text-anchor="${anchor}">${escapeXml(new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' '))}</text>`,
    );
  for (const band of spec.bands ?? []) {
    const x0 = x(Math.max(t0, band.from));
    // At least a pixel wide: a 5-minute burn on a 90-day axis is still visible.
    const width = Math.max(1, x(Math.min(t1, band.to)) - x0);
    parts.push(
      `<rect x="${f(x0)}" y="${PAD.top}" width="${f(width)}" height="${H - PAD.top - PAD.bottom}" fill="${band.color}" fill-opacity="0.18"/>`,
      `<text x="${f(x0)}" y="${PAD.top - 2}" font-size="9" fill="${band.color}">${escapeXml(band.label)}</text>`,
    );
  }
  thresholds.forEach((th, i) => {
    parts.push(
      `<line x1="${PAD.left}" y1="${f(y(th.value))}" x2="${W - PAD.right}" y2="${f(y(th.value))}" stroke="${th.color}" stroke-dasharray="4 3"/>`,
      `<text x="${W - PAD.right + 4}" y="${f(PAD.top + 10 + i * 12)}" font-size="10" fill="${th.color}">- - ${escapeXml(th.label)}</text>`,
    );
  });
  spec.lines.forEach((line, li) => {
    let d = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${f(x(spec.t[i]))} ${f(y(v))}`;
      pen = true;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.5"/>`);
    const ly = PAD.top + 10 + (thresholds.length + li) * 12;
    parts.push(
      `<text x="${W - PAD.right + 4}" y="${ly}" font-size="10" fill="${line.color}">— ${escapeXml(line.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
