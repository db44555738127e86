import { api, ApiError, fieldErrors } from '../src/lib/api';
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
