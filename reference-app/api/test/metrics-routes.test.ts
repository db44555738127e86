/**
 * `/metrics` labels every answer of a route with the same full route template, errors included,
 * so a per-route error ratio (5xx / all by route) sees every error. The routes come from the
 * app's own router: a route added without a case here fails the suite.
 */
import type { Express } from 'express';
import type { RunningApp } from '../src/server';
import { plainJpeg } from './fixtures';
import {
  type Reply,
  type TestDb,
  createTestDb,
  form,
  http,
  newCard,
  parseExposition,
  solveCaptcha,
  startTestApp,
} from './helpers';

jest.setTimeout(60_000);

const MODERATOR = 'moderator-token-of-the-metrics-suite-0123456789';

interface RouteTemplate {
  readonly method: string;
  readonly path: string;
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: string;
}

/** Every method + full path template the app's router serves, nested routers included. */
function routesOf(app: Express): RouteTemplate[] {
  const out: RouteTemplate[] = [];
  const walk = (stack: RouterLayer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          out.push({ method: method.toUpperCase(), path: `${prefix}${layer.route.path}` });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, `${prefix}${layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return out;
}

/** A JSON serializer that throws: every `res.json` in a handler becomes a thrown error, hence a 500. */
async function withFailingJson(app: Express, call: () => Promise<Reply>): Promise<Reply> {
  app.set('json replacer', () => {
    throw new Error('serializer down');
  });
  try {
    return await call();
  } finally {
    app.set('json replacer', undefined);
  }
}

type Call = () => Promise<Reply>;
interface Case {
  /** Answers below 400; undefined with the reason when this configuration has none. */
  readonly ok: Call | string;
  /** Answers from 400 up, through the error handler. */
  readonly errors: readonly Call[] | string;
}

describe('route labels of /metrics', () => {
  let db: TestDb;
  let running: RunningApp;
  let app: Express;
  let base: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    running = await startTestApp(db, { MODERATOR_TOKEN: MODERATOR });
    app = running.server.listeners('request')[0] as Express;
    base = running.url;
  });
  afterAll(async () => {
    await running?.stop();
    await db?.drop();
  });

  function cases(): Record<string, Case> {
    const card = async () =>
      (
        await http<{ id: string; ownerToken: string; shareToken: string }>(base, '/api/v1/cards', {
          method: 'POST',
          json: newCard(),
        })
      ).body;
    const fails =
      (path: string): Call =>
      () =>
        withFailingJson(app, () => http(base, path));
    return {
      'GET /healthz': { ok: () => http(base, '/healthz'), errors: [fails('/healthz')] },
      'GET /readyz': { ok: () => http(base, '/readyz'), errors: [fails('/readyz')] },
      'GET /metrics': { ok: () => http(base, '/metrics'), errors: 'the scrape answers text and has no client error' },
      'GET /api/v1/designs': {
        ok: () => http(base, '/api/v1/designs'),
        errors: [() => http(base, '/api/v1/designs?category=nope'), fails('/api/v1/designs')],
      },
      'GET /api/v1/designs/:id': {
        ok: () => http(base, '/api/v1/designs/stock-birthday-1'),
        errors: [
          () => http(base, '/api/v1/designs/no-such-design'), // Canonical (a `!` is refused before routing, issue 20) but longer than an id: the route's own 400.
          () => http(base, `/api/v1/designs/${'a'.repeat(33)}`),
        ],
      },
      'POST /api/v1/designs': {
        ok: async () =>
          http(base, '/api/v1/designs', {
            method: 'POST',
            body: form(await plainJpeg(), {
              category: 'Wedding',
              visibility: 'public',
              captcha: await solveCaptcha(base),
            }),
          }),
        errors: [
          () => http(base, '/api/v1/designs', { method: 'POST', body: form(undefined, { category: 'Wedding' }) }),
        ],
      },
      'GET /api/v1/captcha': { ok: () => http(base, '/api/v1/captcha'), errors: [fails('/api/v1/captcha')] },
      'GET /api/v1/captcha/challenge': {
        ok: () => http(base, '/api/v1/captcha/challenge'),
        errors: [fails('/api/v1/captcha/challenge')],
      },
      'GET /api/v1/captcha/verify': {
        ok: 'only the aws-waf CAPTCHA provider verifies; this app runs ALTCHA',
        errors: [() => http(base, '/api/v1/captcha/verify')],
      },
      'POST /api/v1/cards': {
        ok: () => http(base, '/api/v1/cards', { method: 'POST', json: newCard() }),
        errors: [
          () => http(base, '/api/v1/cards', { method: 'POST', json: {} }),
          () => http(base, '/api/v1/cards', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }),
        ],
      },
      'GET /api/v1/cards/:id': {
        ok: async () => {
          const c = await card();
          return http(base, `/api/v1/cards/${c.id}`, { token: c.ownerToken });
        },
        errors: [async () => http(base, `/api/v1/cards/${(await card()).id}`, { token: 'wrong' })],
      },
      'PATCH /api/v1/cards/:id': {
        ok: async () => {
          const c = await card();
          return http(base, `/api/v1/cards/${c.id}`, {
            method: 'PATCH',
            token: c.ownerToken,
            json: { recipientName: 'Cy' },
          });
        },
        errors: [
          async () =>
            http(base, `/api/v1/cards/${(await card()).id}`, { method: 'PATCH', json: { recipientName: 'Cy' } }),
        ],
      },
      'DELETE /api/v1/cards/:id': {
        ok: async () => {
          const c = await card();
          return http(base, `/api/v1/cards/${c.id}`, { method: 'DELETE', token: c.ownerToken });
        },
        errors: [() => http(base, '/api/v1/cards/no-such-card', { method: 'DELETE', token: 'x' })],
      },
      'DELETE /api/v1/cards/:id/messages/:messageId': {
        ok: async () => {
          const c = await card();
          await http(base, `/api/v1/shared/${c.shareToken}/messages`, {
            method: 'POST',
            json: { name: 'Dee', message: 'Happy birthday' },
          });
          const owner = await http<{ messages: { id: number }[] }>(base, `/api/v1/cards/${c.id}`, {
            token: c.ownerToken,
          });
          const id = owner.body.messages[0]?.id;
          return http(base, `/api/v1/cards/${c.id}/messages/${id}`, { method: 'DELETE', token: c.ownerToken });
        },
        errors: [
          async () => {
            const c = await card();
            return http(base, `/api/v1/cards/${c.id}/messages/123`, { method: 'DELETE', token: c.ownerToken });
          },
        ],
      },
      'GET /api/v1/shared/:shareToken': {
        ok: async () => http(base, `/api/v1/shared/${(await card()).shareToken}`),
        errors: [
          () => http(base, `/api/v1/shared/${'A'.repeat(43)}`),
          async () => {
            const token = (await card()).shareToken;
            return withFailingJson(app, () => http(base, `/api/v1/shared/${token}`));
          },
        ],
      },
      'POST /api/v1/shared/:shareToken/messages': {
        ok: async () =>
          http(base, `/api/v1/shared/${(await card()).shareToken}/messages`, {
            method: 'POST',
            json: { name: 'Dee', message: 'Happy birthday' },
          }),
        errors: [
          async () => http(base, `/api/v1/shared/${(await card()).shareToken}/messages`, { method: 'POST', json: {} }),
        ],
      },
      'GET /api/v1/moderation/designs': {
        ok: () => http(base, '/api/v1/moderation/designs', { token: MODERATOR }),
        errors: [
          () => http(base, '/api/v1/moderation/designs'),
          () => withFailingJson(app, () => http(base, '/api/v1/moderation/designs', { token: MODERATOR })),
        ],
      },
      'POST /api/v1/moderation/designs/:id': {
        ok: () =>
          http(base, '/api/v1/moderation/designs/stock-birthday-1', {
            method: 'POST',
            token: MODERATOR,
            json: { decision: 'approved' },
          }),
        errors: [
          () =>
            http(base, '/api/v1/moderation/designs/stock-birthday-1', {
              method: 'POST',
              json: { decision: 'approved' },
            }),
          () =>
            http(base, '/api/v1/moderation/designs/no-such-design', {
              method: 'POST',
              token: MODERATOR,
              json: { decision: 'approved' },
            }),
        ],
      },
    };
  }

  it('an error answer and a success answer of every route carry the same full route label', async () => {
    const routes = routesOf(app);
    const table = cases();
    // The router is the list: every route it serves has a case, and no case names a route it lacks.
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(Object.keys(table).sort());
    expect(routes.some((r) => r.path.startsWith('/api/v1/'))).toBe(true);

    const answered: Record<string, { ok: number[]; errors: number[] }> = {};
    for (const [key, c] of Object.entries(table)) {
      const ok = typeof c.ok === 'string' ? [] : [(await c.ok()).status];
      const errors =
        typeof c.errors === 'string' ? [] : await Promise.all(c.errors.map(async (e) => (await e()).status));
      answered[key] = { ok, errors };
    }
    // The cases do what they claim: successes below 400, errors from 400 up, and a 5xx among them.
    for (const [key, { ok, errors }] of Object.entries(answered)) {
      expect({ key, ok: ok.every((s) => s < 400), errors: errors.every((s) => s >= 400) }).toEqual({
        key,
        ok: true,
        errors: true,
      });
    }
    const allErrors = Object.values(answered).flatMap((a) => a.errors);
    expect(allErrors.some((s) => s >= 500)).toBe(true);
    expect(allErrors.some((s) => s === 404)).toBe(true);
    expect(allErrors.some((s) => s === 400)).toBe(true);

    const series = parseExposition((await http(base, '/metrics')).text).filter(
      (s) => s.name === 'http_requests_total' && s.value > 0,
    );
    for (const { method, path } of routes) {
      const statuses = series
        .filter((s) => s.labels.method === method && s.labels.route === path)
        .map((s) => Number(s.labels.status));
      const { ok, errors } = answered[`${method} ${path}`];
      // Every status this route answered is counted under its full template, errors included.
      expect({ route: `${method} ${path}`, statuses: [...new Set(statuses)].sort() }).toEqual({
        route: `${method} ${path}`,
        statuses: [...new Set([...ok, ...errors])].sort(),
      });
    }
    const labels = new Set(series.map((s) => s.labels.route));
    expect([...labels].filter((l) => !routes.some((r) => r.path === l))).toEqual([]);
  });

  it('requests no route matches share one bounded label, whatever their path', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await http(base, `/api/v1/scan-${i}/x?probe=${i}`)).status).toBe(404);
      expect((await http(base, `/wp-admin-${i}.php`)).status).toBe(404);
    }
    const routes = new Set(routesOf(app).map((r) => r.path));
    const series = parseExposition((await http(base, '/metrics')).text).filter((s) => s.name === 'http_requests_total');
    const unmatched = new Set(series.map((s) => s.labels.route).filter((l) => !routes.has(l as string)));
    expect([...unmatched].sort()).toEqual(['static', 'unmatched_api']);
  });
});
