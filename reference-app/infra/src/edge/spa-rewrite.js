// CloudFront Function (cloudfront-js-2.0, viewer-request) on the website behaviour only.
// The web app routes on the client (/upload, /s/<token>, /cards/<id>/manage, the links in emails),
// so S3 holds no object for those paths; through Origin Access Control S3 answers 403 for a missing
// key, which a 404 error response never catches. Rewriting here, before the cache, serves index.html
// for every route with the origin's own status, and a file that is really missing (its last path
// segment has an extension) still reaches S3 and fails as it should instead of turning into a page.
// The origin prefixes of the other behaviours never become index.html, even if a request for them
// falls through to this behaviour (e.g. /api without its slash).
var OTHER_ORIGINS = ['/api/', '/display/', '/thumbnails/'];

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- CloudFront calls `handler` by name
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var lastSegment = uri.slice(uri.lastIndexOf('/') + 1);
  var isFile = lastSegment.indexOf('.') !== -1;
  var isOtherOrigin = OTHER_ORIGINS.some(function (prefix) {
    return uri === prefix.slice(0, -1) || uri.indexOf(prefix) === 0;
  });
  if (!isFile && !isOtherOrigin) request.uri = '/index.html';
  return request;
}
