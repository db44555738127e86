// Gallery categories. `id` is what the API's ?category= takes (the API names categories by their
// label); the label is what people read. "Uploads" is not an API category: it lists the designs
// uploaded from this browser (public or private), see lib/myUploads.ts.
export const UPLOADS = 'uploads';

export interface Category {
  id: string;
  label: string;
}

export const CATEGORIES: readonly Category[] = [
  { id: 'Birthday', label: 'Birthday' },
  { id: 'Farewell', label: 'Farewell' },
  { id: 'Anniversary', label: 'Anniversary' },
  { id: 'Wedding', label: 'Wedding' },
  { id: 'Thank you', label: 'Thank you' },
  { id: UPLOADS, label: 'Uploads' },
];

/** Categories an upload can be filed under (the API's own list). */
export const UPLOAD_CATEGORIES = CATEGORIES.filter((c) => c.id !== UPLOADS);

/** DOM-safe id fragment for a category ("Thank you" -> "thank-you"). */
export const categorySlug = (id: string) => id.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function categoryLabel(id: string): string {
  return CATEGORIES.find((c) => c.id === id)?.label ?? id;
}
