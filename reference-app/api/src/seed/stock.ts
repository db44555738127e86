import sharp from 'sharp';
import { displayKey, thumbKey } from '../domain/designs';
import type { DesignRepository, ImageProcessor, ObjectStore } from '../domain/ports';
import type { Category } from '../domain/types';

interface Stock {
  slug: string;
  category: Category;
  title: string;
  greeting: string;
  colors: [string, string];
  accent: string;
}

/** The stock catalogue: five designs per category, drawn as SVG and rendered by sharp. */
export const STOCK: Stock[] = [
  {
    slug: 'birthday-1',
    category: 'Birthday',
    title: 'Balloons',
    greeting: 'Happy Birthday',
    colors: ['#ff9a8b', '#ff6a88'],
    accent: '#fff3b0',
  },
  {
    slug: 'birthday-2',
    category: 'Birthday',
    title: 'Confetti night',
    greeting: 'Happy Birthday',
    colors: ['#2b5876', '#4e4376'],
    accent: '#ffd166',
  },
  {
    slug: 'farewell-1',
    category: 'Farewell',
    title: 'Sunset road',
    greeting: 'Farewell',
    colors: ['#f6d365', '#fda085'],
    accent: '#ffffff',
  },
  {
    slug: 'farewell-2',
    category: 'Farewell',
    title: 'Paper planes',
    greeting: 'Good luck!',
    colors: ['#89f7fe', '#66a6ff'],
    accent: '#ffffff',
  },
  {
    slug: 'anniversary-1',
    category: 'Anniversary',
    title: 'Golden hearts',
    greeting: 'Happy Anniversary',
    colors: ['#b24592', '#f15f79'],
    accent: '#ffe29a',
  },
  {
    slug: 'anniversary-2',
    category: 'Anniversary',
    title: 'Evergreen',
    greeting: 'Many more years',
    colors: ['#134e5e', '#71b280'],
    accent: '#f1f7b5',
  },
  {
    slug: 'wedding-1',
    category: 'Wedding',
    title: 'White roses',
    greeting: 'Congratulations',
    colors: ['#e0c3fc', '#8ec5fc'],
    accent: '#ffffff',
  },
  {
    slug: 'wedding-2',
    category: 'Wedding',
    title: 'Two rings',
    greeting: 'Just married',
    colors: ['#434343', '#000000'],
    accent: '#d4af37',
  },
  {
    slug: 'thank-you-1',
    category: 'Thank you',
    title: 'Warm thanks',
    greeting: 'Thank you',
    colors: ['#fddb92', '#d1fdff'],
    accent: '#c2410c',
  },
  {
    slug: 'thank-you-2',
    category: 'Thank you',
    title: 'Bouquet',
    greeting: 'With gratitude',
    colors: ['#a1c4fd', '#c2e9fb'],
    accent: '#1e3a8a',
  },
  // Three more per category, drawn the same way (the gallery offers five of each).
  {
    slug: 'birthday-3',
    category: 'Birthday',
    title: 'Candle glow',
    greeting: 'Make a wish',
    colors: ['#f7971e', '#ffd200'],
    accent: '#7c2d12',
  },
  {
    slug: 'birthday-4',
    category: 'Birthday',
    title: 'Party stripes',
    greeting: 'Happy Birthday',
    colors: ['#ee9ca7', '#ffdde1'],
    accent: '#831843',
  },
  {
    slug: 'birthday-5',
    category: 'Birthday',
    title: 'Starry sky',
    greeting: 'Many happy returns',
    colors: ['#141e30', '#243b55'],
    accent: '#fde68a',
  },
  {
    slug: 'farewell-3',
    category: 'Farewell',
    title: 'Open horizon',
    greeting: 'Good luck',
    colors: ['#4facfe', '#00f2fe'],
    accent: '#ffffff',
  },
  {
    slug: 'farewell-4',
    category: 'Farewell',
    title: 'Paper plane',
    greeting: 'Bon voyage',
    colors: ['#43cea2', '#185a9d'],
    accent: '#f0fdfa',
  },
  {
    slug: 'farewell-5',
    category: 'Farewell',
    title: 'Autumn leaves',
    greeting: 'We will miss you',
    colors: ['#b24592', '#f15f79'],
    accent: '#fff7ed',
  },
  {
    slug: 'anniversary-3',
    category: 'Anniversary',
    title: 'Golden years',
    greeting: 'Happy Anniversary',
    colors: ['#3a1c71', '#d76d77'],
    accent: '#ffd194',
  },
  {
    slug: 'anniversary-4',
    category: 'Anniversary',
    title: 'Two hearts',
    greeting: 'Still together',
    colors: ['#ff758c', '#ff7eb3'],
    accent: '#ffffff',
  },
  {
    slug: 'anniversary-5',
    category: 'Anniversary',
    title: 'Silver moon',
    greeting: 'Cheers to you two',
    colors: ['#606c88', '#3f4c6b'],
    accent: '#e5e7eb',
  },
  {
    slug: 'wedding-3',
    category: 'Wedding',
    title: 'Garden party',
    greeting: 'Happily ever after',
    colors: ['#d4fc79', '#96e6a1'],
    accent: '#14532d',
  },
  {
    slug: 'wedding-4',
    category: 'Wedding',
    title: 'Blush lace',
    greeting: 'Best wishes',
    colors: ['#fbc2eb', '#a6c1ee'],
    accent: '#4c1d95',
  },
  {
    slug: 'wedding-5',
    category: 'Wedding',
    title: 'Midnight vows',
    greeting: 'Congratulations',
    colors: ['#0f2027', '#2c5364'],
    accent: '#fcd34d',
  },
  {
    slug: 'thank-you-3',
    category: 'Thank you',
    title: 'Sunflowers',
    greeting: 'Thanks a million',
    colors: ['#f9d423', '#ff4e50'],
    accent: '#fffbeb',
  },
  {
    slug: 'thank-you-4',
    category: 'Thank you',
    title: 'Mint note',
    greeting: 'Thank you so much',
    colors: ['#84fab0', '#8fd3f4'],
    accent: '#134e4a',
  },
  {
    slug: 'thank-you-5',
    category: 'Thank you',
    title: 'Kind words',
    greeting: 'You made my day',
    colors: ['#c471f5', '#fa71cd'],
    accent: '#ffffff',
  },
];

