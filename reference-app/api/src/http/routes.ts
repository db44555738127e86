import { isUtf8 } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, json, type Request, type RequestHandler } from 'express';
import { WAF_PROOF_HEADER } from '../adapters/captcha/waf';
import type { CardService } from '../domain/cards';
import type { DesignService } from '../domain/designs';
import { AppError, notFound } from '../domain/errors';
import type { Captcha } from '../domain/ports';
import { ID_PATTERN, TOKEN_PATTERN } from '../domain/tokens';
import {
  categorySchema,
  createCardSchema,
  messageSchema,
  moderationSchema,
  parse,
  patchCardSchema,
  visibilitySchema,
} from '../domain/validation';
import { type Idempotency, fingerprint, idempotent, idempotentJson } from './idempotency';
import { type OriginPolicy, requestOrigin } from './origin';
import { readUpload } from './multipart';
import { rateLimit } from './rate-limit';

export interface ApiDeps {
  cards: CardService;
  designs: DesignService;
  captcha: Captcha;
  /** Bearer token of /moderation/*; absent: moderation is off and those routes answer 404. */
  moderatorToken?: string;
  /** Idempotency-Key on POST /cards, /shared/{token}/messages and /designs. */
  idempotency: Idempotency;
  /** Which request hosts links may be built from (absent: never the request's, always the default). */
  origin?: OriginPolicy;
  limits: { writesPerMinute: number; uploadsPerMinute: number; jsonBodyBytes: number; uploadBytes: number };
}

const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    return next(new AppError(415, 'unsupported_media_type', 'send the body as application/json'));
  }
  next();
};

/**
 * JSON travels as UTF-8 (RFC 8259). Invalid bytes are refused here: decoded, each would become a
 * U+FFFD that passes every text rule and is stored as if the sender had typed it.
 */
function utf8Only(_req: unknown, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf)) throw new AppError(400, 'invalid_utf8', 'the request body is not valid UTF-8');
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  // A malformed header is treated like a wrong token, not like a missing one.
  return m?.[1] ?? 'malformed';
}

const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/** Ids and tokens are checked for shape before they reach a query. */
function validId(req: Request, name: string, what: string): string {
  const v = param(req, name);
  if (!ID_PATTERN.test(v)) throw notFound(what);
  return v;
}

function validToken(req: Request): string {
  const v = param(req, 'shareToken');
  if (!TOKEN_PATTERN.test(v)) throw notFound('card');
  return v;
}

const sha256 = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();

/** Lets a request through only with `Authorization: Bearer <moderatorToken>`, compared in constant time. */
function moderatorOnly(token: string | undefined): RequestHandler {
  const expected = token ? sha256(token) : undefined;
  return (req, _res, next) => {
    if (!expected)
      return next(new AppError(404, 'not_found', 'moderation is not enabled on this server (MODERATOR_TOKEN)'));
    const presented = bearer(req);
    if (!presented)
      return next(new AppError(401, 'unauthorized', 'send the moderator token as "Authorization: Bearer <token>"'));
    if (!timingSafeEqual(sha256(presented), expected))
      return next(new AppError(403, 'forbidden', 'the moderator token is not valid'));
    next();
  };
}

/** What the WAF proves about the request (see WafCaptcha); the cookie is never looked at. */
const captchaContext = (req: Request) => ({ wafProof: req.get(WAF_PROOF_HEADER) });

