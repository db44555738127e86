// Links follow the origin a person uses (issue 15), and a forged Host header never becomes a link.
import { request } from 'node:http';
import type { Mailer, OutgoingEmail } from '../src/domain/ports';
import type { RunningApp } from '../src/server';
import { DIALECTS, type TestDb, createTestDb, localIn, newCard, startTestApp, waitFor } from './helpers';

jest.setTimeout(30_000);

class KeepingMailer implements Mailer {
  sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `<${email.idempotencyKey}>` };
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Real HTTP with a Host header of our choosing (fetch does not let a caller set Host). */
function call(app: RunningApp, host: string, method: string, path: string, json?: unknown, token?: string) {
  const { port } = new URL(app.url);
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise<Answer>((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.once('error', fail);
    req.end(body);
  });
}

describe.each(DIALECTS)('links on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  const mailer = new KeepingMailer();
  let port: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = await startTestApp(db, { ALLOWED_HOSTS: 'cards.lan:8080, Greets.Home' }, { mailer });
    port = new URL(app.url).port;
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const createAt = async (host: string, over: Record<string, unknown> = {}) => {
    const res = await call(app, host, 'POST', '/api/v1/cards', newCard(over));
    expect(res.status).toBe(201);
    return res.body as { id: string; shareToken: string; ownerToken: string; shareUrl: string };
  };

  it('builds the share link from the loopback host the person used, in the create answer and the owner view', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const card = await createAt(host);
      expect(card.shareUrl).toBe(`http://${host.toLowerCase()}/s/${card.shareToken}`);
      // The owner view follows the host it is read from, not the one the card was made on.
      const other = host.startsWith('127') ? `localhost:${port}` : `127.0.0.1:${port}`;
      const view = await call(app, other, 'GET', `/api/v1/cards/${card.id}`, undefined, card.ownerToken);
      expect(view.body.shareUrl).toBe(`http://${other}/s/${card.shareToken}`);
      const patched = await call(
        app,
        other,
        'PATCH',
        `/api/v1/cards/${card.id}`,
        { recipientName: 'Zed' },
        card.ownerToken,
      );
      expect(patched.status).toBe(200);
      expect(patched.body.shareUrl).toBe(`http://${other}/s/${card.shareToken}`);
    }
  });

  it('never builds a link from a forged or unlisted Host: the default origin instead', async () => {
    const fallback = `http://localhost:${port}`;
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${Number(port) + 1}`, // loopback, but not the port the request arrived on
      `localhost:${port}@evil.example`,
      `cards.lan:9999`, // listed with another port
      `localhost:${port}/x`,
    ]) {
      const card = await createAt(host);
      expect(card.shareUrl).toBe(`${fallback}/s/${card.shareToken}`);
      const view = await call(app, host, 'GET', `/api/v1/cards/${card.id}`, undefined, card.ownerToken);
      expect(view.body.shareUrl).toBe(`${fallback}/s/${card.shareToken}`);
    }
  });

  it('accepts the Host values ALLOWED_HOSTS lists, case-insensitively', async () => {
    expect((await createAt('cards.lan:8080')).shareUrl).toMatch(/^http:\/\/cards\.lan:8080\/s\//);
    expect((await createAt('greets.home')).shareUrl).toMatch(/^http:\/\/greets\.home\/s\//);
  });

  it('links the email sent later to the origin the card was created from, or the default for a forged one', async () => {
    const soon = () => localIn('UTC', Date.now() + 2_500);
    const mine = await createAt(`127.0.0.1:${port}`, {
      sendAt: soon(),
      timeZone: 'UTC',
      recipientEmail: 'a1@example.com',
    });
    const forged = await createAt('evil.example', {
      sendAt: soon(),
      timeZone: 'UTC',
      recipientEmail: 'a2@example.com',
    });
    const emailTo = (address: string) => waitFor(() => mailer.sent.find((e) => e.to.address === address), 15_000);
    const a = await emailTo('a1@example.com');
    expect(a.text).toContain(`See the card online: http://127.0.0.1:${port}/s/${mine.shareToken}`);
    expect(a.html).toContain(`href="http://127.0.0.1:${port}/s/${mine.shareToken}"`);
    const b = await emailTo('a2@example.com');
    expect(b.text).toContain(`See the card online: http://localhost:${port}/s/${forged.shareToken}`);
    expect(b.text).not.toContain('evil.example');
  });
});

describe('links with PUBLIC_BASE_URL', () => {
  let db: TestDb;
  let app: RunningApp;
  const mailer = new KeepingMailer();
  beforeAll(async () => {
    db = await createTestDb('mysql');
    app = await startTestApp(db, { PUBLIC_BASE_URL: 'https://greets.example/' }, { mailer });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('uses the configured origin over any Host, in answers and in the email', async () => {
    const { port } = new URL(app.url);
    const res = await call(
      app,
      `127.0.0.1:${port}`,
      'POST',
      '/api/v1/cards',
      newCard({ sendAt: localIn('UTC', Date.now() + 2_500), timeZone: 'UTC' }),
    );
    const card = res.body as { id: string; shareToken: string; ownerToken: string; shareUrl: string };
    expect(card.shareUrl).toBe(`https://greets.example/s/${card.shareToken}`);
    const view = await call(app, `localhost:${port}`, 'GET', `/api/v1/cards/${card.id}`, undefined, card.ownerToken);
    expect(view.body.shareUrl).toBe(`https://greets.example/s/${card.shareToken}`);
    const email = await waitFor(() => mailer.sent[0], 15_000);
    expect(email.text).toContain(`https://greets.example/s/${card.shareToken}`);
  });
});
