import type sharp from 'sharp';
import { isTruncated, sniffFormat } from './truncation';

let loaded: Promise<typeof sharp> | undefined;

/**
 * sharp (a native module) loads on first use, so code paths that never touch pixels (the
 * delivery Lambda's bundle, which does not ship sharp) can import this module.
 */
function loadSharp(): Promise<typeof sharp> {
  return (loaded ??= import('sharp').then(({ default: s }) => {
    // Threads inside one sharp call beyond 1 only add contention when we already run
    // several images in parallel; the worker pool decides the parallelism.
    s.concurrency(1);
    // The libvips operation cache helps repeated identical operations, not a stream of different uploads.
    s.cache(false);
    return s;
  }));
}

export interface ImageLimits {
  maxBytes: number;
  /** Far below sharp's 268 MP default: a 12 MP photo passes, a decompression bomb does not. */
  maxPixels: number;
  maxDimension: number;
  maxFrames: number;
  timeoutSeconds: number;
}

export const DEFAULT_LIMITS: ImageLimits = {
  maxBytes: 12 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxDimension: 10_000,
  maxFrames: 50,
  timeoutSeconds: 10,
};

export const DISPLAY = { width: 500, height: 700 } as const;
export const THUMB = { width: 200, height: 280 } as const;
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'avif'] as const;

/** An image we refuse, with a stable code and a reason a person can act on. */
export class ImageRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImageRejected';
  }
}

export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  frames: number;
}

/**
 * Cheap check without pixel decoding: format, dimensions and frames from the header, and a walk
 * of the file's structure for truncation. Run on upload so the obvious cases are refused before
 * anything is stored.
 */
export async function inspectImage(input: Buffer, limits: ImageLimits = DEFAULT_LIMITS): Promise<ImageInfo> {
  if (input.length === 0) throw new ImageRejected('empty_file', 'the file is empty');
  if (input.length > limits.maxBytes)
    throw new ImageRejected('file_too_large', `the file is larger than ${limits.maxBytes} bytes`);
  const vips = await loadSharp();
  let meta: sharp.Metadata;
  try {
    meta = await vips(input, { limitInputPixels: false, failOn: 'none' }).metadata();
  } catch {
    const sniffed = sniffFormat(input);
    if (sniffed && isTruncated(input, sniffed)) throw truncated(sniffed);
    throw new ImageRejected('not_an_image', 'the file is not an image we can read (use JPEG, PNG, WebP, GIF or AVIF)');
  }
  const format = meta.format === 'heif' && meta.compression === 'av1' ? 'avif' : meta.format;
  if (!format || !(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    throw new ImageRejected(
      'unsupported_format',
      `${meta.format ?? 'this'} images are not accepted (use JPEG, PNG, WebP, GIF or AVIF)`,
    );
  }
  const width = meta.width ?? 0;
  const frames = meta.pages ?? 1;
  // For animations sharp reports the whole strip; one frame is pageHeight tall.
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw new ImageRejected('not_an_image', 'the image has no pixels');
  if (width > limits.maxDimension || height > limits.maxDimension) {
    throw new ImageRejected(
      'dimensions_too_large',
      `the image is ${width}x${height}; at most ${limits.maxDimension} pixels per side`,
    );
  }
  if (width * height > limits.maxPixels) {
    throw new ImageRejected('too_many_pixels', `the image has ${width * height} pixels; at most ${limits.maxPixels}`);
  }
  if (frames > limits.maxFrames) {
    throw new ImageRejected('too_many_frames', `the animation has ${frames} frames; at most ${limits.maxFrames}`);
  }
  if (isTruncated(input, format)) throw truncated(format);
  return { format, width, height, frames };
}

export interface Rendered {
  display: Buffer;
  thumbnail: Buffer;
}

/**
 * Decodes once (first frame only, EXIF orientation applied, any warning fatal, under a pixel
 * limit and a time-out), crops to the card's 5:7 shape, and derives both sizes from that one
 * decode. Output JPEG carries no metadata (sharp strips it unless asked to keep it).
 */
export async function renderDesign(input: Buffer, limits: ImageLimits = DEFAULT_LIMITS): Promise<Rendered> {
  await inspectImage(input, limits);
  const vips = await loadSharp();
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    raw = await vips(input, { limitInputPixels: limits.maxPixels, failOn: 'warning', pages: 1, sequentialRead: true })
      .timeout({ seconds: limits.timeoutSeconds })
      .autoOrient()
      .resize(DISPLAY.width, DISPLAY.height, { fit: 'cover' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw classify(err as Error);
  }
  const rawInput = { raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels } };
  const [display, thumbnail] = await Promise.all([
    vips(raw.data, rawInput).jpeg({ quality: 82, progressive: true }).toBuffer(),
    vips(raw.data, rawInput).resize(THUMB.width, THUMB.height, { fit: 'cover' }).jpeg({ quality: 80 }).toBuffer(),
  ]);
  return { display, thumbnail };
}

const truncated = (format: string): ImageRejected =>
  new ImageRejected('image_truncated', `the ${format} file is incomplete (cut short); upload the whole file`);

function classify(err: Error): ImageRejected {
  const m = err.message;
  if (/pixel limit/i.test(m)) return new ImageRejected('too_many_pixels', 'the image decodes to too many pixels');
  if (/timeout/i.test(m)) return new ImageRejected('decode_timeout', 'the image took too long to decode');
  if (/premature|truncat|end of|corrupt|invalid|bad|warning|unexpected/i.test(m)) {
    return new ImageRejected('corrupt_image', 'the image is truncated or corrupt');
  }
  return new ImageRejected('undecodable_image', 'the image could not be decoded');
}