export function stockSvg(s: Stock, index: number): string {
  // Deterministic "random" decoration so every start renders the same images.
  let seed = index * 7919 + 17;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const dots = Array.from({ length: 28 }, () => {
    const r = 8 + rand() * 46;
    return `<circle cx="${(rand() * 1000).toFixed(0)}" cy="${(rand() * 1400).toFixed(0)}" r="${r.toFixed(0)}" fill="${s.accent}" fill-opacity="${(0.12 + rand() * 0.3).toFixed(2)}"/>`;
  }).join('');
  // Bold serif glyphs average ~0.62 em: keep the greeting inside the 860 px frame.
  const size = Math.min(104, Math.floor(760 / (0.62 * s.greeting.length)));
  // The subtitle stays readable on a 200 px thumbnail (64 of 1000 px is ~13 px there), within the frame.
  const sub = Math.min(64, Math.floor(760 / (0.55 * s.title.length)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1400" viewBox="0 0 1000 1400">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${s.colors[0]}"/><stop offset="1" stop-color="${s.colors[1]}"/></linearGradient></defs>
<rect width="1000" height="1400" fill="url(#g)"/>${dots}
<rect x="70" y="70" width="860" height="1260" rx="28" fill="none" stroke="${s.accent}" stroke-width="6" stroke-opacity="0.8"/>
<text x="500" y="700" text-anchor="middle" font-family="DejaVu Serif, serif" font-weight="bold" font-size="${size}" fill="${s.accent}">${s.greeting}</text>
<text x="500" y="820" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="${sub}" fill="${s.accent}" fill-opacity="0.9">${s.title}</text>
</svg>`;
}

// Rendering is deterministic: one render per process serves every database it seeds.
const rendered = new Map<string, Promise<{ display: Buffer; thumbnail: Buffer }>>();

/** Seeds the stock designs that are missing (idempotent: ids are fixed). Returns how many it added. */
export async function seedStockDesigns(
  designs: DesignRepository,
  objects: ObjectStore,
  images: ImageProcessor,
): Promise<number> {
  let added = 0;
  for (const [i, s] of STOCK.entries()) {
    const id = `stock-${s.slug}`;
    if (await designs.findById(id)) continue;
    let render = rendered.get(id);
    if (!render) {
      // Drawn at the display size (density 36: 500x700), not the SVG's 1000x1400: 4x fewer pixels
      // to rasterise on every start, the same 500x700 and 200x280 images.
      render = sharp(Buffer.from(stockSvg(s, i)), { density: 36 })
        .png()
        .toBuffer()
        .then((png) => images.render(png));
      rendered.set(id, render);
      render.catch(() => rendered.delete(id));
    }
    const out = await render;
    await objects.put(displayKey(id), out.display, 'image/jpeg');
    await objects.put(thumbKey(id), out.thumbnail, 'image/jpeg');
    const inserted = await designs.insertIfAbsent({
      id,
      category: s.category,
      title: s.title,
      visibility: 'public',
      // Ours and reviewed: stock designs are in the gallery from the start.
      moderation: 'approved',
      status: 'ready',
      rejectReason: null,
      originalKey: null,
      displayKey: displayKey(id),
      thumbKey: thumbKey(id),
      // Fixed, ordered timestamps keep the gallery order stable.
      createdAt: Date.UTC(2026, 0, 1) + (STOCK.length - i) * 1000,
    });
    if (inserted) added++;
  }
  return added;
}
