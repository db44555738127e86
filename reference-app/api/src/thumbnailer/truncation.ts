/**
 * Structural completeness checks, one per accepted format: they walk the container (markers,
 * chunks, blocks, boxes) without decoding a pixel, so an upload cut short is refused before
 * anything is stored. Bytes after a complete image are allowed (phones append motion-photo
 * videos and maker data after a JPEG's end). A structure that is wrong rather than short is
 * left to the full decode in the thumbnailer, as is damage inside a complete structure.
 */
export function isTruncated(input: Buffer, format: string): boolean {
  const walk = WALKERS[format];
  return walk !== undefined && walk(input) === 'truncated';
}

type Walk = 'complete' | 'truncated' | 'malformed';

/** The format by its magic bytes, for files too short for sharp to read a header from. */
export function sniffFormat(b: Buffer): string | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (b.toString('latin1', 0, 4) === 'GIF8') return 'gif';
  if (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.toString('latin1', 4, 12) === 'ftypavif') return 'avif';
  return undefined;
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Walks the marker segments up to the first start-of-scan, then needs an end-of-image marker
 * after it. Inside entropy-coded data a 0xFF byte is always followed by 0x00 or a restart
 * marker, so FF D9 there is the real end; embedded EXIF thumbnails (with their own FF D9) sit
 * in APP segments before the scan and are skipped by length.
 */
function jpeg(b: Buffer): Walk {
  let at = 2;
  for (;;) {
    while (b[at] === 0xff && b[at + 1] === 0xff) at++; // fill bytes
    if (at + 4 > b.length) return 'truncated';
    if (b[at] !== 0xff) return 'malformed';
    const marker = b[at + 1] as number;
    if (marker === 0xd9) return 'malformed'; // an image without a scan
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const end = at + 2 + b.readUInt16BE(at + 2);
    if (end > b.length) return 'truncated';
    if (marker === 0xda) return b.indexOf(EOI, end) === -1 ? 'truncated' : 'complete';
    at = end;
  }
}
const EOI = Buffer.from([0xff, 0xd9]);

/** Chunk by chunk (length, type, data, CRC) until IEND. */
function png(b: Buffer): Walk {
  let at = 8;
  while (at + 12 <= b.length) {
    const end = at + 12 + b.readUInt32BE(at);
    if (end > b.length) return 'truncated';
    if (b.toString('latin1', at + 4, at + 8) === 'IEND') return 'complete';
    at = end;
  }
  return 'truncated';
}

/** Header, colour table, then extension and image blocks (each a chain of sub-blocks) up to the trailer. */
function gif(b: Buffer): Walk {
  if (b.length < 13) return 'truncated';
  let at = 13 + colourTableBytes(b[10] as number);
  while (at < b.length) {
    const introducer = b[at];
    if (introducer === 0x3b) return 'complete';
    if (introducer === 0x21) {
      at += 2; // introducer, label
    } else if (introducer === 0x2c) {
      if (at + 10 > b.length) return 'truncated';
      at += 10 + colourTableBytes(b[at + 9] as number) + 1; // descriptor, local table, LZW code size
    } else {
      return 'malformed';
    }
    // Data sub-blocks: a length byte and that many bytes, until a zero length.
    for (let size = -1; size !== 0; at += 1 + size) {
      if (at >= b.length) return 'truncated';
      size = b[at] as number;
    }
  }
  return 'truncated';
}
const colourTableBytes = (packed: number): number => (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);

/** The RIFF header states the file's length; a shorter file lost its end. */
function webp(b: Buffer): Walk {
  return b.length >= 12 && b.readUInt32LE(4) + 8 <= b.length ? 'complete' : 'truncated';
}

/** ISO-BMFF (AVIF): every top-level box must fit in the file; the media data box is usually last. */
function avif(b: Buffer): Walk {
  let at = 0;
  while (at < b.length) {
    if (at + 8 > b.length) return 'truncated';
    let size = b.readUInt32BE(at);
    if (size === 0) return 'complete'; // the last box, to the end of the file
    if (size === 1) {
      if (at + 16 > b.length) return 'truncated';
      size = Number(b.readBigUInt64BE(at + 8));
    }
    if (size < 8) return 'malformed';
    if (at + size > b.length) return 'truncated';
    at += size;
  }
  return 'complete';
}

const WALKERS: Record<string, (b: Buffer) => Walk> = { jpeg, png, gif, webp, avif };
