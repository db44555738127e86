/**
 * The web app's pages, in one place: the web router (reference-app/web/src/router.ts) registers
 * exactly these paths, and the server answers them 200 while any other path it serves the site
 * for gets the site's "Page not found" with status 404. So it imports nothing and runs in a browser.
 * Paths use the router's syntax: a `:name` segment is one non-empty path segment.
 */
export const SITE_PATHS = {
  gallery: '/',
  create: '/create',
  share: '/cards/:id/share',
  owner: '/cards/:id/manage',
  sign: '/s/:token',
  upload: '/upload',
} as const;

// Matched as vue-router matches by default (case-insensitive, an optional trailing slash), so the
// status agrees with the page the router then shows.
const PATTERNS = Object.values(SITE_PATHS).map(
  (p) => new RegExp(`^${p.replace(/:[a-zA-Z]+/g, '[^/]+').replace(/\//g, '\\/')}\\/?$`, 'i'),
);

/** Whether `path` (a URL path, without query or fragment) is one of the site's pages. */
export function isSitePath(path: string): boolean {
  return PATTERNS.some((re) => re.test(path));
}
