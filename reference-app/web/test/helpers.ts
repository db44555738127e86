// Test doubles shared by the component tests: a fetch that answers from a route table (so tests
// assert on real request bodies/headers) and a router with in-memory history.
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { routes } from '../src/router';

export interface FakeReply {
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is instead of `body` (an HTML error page from a proxy, say). */
  raw?: string;
  headers?: Record<string, string>;
}
export type Handler = (method: string, url: string, init: RequestInit) => FakeReply | Promise<FakeReply>;

export interface Call {
  method: string;
  url: string;
  init: RequestInit;
}

export function mockFetch(handler: Handler) {
  const calls: Call[] = [];
  const fn = jest.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    calls.push({ method, url, init });
    const { status = 200, body, raw, headers = {} } = await handler(method, url, init);
    const text = raw ?? (body === undefined ? '' : JSON.stringify(body));
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name: string) => lower.get(name.toLowerCase()) ?? null },
      json: async () => JSON.parse(text),
      text: async () => text,
    };
  });
  (globalThis as { fetch?: unknown }).fetch = fn;
  return calls;
}

export function jsonBody(call: Call): Record<string, unknown> {
  return JSON.parse(String(call.init.body));
}

export function apiError(status: number, code: string, message: string, details?: unknown): FakeReply {
  return { status, body: { error: { code, message, details } } };
}

export function testRouter(path = '/') {
  const router = createRouter({ history: createMemoryHistory(), routes });
  void router.push(path);
  return router;
}

/** Lets pending promises (fetch mocks, router) settle. */
export async function settle(times = 5) {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}

export const design = (id: string, title = `Design ${id}`) => ({
  id,
  category: 'birthday',
  title,
  thumbnailUrl: `/media/${id}-thumb.webp`,
  imageUrl: `/media/${id}.webp`,
});

// The real CAPTCHA widget needs Web Workers and WebCrypto; here a stub "solves" it at once. The
// real widget is exercised by the end-to-end suite in Chromium.
export const captchaResets = jest.fn();
export const CaptchaStub = defineComponent({
  props: { modelValue: String, error: String },
  emits: ['update:modelValue'],
  setup(props, { emit, expose }) {
    expose({ reset: () => (captchaResets(), emit('update:modelValue', '')) });
    return () =>
      h(
        'button',
        { type: 'button', class: 'captcha-stub', onClick: () => emit('update:modelValue', 'solved-payload') },
        props.error ?? 'solve',
      );
  },
});
