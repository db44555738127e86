import { connect } from 'node:net';
import type { RunningApp } from '../src/server';
import { type TestDb, createTestDb, http, startTestApp } from './helpers';

jest.setTimeout(30_000);

/** One raw exchange over a socket: what Node's parser answers before Express sees anything. */
function raw(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const jsonError = (answer: string) => {
  const [head, body] = answer.split('\r\n\r\n');
  return {
    statusLine: head?.split('\r\n')[0],
    json: /content-type: application\/json/i.test(head ?? ''),
    body: JSON.parse(body ?? ''),
  };
};

/** Every answer is a JSON error, including the ones the fault run found as text or 404. */
describe('JSON errors everywhere', () => {
  let db: TestDb;
  let app: RunningApp;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    app = await startTestApp(db);
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  it.each([
    ['PUT', '/api/v1/designs', 'GET, HEAD, OPTIONS, POST'],
    ['PATCH', '/api/v1/cards', 'OPTIONS, POST'],
    ['POST', `/api/v1/shared/${'a'.repeat(43)}`, 'GET, HEAD, OPTIONS'],
    ['DELETE', `/api/v1/shared/${'a'.repeat(43)}/messages`, 'OPTIONS, POST'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const res = await http<{ error: { code: string } }>(app.url, path, { method });
    expect([res.status, res.body.error.code, res.headers.get('allow')]).toEqual([405, 'method_not_allowed', allow]);
  });

  it('TRACE (which fetch refuses to send) is 405 JSON too', async () => {
    const answer = await raw(app.url, 'TRACE /api/v1/cards HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nallow: OPTIONS, POST\r\n/i);
    expect(answer).toContain('"code":"method_not_allowed"');
  });

  it('an unknown path stays 404 route_not_found', async () => {
    const res = await http<{ error: { code: string } }>(app.url, '/api/v1/nothing', { method: 'PUT' });
    expect([res.status, res.body.error.code]).toEqual([404, 'route_not_found']);
  });

  it('OPTIONS is 204 with Allow and no CORS grant (the API is same-origin only)', async () => {
    const res = await http(app.url, '/api/v1/cards/abc', {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'PATCH' },
    });
    expect([res.status, res.text, res.headers.get('allow')]).toEqual([204, '', 'DELETE, GET, HEAD, OPTIONS, PATCH']);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a bad query parameter is named as one', async () => {
    const res = await http<{ error: { code: string; message: string; details: Array<{ path: string }> } }>(
      app.url,
      '/api/v1/designs?category=Halloween',
    );
    expect([res.status, res.body.error.details.map((d) => d.path)]).toEqual([400, ['query.category']]);
    expect(res.body.error.message).toMatch(/^invalid request: query\.category /);
    const cursor = await http<{ error: { details: Array<{ path: string }> } }>(app.url, '/api/v1/designs?cursor=x');
    expect(cursor.body.error.details.map((d) => d.path)).toEqual(['query.cursor']);
  });

  it('headers too large: 431 with a JSON body', async () => {
    const answer = await raw(
      app.url,
      `GET /api/v1/designs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(jsonError(answer)).toEqual({
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      json: true,
      body: { error: { code: 'headers_too_large', message: expect.any(String) } },
    });
  });

  it('a request that is not HTTP: 400 with a JSON body', async () => {
    const answer = await raw(app.url, 'HELLO THERE\r\n\r\n');
    expect(jsonError(answer)).toEqual({
      statusLine: 'HTTP/1.1 400 Bad Request',
      json: true,
      body: { error: { code: 'bad_request', message: expect.any(String) } },
    });
  });
});
