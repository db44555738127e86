// Pages the back of the card: at most 10 messages or about 250 words per page, whichever comes
// first, as the original did. A single long message always gets a page of its own.
export const PAGE_MAX_MESSAGES = 10;
export const PAGE_MAX_WORDS = 250;

export function wordCount(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/u).length : 0;
}

export function paginate<T extends { message: string }>(
  messages: readonly T[],
  maxMessages = PAGE_MAX_MESSAGES,
  maxWords = PAGE_MAX_WORDS,
): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let words = 0;
  for (const m of messages) {
    const w = wordCount(m.message);
    if (page.length && (page.length >= maxMessages || words + w > maxWords)) {
      pages.push(page);
      page = [];
      words = 0;
    }
    page.push(m);
    words += w;
  }
  if (page.length) pages.push(page);
  return pages;
}
