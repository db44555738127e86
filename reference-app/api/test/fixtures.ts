import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Test images, all made here with sharp (no binary fixtures from elsewhere). */

/** A landscape photo-like JPEG whose EXIF says "rotate 90° clockwise": left half red, right half blue. */
export async function orientedJpeg(): Promise<Buffer> {
  const red = await sharp({ create: { width: 700, height: 1000, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1400, height: 1000, channels: 3, background: '#0000ff' } })
    .composite([{ input: red, left: 0, top: 0 }])
    .withExif({ IFD0: { Copyright: 'secret-owner', Artist: 'Jane Doe' } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export const plainJpeg = (width = 800, height = 600): Promise<Buffer> =>
  sharp({
    create: { width, height, channels: 3, background: '#88aa44', noise: { type: 'gaussian', mean: 120, sigma: 30 } },
  })
    .jpeg({ quality: 80 })
    .toBuffer();

export const notAnImage = (): Buffer =>
  Buffer.from('GIF89a? no: this is a text file pretending to be an image\n'.repeat(20));

/** The first 60 % of a real JPEG. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await plainJpeg(1200, 900);
  return full.subarray(0, Math.floor(full.length * 0.6));
}

/** A real PNG of 6500x6500 (42 MP) that compresses to ~130 KB: decoding it would take ~127 MB. */
export const decompressionBomb = (): Promise<Buffer> =>
  sharp({ create: { width: 6500, height: 6500, channels: 3, background: '#ffffff' } })
    .png({ compressionLevel: 9 })
    .toBuffer();

/** A valid 1x1 PNG whose header claims 30000x30000 pixels (CRC fixed so parsers believe it). */
export async function hugeDimensionsPng(): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  );
  png.writeUInt32BE(30_000, 16);
  png.writeUInt32BE(30_000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** An animated GIF of 300 tiny frames: harmless for the first frame, but we refuse it. */
export const animatedBomb = (frames = 300): Promise<Buffer> =>
  // Each frame differs, so the GIF encoder cannot merge them.
  sharp(Buffer.concat(Array.from({ length: frames }, (_, i) => Buffer.alloc(64 * 64 * 3, i % 251))), {
    raw: { width: 64, height: 64 * frames, channels: 3, pageHeight: 64 } as never,
  })
    .gif()
    .toBuffer();

/** A small animated GIF (3 frames: red, green, blue) that is accepted; only frame one is used. */
export async function smallAnimation(): Promise<Buffer> {
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((c) =>
      sharp({ create: { width: 100, height: 140, channels: 3, background: c } })
        .raw()
        .toBuffer(),
    ),
  );
  return sharp(Buffer.concat(frames), { raw: { width: 100, height: 420, channels: 3, pageHeight: 140 } as never })
    .gif()
    .toBuffer();
}