export function apiRouter(deps: ApiDeps): Router {
  const { cards, designs, captcha, limits } = deps;
  // Canonical paths only: a path the edge's rules did not match must not reach a handler either.
  const router = Router({ caseSensitive: true, strict: true });
  const body = json({ limit: limits.jsonBodyBytes, strict: true, type: 'application/json', verify: utf8Only });
  const writes = rateLimit('write', limits.writesPerMinute);
  const uploads = rateLimit('upload', limits.uploadsPerMinute);
  const once = idempotentJson(deps.idempotency);
  const origin = (req: Request) => (deps.origin ? requestOrigin(req, deps.origin) : undefined);

  router.get('/designs', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const category =
      q.category === undefined || q.category === '' ? undefined : parse(categorySchema, q.category, 'query.category');
    const cursor = typeof q.cursor === 'string' && q.cursor !== '' ? q.cursor : undefined;
    // Browsers revalidate soon (a fresh upload should show up); a CDN may keep it a little longer.
    res.set('Cache-Control', 'public, max-age=5, s-maxage=30').json(await designs.list(category, cursor));
  });

  router.get('/designs/:id', async (req, res) => {
    const view = await designs.get(validId(req, 'id', 'design'));
    // Still changing (thumbnail, or a moderator's decision the uploader waits for): not cached.
    const settled = view.status !== 'processing' && view.moderation !== 'pending';
    res.set('Cache-Control', settled ? 'private, max-age=60' : 'no-store').json(view);
  });

  router.post('/designs', uploads, async (req, res) => {
    const upload = await readUpload(req, limits.uploadBytes);
    const details: Array<{ path: string; message: string }> = [];
    if (!upload.file) details.push({ path: 'file', message: 'attach the image as field "file"' });
    const category = categorySchema.safeParse(upload.fields.category);
    if (!category.success)
      details.push({ path: 'category', message: `must be one of ${categorySchema.options.join(', ')}` });
    const visibility = visibilitySchema.safeParse(upload.fields.visibility ?? 'public');
    if (!visibility.success) details.push({ path: 'visibility', message: 'must be public or private' });
    if (details.length > 0 || !upload.file || !category.success || !visibility.success) {
      throw new AppError(
        400,
        'validation_failed',
        `invalid upload: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
        details,
      );
    }
    // The file and fields, not the multipart bytes: a browser picks a new boundary for each retry.
    const file = upload.file;
    if (await idempotent(deps.idempotency, req, res, () => fingerprint(file.buffer, category.data, visibility.data)))
      return;
    const result = await designs.upload({
      file: upload.file.buffer,
      category: category.data,
      visibility: visibility.data,
      captcha: upload.fields.captcha,
      captchaContext: captchaContext(req),
    });
    res.status(202).location(`/api/v1/designs/${result.id}`).json(result);
  });

  // Which CAPTCHA the site shows. For ALTCHA it only names the challenge URL, so loading the page
  // does not mint a challenge the widget would fetch again; the WAF "challenge" is such a description.
  router.get('/captcha', async (_req, res) => {
    const info =
      captcha.provider === 'altcha'
        ? { provider: captcha.provider, challengeUrl: '/api/v1/captcha/challenge' }
        : await captcha.challenge();
    res.set('Cache-Control', 'no-store').json(info);
  });

  router.get('/captcha/challenge', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await captcha.challenge());
  });

  // A top-level navigation that the WAF CAPTCHA rule guards: it arrives here with the WAF's proof
  // header only once the person solved the WAF interstitial. The target is fixed (never taken from
  // the request, so no open redirect); without a valid proof (WAF rule missing or not matching,
  // forged cookie) the site is told the check did not stick instead of being told it passed.
  router.get('/captcha/verify', async (req, res) => {
    if (captcha.provider !== 'aws-waf')
      throw new AppError(404, 'not_found', 'this server uses the ALTCHA CAPTCHA: there is nothing to verify here');
    const verdict = await captcha.verify(undefined, captchaContext(req));
    // One of two fixed pages (the card form, or the upload page by default): never a URL from the request.
    const page = req.query.for === 'create' ? '/create' : '/upload';
    res.set('Cache-Control', 'no-store').redirect(303, `${page}?verified=${verdict.ok ? 1 : 0}`);
  });

  // The CAPTCHA answer is a proof, not part of the request: a retry that solved a new one is still the
  // same card, and its replayed answer needs no CAPTCHA (a refused CAPTCHA freed the key).
  router.post('/cards', writes, requireJson, body, idempotentJson(deps.idempotency, ['captcha']), async (req, res) => {
    const created = await cards.create(parse(createCardSchema, req.body), captchaContext(req), origin(req));
    res.status(201).location(`/api/v1/cards/${created.id}`).set('Cache-Control', 'no-store').json(created);
  });

  router.get('/cards/:id', async (req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .json(await cards.ownerView(validId(req, 'id', 'card'), bearer(req), origin(req)));
  });

  router.patch('/cards/:id', writes, requireJson, body, async (req, res) => {
    const id = validId(req, 'id', 'card');
    const token = bearer(req);
    // Who you are is checked before what you sent.
    if (!token) throw new AppError(401, 'unauthorized', 'send the owner token as "Authorization: Bearer <ownerToken>"');
    const input = parse(patchCardSchema, req.body);
    res.set('Cache-Control', 'no-store').json(await cards.patch(id, token, input, origin(req)));
  });

  router.delete('/cards/:id', writes, async (req, res) => {
    await cards.cancel(validId(req, 'id', 'card'), bearer(req));
    res.status(204).end();
  });

  router.delete('/cards/:id/messages/:messageId', writes, async (req, res) => {
    const id = validId(req, 'id', 'card');
    const messageId = param(req, 'messageId');
    // Message ids are positive integers; anything else names no message (and never reaches a query).
    if (!/^[1-9]\d{0,15}$/.test(messageId)) throw notFound('message');
    await cards.removeMessage(id, bearer(req), Number(messageId));
    res.status(204).end();
  });

  router.get('/shared/:shareToken', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cards.sharedView(validToken(req)));
  });

  router.post('/shared/:shareToken/messages', writes, requireJson, body, once, async (req, res) => {
    const token = validToken(req);
    const key = typeof res.locals.idempotencyKey === 'string' ? res.locals.idempotencyKey : undefined;
    const saved = await cards.addMessage(token, parse(messageSchema, req.body), key);
    res.status(201).json(saved);
  });

  const moderator = moderatorOnly(deps.moderatorToken);
  router.get('/moderation/designs', moderator, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ items: await designs.reviewQueue() });
  });

  router.post('/moderation/designs/:id', moderator, requireJson, body, async (req, res) => {
    const id = validId(req, 'id', 'design');
    const { decision } = parse(moderationSchema, req.body);
    res.set('Cache-Control', 'no-store').json(await designs.moderate(id, decision));
  });

  answerOtherMethods(router);
  return router;
}

/**
 * A known path asked with a method it does not serve gets 405 with `Allow` (not 404), and OPTIONS
 * gets 204 with `Allow`: the API is same-origin only (the site and the API share an origin), so no
 * CORS header is sent and a cross-origin preflight fails, as it should. Called once every route
 * is registered; it reads them back from the router.
 */
function answerOtherMethods(router: Router): void {
  const byPath = new Map<string, Set<string>>();
  for (const layer of router.stack) {
    const route = layer.route as { path?: unknown; methods?: Record<string, boolean> } | undefined;
    if (!route || typeof route.path !== 'string') continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    for (const m of Object.keys(route.methods ?? {})) methods.add(m.toUpperCase());
    byPath.set(route.path, methods);
  }
  for (const [path, methods] of byPath) {
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    const allow = [...methods].sort().join(', ');
    router.all(path, (req, res, next) => {
      res.set('Allow', allow);
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next(new AppError(405, 'method_not_allowed', `${req.method} is not allowed on this route; use ${allow}`));
    });
  }
}
