import { WAF_PROOF_HEADER } from '../src/adapters/captcha/waf';
import type { RunningApp } from '../src/server';
import { plainJpeg } from './fixtures';
import { type TestDb, createTestDb, form, http, startTestApp } from './helpers';

type ErrorBody = { error: { code: string; message: string } };

const PROOF = 'the-waf-proof-of-the-provider-suite-0123456789';

/** A running app with the given CAPTCHA provider for the enclosing describe block. */
function appWith(provider: 'altcha' | 'aws-waf') {
  const state: { db?: TestDb; app?: RunningApp } = {};
  beforeAll(async () => {
    state.db = await createTestDb('sqlite');
    state.app = await startTestApp(state.db, { CAPTCHA: provider, CAPTCHA_WAF_PROOF: PROOF });
  });
  afterAll(async () => {
    await state.app?.stop();
    await state.db?.drop();
  });
  return {
    url: () => state.app!.url,
    // What the browser does on the navigation: the redirect is read, not followed.
    verify: (query = '', proof?: string) =>
      fetch(`${state.app!.url}/api/v1/captcha/verify${query}`, {
        redirect: 'manual',
        headers: proof ? { [WAF_PROOF_HEADER]: proof } : {},
      }),
  };
}

// The site asks GET /captcha which check to show. With the WAF, the browser is sent to verifyUrl
// (guarded by the WAF CAPTCHA rule at the edge) and comes back to the upload page.
describe.each([
  ['altcha', { provider: 'altcha', challengeUrl: '/api/v1/captcha/challenge' }],
  ['aws-waf', { provider: 'aws-waf', verifyUrl: '/api/v1/captcha/verify', immunitySeconds: 300 }],
] as const)('CAPTCHA provider %s', (provider, expected) => {
  const app = appWith(provider);

  it('names itself to the site, uncached', async () => {
    const res = await http(app.url(), '/api/v1/captcha');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('ALTCHA provider', () => {
  const app = appWith('altcha');

  it('serves the widget its challenge at challengeUrl', async () => {
    const info = await http<{ challengeUrl: string }>(app.url(), '/api/v1/captcha');
    const res = await http(app.url(), info.body.challengeUrl);
    expect(res.body).toMatchObject({ algorithm: expect.any(String), challenge: expect.any(String) });
  });

  it('has no verify route', async () => {
    const res = await app.verify('', PROOF);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
  });
});

describe('AWS WAF provider', () => {
  const app = appWith('aws-waf');

  it('sends a browser that passed the WAF back to a fixed upload URL, whatever it asks for', async () => {
    const info = await http<{ verifyUrl: string }>(app.url(), '/api/v1/captcha');
    expect(info.body.verifyUrl).toBe('/api/v1/captcha/verify');
    for (const query of ['', '?return=https://evil.example/', '?next=//evil.example&verified=0']) {
      const res = await app.verify(query, PROOF);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/upload?verified=1');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('sends the card form back to the card form, and nowhere else', async () => {
    const res = await app.verify('?for=create', PROOF);
    expect([res.status, res.headers.get('location')]).toEqual([303, '/create?verified=1']);
    const other = await app.verify('?for=https://evil.example/', PROOF);
    expect(other.headers.get('location')).toBe('/upload?verified=1');
  });

  it('does not report success when the WAF proof never arrived', async () => {
    const res = await app.verify('');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/upload?verified=0');
  });

  it('fails closed on uploads without the WAF proof and accepts them with it', async () => {
    const upload = async (proof?: string) =>
      http<ErrorBody & { status: string }>(app.url(), '/api/v1/designs', {
        method: 'POST',
        headers: proof ? { [WAF_PROOF_HEADER]: proof } : {},
        body: form(await plainJpeg(), { category: 'Wedding', captcha: 'aws-waf' }),
      });
    const refused = await upload();
    expect([refused.status, refused.body.error.code]).toEqual([400, 'captcha_missing']);
    const accepted = await upload(PROOF);
    expect([accepted.status, accepted.body.status]).toEqual([202, 'processing']);
  });
});
