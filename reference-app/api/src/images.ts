import type { ImageProcessor } from './domain/ports';
import { DEFAULT_LIMITS, type ImageLimits, ImageRejected, inspectImage, renderDesign } from './thumbnailer/render';

export function sharpImages(limits: ImageLimits = DEFAULT_LIMITS): ImageProcessor {
  return {
    inspect: (input) => inspectImage(input, limits),
    render: (input) => renderDesign(input, limits),
    isRejection: (err): err is ImageRejected => err instanceof ImageRejected,
  };
}
