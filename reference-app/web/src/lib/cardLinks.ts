// Links to a card. Tokens travel in URL paths (share) or fragments (owner), never in query strings:
// a fragment is not sent to the server, so the owner token stays out of access logs and Referer.
import type { CreatedCard } from './api';

const KEY = 'goodgreets.cards';

export function shareLink(shareToken: string, origin = location.origin): string {
  return `${origin}/s/${encodeURIComponent(shareToken)}`;
}

export function ownerLink(id: string, ownerToken: string, origin = location.origin): string {
  return `${origin}/cards/${encodeURIComponent(id)}/manage#token=${encodeURIComponent(ownerToken)}`;
}

/** Reads `key=value` pairs from a URL fragment ("#share=a&owner=b"). */
export function fragmentParams(hash: string): URLSearchParams {
  return new URLSearchParams(hash.replace(/^#/, ''));
}

/** Keeps the API's shareUrl for the share page (it may carry the public host name). */
export function rememberCard(card: CreatedCard): void {
  try {
    const all = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, string>;
    all[card.id] = card.shareUrl;
    sessionStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Private mode or storage full: the share page falls back to a link built from the token.
  }
}

export function rememberedShareUrl(id: string): string | null {
  try {
    const all = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, string>;
    return all[id] ?? null;
  } catch {
    return null;
  }
}
