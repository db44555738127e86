import { api, ApiError, CAPTCHA_EXPIRED, fieldErrors } from '../src/lib/api';
import { apiError, mockFetch } from './helpers';

describe('fieldErrors', () => {
  it('reads the common shapes of error.details', () => {
    expect(fieldErrors([{ path: ['recipientEmail'], message: 'Invalid email' }])).toEqual({
      recipientEmail: 'Invalid email',
    });
    expect(
      fieldErrors([
        { field: 'sendAt', message: 'In the past' },
        { param: 'name', msg: 'Too long' },
      ]),
    ).toEqual({
      sendAt: 'In the past',
      name: 'Too long',
    });
    expect(fieldErrors({ recipientName: 'Required', timeZone: ['Unknown', 'zone'] })).toEqual({
      recipientName: 'Required',
      timeZone: 'Unknown zone',
    });
    expect(fieldErrors({ fields: { senderEmail: { message: 'Bad' } } })).toEqual({ senderEmail: 'Bad' });
    expect(fieldErrors([{ path: 'body.message', message: 'Script not allowed' }])).toEqual({
      message: 'Script not allowed',
    });
    expect(fieldErrors(null)).toEqual({});
  });
});

describe('request', () => {
  it('turns an error body into an ApiError with field messages', async () => {
    mockFetch(() =>
      apiError(400, 'validation_failed', 'Some fields are invalid', [
        { path: ['recipientEmail'], message: 'Not an email' },
      ]),
    );
    const err = await api.createCard({} as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Some fields are invalid',
      fields: { recipientEmail: 'Not an email' },
    });
  });

  it('sends the owner token as a bearer header and never in the URL', async () => {
    const calls = mockFetch(() => ({ body: { id: 'c1' } }));
    await api.getCard('c1', 'secret-owner-token');
    expect(calls[0].url).toBe('/api/v1/cards/c1');
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe('Bearer secret-owner-token');
  });

  it('explains non-JSON failures and network errors', async () => {
    mockFetch(() => ({ status: 502 }));
    await expect(api.listDesigns('birthday')).rejects.toMatchObject({
      status: 502,
      message: expect.stringMatching(/server/),
    });
    (globalThis as { fetch?: unknown }).fetch = jest.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.listDesigns('birthday')).rejects.toMatchObject({ code: 'network' });
  });
});

describe('an upload stopped by the AWS WAF CAPTCHA', () => {
  const wafPage = '<!DOCTYPE html><html><body><div id="captcha-container"></div></body></html>';

  it.each([
    ['its action header', { 'x-amzn-waf-action': 'captcha', 'content-type': 'text/html' }],
    ['any non-JSON 405', { 'content-type': 'text/html' }],
  ])('is told apart from other failures by %s', async (_, headers) => {
    mockFetch(() => ({ status: 405, raw: wafPage, headers }));
    await expect(api.uploadDesign(new FormData())).rejects.toMatchObject({
      status: 405,
      code: CAPTCHA_EXPIRED,
      message: expect.stringMatching(/human check has expired.*Verify/),
    });
  });

  it('leaves a JSON 405 from the API as it is', async () => {
    mockFetch(() => apiError(405, 'method_not_allowed', 'use POST'));
    await expect(api.uploadDesign(new FormData())).rejects.toMatchObject({ code: 'method_not_allowed' });
  });
});

describe('Idempotency-Key', () => {
  const keyOf = (c: { init: RequestInit }) => (c.init.headers as Record<string, string>)['idempotency-key'];
  const msg = { name: 'Ann', message: 'Hi' };

  it('sends one per submission, the same again when the person retries after a failure', async () => {
    let fail = 1;
    const calls = mockFetch(() => {
      if (fail-- > 0) return apiError(503, 'database_unavailable', 'retry shortly');
      return { status: 201, body: { ...msg, createdAt: '2026-12-01T00:00:00Z' } };
    });
    await expect(api.addMessage('s'.repeat(43), msg)).rejects.toMatchObject({ status: 503 });
    await api.addMessage('s'.repeat(43), msg);
    // A new signature with the same words after the first succeeded is a new submission.
    await api.addMessage('s'.repeat(43), msg);
    const [first, retry, next] = calls.map(keyOf);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(retry).toBe(first);
    expect(next).toMatch(/^[0-9a-f]{32}$/);
    expect(next).not.toBe(first);
  });

  it('gives other content another key, and keys card creation and uploads too', async () => {
    const calls = mockFetch(() => ({ status: 201, body: {} }));
    await api.addMessage('s'.repeat(43), msg);
    await api.addMessage('s'.repeat(43), { ...msg, message: 'Hello' });
    await api.createCard({ designId: 'd1' } as never);
    const form = new FormData();
    form.set('category', 'Wedding');
    form.set('captcha', 'one');
    await api.uploadDesign(form);
    const keys = calls.map(keyOf);
    expect(keys.every((k) => /^[0-9a-f]{32}$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(4);
  });
});
