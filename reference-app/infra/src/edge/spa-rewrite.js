// CloudFront Function (cloudfront-js-2.0) on the website behaviour only, for both viewer events.
// Viewer request: the web app routes on the client (/upload, /s/<token>, /cards/<id>/manage, the
// links in emails), so S3 holds no object for those paths; through Origin Access Control S3
// answers 403 for a missing key, which a 404 error response never catches. Rewriting here, before
// the cache, serves index.html for every route, and a file that is really missing (its last path
// segment has an extension) still reaches S3 and fails as it should instead of turning into a page.
// The origin prefixes of the other behaviours never become index.html, even if a request for them
// falls through to this behaviour (e.g. /api without its slash).
// Viewer response: a path that is none of the site's pages gets the same index.html (the app
// shows "Page not found") with status 404, as the local server answers. CloudFront hands this
// event the request as the viewer sent it, before the rewrite, so the path is the viewer's.
var OTHER_ORIGINS = ['/api/', '/display/', '/thumbnails/'];
// The site's pages: reference-app/api/src/http/site-paths.ts (the infra tests hold the two equal).
var SITE_PAGES = ['/', '/create', '/cards/:id/share', '/cards/:id/manage', '/s/:token', '/upload'];
// As vue-router matches: case-insensitive, an optional trailing slash, `:name` one segment.
var PAGE_PATTERNS = SITE_PAGES.map(function (p) {
  return new RegExp('^' + p.replace(/:[a-zA-Z]+/g, '[^/]+') + '/?$', 'i');
});

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- CloudFront calls `handler` by name
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var lastSegment = uri.slice(uri.lastIndexOf('/') + 1);
  var isFile = lastSegment.indexOf('.') !== -1;
  var isOtherOrigin = OTHER_ORIGINS.some(function (prefix) {
    return uri === prefix.slice(0, -1) || uri.indexOf(prefix) === 0;
  });
  if (event.context.eventType === 'viewer-response') {
    var response = event.response;
    var isPage = PAGE_PATTERNS.some(function (re) {
      return re.test(uri);
    });
    if (response.statusCode === 200 && !isFile && !isOtherOrigin && !isPage) {
      response.statusCode = 404;
      response.statusDescription = 'Not Found';
    }
    return response;
  }
  if (!isFile && !isOtherOrigin) request.uri = '/index.html';
  return request;
}
