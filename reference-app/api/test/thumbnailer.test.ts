import sharp from 'sharp';
import { DEFAULT_LIMITS, ImageRejected, inspectImage, renderDesign } from '../src/thumbnailer/render';
import {
  animatedBomb,
  damagedJpeg,
  decompressionBomb,
  everyFormat,
  hugeDimensionsPng,
  notAnImage,
  orientedJpeg,
  plainJpeg,
  slowToDecodePng,
  smallAnimation,
  truncatedJpeg,
} from './fixtures';

const rejection = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ImageRejected);
    return (err as ImageRejected).code;
  }
  throw new Error('expected a rejection');
};

describe('thumbnailer', () => {
  it('makes a 500x700 display image and a 200x280 thumbnail, oriented, cropped, without metadata', async () => {
    const out = await renderDesign(await orientedJpeg());
    const [d, t] = await Promise.all([sharp(out.display).metadata(), sharp(out.thumbnail).metadata()]);
    expect([d.format, d.width, d.height]).toEqual(['jpeg', 500, 700]);
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 200, 280]);
    expect(d.exif).toBeUndefined();
    expect(d.orientation).toBeUndefined();
    expect(out.display.includes(Buffer.from('secret-owner'))).toBe(false);
    // EXIF orientation 6 turns the red left half into the top half.
    const { data, info } = await sharp(out.display).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    const [r1, , b1] = px(20, 20);
    const [r2, , b2] = px(20, 680);
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    expect(b2).toBeGreaterThan(200);
    expect(r2).toBeLessThan(60);
  });

  it('uses the first frame of a small animation', async () => {
    const out = await renderDesign(await smallAnimation());
    const { data } = await sharp(out.display).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200); // red frame
    expect(data[1]).toBeLessThan(60);
  });

  it('accepts an ordinary photo and reports its header', async () => {
    expect(await inspectImage(await plainJpeg(800, 600))).toEqual({
      format: 'jpeg',
      width: 800,
      height: 600,
      frames: 1,
    });
  });

  it('rejects, with a reason, what it must not decode', async () => {
    expect(await rejection(inspectImage(notAnImage()))).toBe('not_an_image');
    expect(await rejection(inspectImage(Buffer.alloc(0)))).toBe('empty_file');
    expect(await rejection(inspectImage(await hugeDimensionsPng()))).toBe('dimensions_too_large');
    expect(await rejection(inspectImage(await decompressionBomb()))).toBe('too_many_pixels');
    expect(await rejection(inspectImage(await animatedBomb()))).toBe('too_many_frames');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect(await rejection(inspectImage(svg))).toBe('unsupported_format');
    expect(await rejection(inspectImage(Buffer.alloc(DEFAULT_LIMITS.maxBytes + 1)))).toBe('file_too_large');
    expect(await rejection(inspectImage(await truncatedJpeg()))).toBe('image_truncated');
    // Damage inside a structurally complete file is only visible when the pixels are decoded:
    // failOn 'warning' makes it fatal.
    const damaged = await damagedJpeg();
    expect((await inspectImage(damaged)).format).toBe('jpeg');
    expect(await rejection(renderDesign(damaged))).toBe('corrupt_image');
  });

  it('refuses every accepted format cut short, without decoding, and accepts bytes after a complete image', async () => {
    for (const [name, whole] of Object.entries(await everyFormat())) {
      const { format } = await inspectImage(whole);
      // Phones append videos and maker data after the image's end; that is not truncation.
      await expect(inspectImage(Buffer.concat([whole, Buffer.alloc(64)]))).resolves.toMatchObject({ format });
      for (const keep of [0.05, 0.5, 0.9]) {
        const cut = whole.subarray(0, Math.floor(whole.length * keep));
        expect([name, keep, await rejection(inspectImage(cut))]).toEqual([name, keep, 'image_truncated']);
      }
      expect([name, await rejection(inspectImage(whole.subarray(0, whole.length - 1)))]).toEqual([
        name,
        'image_truncated',
      ]);
    }
  });

  it('stops a decode that runs past the time-out', async () => {
    // Within the pixel limit for this test, so nothing but the clock stops it.
    const limits = { ...DEFAULT_LIMITS, maxPixels: 200_000_000, maxDimension: 14_000, timeoutSeconds: 1 };
    expect(await rejection(renderDesign(await slowToDecodePng(), limits))).toBe('decode_timeout');
  }, 30_000);

  it('stops decoding at the pixel limit even if the header check is bypassed', async () => {
    const limits = { ...DEFAULT_LIMITS, maxPixels: 1_000_000, maxDimension: 100_000 };
    const big = await plainJpeg(1500, 1000);
    expect(await rejection(renderDesign(big, limits))).toBe('too_many_pixels');
  });
});
