import sharp from 'sharp';

/** Photo-like JPEG: smooth gradients plus grain, so it compresses like a photo, not like a flat fill. */
export async function photo(width: number, height: number, seed: number): Promise<Buffer> {
  const grain = { type: 'gaussian' as const, mean: 128, sigma: 40 };
  const base = await sharp({
    create: {
      width: Math.ceil(width / 8),
      height: Math.ceil(height / 8),
      channels: 3,
      background: '#000',
      noise: grain,
    },
  })
    .resize(width, height, { kernel: 'cubic' })
    .blur(2 + (seed % 3))
    .png({ compressionLevel: 0 })
    .toBuffer();
  const fine = await sharp({
    create: { width, height, channels: 3, background: '#000', noise: { ...grain, sigma: 10 } },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp(base)
    .composite([{ input: fine, blend: 'overlay' }])
    .jpeg({ quality: 88 })
    .toBuffer();
}
