import QRCode from 'qrcode';

/**
 * The QR code of `value` as one SVG path (and the side of its square view box with a 4-module
 * quiet zone), computed locally: no network, no canvas, no HTML string. The E2E suite builds the
 * path of the link it expects with this same function and compares it with the page's.
 */
export function qrPath(value: string): { d: string; box: number } {
  const { modules } = QRCode.create(value, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let d = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      // Merge horizontal runs into one rectangle to keep the path short.
      if (!modules.get(y, x)) continue;
      let run = 1;
      while (x + run < n && modules.get(y, x + run)) run++;
      d += `M${x + 4} ${y + 4}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  return { d, box: n + 8 };
}
