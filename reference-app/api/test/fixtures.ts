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

/** A real PNG without its last 30 % (no IEND chunk). */
export async function truncatedPng(): Promise<Buffer> {
  const full = await sharp({
    create: {
      width: 600,
      height: 400,
      channels: 3,
      background: '#336699',
      noise: { type: 'gaussian', mean: 90, sigma: 40 },
    },
  })
    .png()
    .toBuffer();
  return full.subarray(0, Math.floor(full.length * 0.7));
}

/** A complete JPEG (structure intact, end marker present) with a third of its scan data cut out of the middle. */
export async function damagedJpeg(): Promise<Buffer> {
  const full = await plainJpeg(1200, 900);
  return Buffer.concat([full.subarray(0, Math.floor(full.length * 0.5)), full.subarray(Math.floor(full.length * 0.8))]);
}

/** The same small noisy picture in every accepted format (and the progressive/interlaced variants). */
export async function everyFormat(): Promise<Record<string, Buffer>> {
  const picture = sharp({
    create: {
      width: 300,
      height: 200,
      channels: 3,
      background: '#88aa44',
      noise: { type: 'gaussian', mean: 120, sigma: 30 },
    },
  });
  const [jpeg, progressiveJpeg, png, interlacedPng, webp, losslessWebp, gif, avif] = await Promise.all([
    picture.clone().jpeg().toBuffer(),
    picture.clone().jpeg({ progressive: true }).toBuffer(),
    picture.clone().png().toBuffer(),
    picture.clone().png({ progressive: true }).toBuffer(),
    picture.clone().webp().toBuffer(),
    picture.clone().webp({ lossless: true }).toBuffer(),
    picture.clone().gif().toBuffer(),
    picture.clone().avif({ effort: 0 }).toBuffer(),
  ]);
  return {
    jpeg,
    progressiveJpeg,
    exifJpeg: await orientedJpeg(),
    png,
    interlacedPng,
    webp,
    losslessWebp,
    gif,
    animatedGif: await smallAnimation(),
    avif,
  };
}

/**
 * A 14000x14000 16-bit PNG with alpha: 8 MB, but decoding, flattening and converting it takes
 * about 4 s of CPU, far past a 1 s decode time-out even on a fast idle machine.
 */
export const slowToDecodePng = (): Promise<Buffer> =>
  sharp({ create: { width: 14_000, height: 14_000, channels: 4, background: '#88aa4480' } })
    .toColourspace('rgb16')
    .png({ compressionLevel: 6 })
    .toBuffer();

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
