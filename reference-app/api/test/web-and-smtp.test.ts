import { mkdirSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { SmtpMailer } from '../src/adapters/mailer/smtp';
import { composeCardEmail } from '../src/delivery/compose';
import type { Card, Design } from '../src/domain/types';
import { CONTENT_SECURITY_POLICY } from '../src/http/app';
import { createTestDb, http, startTestApp } from './helpers';

jest.setTimeout(30_000);

describe('serving the web app', () => {
  it('serves the built SPA with a strict CSP, index.html for its routes (404 for other paths), keeps API errors JSON', async () => {
    const db = await createTestDb('sqlite');
    const web = join(db.dataDir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>GoodGreets</title><script type="module" src="/assets/app.js"></script>',
    );
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    const app = await startTestApp(db, { WEB_DIST: web });
    try {
      for (const path of [
        '/',
        '/create?design=x',
        '/cards/x/share',
        '/s/abcdef',
        '/cards/x/manage',
        '/upload',
        '/upload/',
        '/Create',
      ]) {
        const res = await http(app.url, path, { headers: { accept: 'text/html' } });
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.text).toContain('<title>GoodGreets</title>');
        expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      }
      // Any other path: the same page (the site shows "Page not found"), with the status that says so.
      for (const path of ['/no-such-page', '/s/', '/s/a/b', '/cards/x', '/uploads', '/cards//share']) {
        const res = await http(app.url, path, { headers: { accept: 'text/html' } });
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.text).toContain('<title>GoodGreets</title>');
        expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      }
      expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
      const js = await http(app.url, '/assets/app.js');
      expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
      const api = await http<{ error: { code: string } }>(app.url, '/api/v1/missing', {
        headers: { accept: 'text/html' },
      });
      expect([api.status, api.body.error.code]).toEqual([404, 'route_not_found']);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});

/** A minimal SMTP server on a real socket: enough of RFC 5321 for nodemailer to deliver one message. */
function fakeSmtp(): Promise<{ server: Server; port: number; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((socket: Socket) => {
    let data = false;
    let buffer = '';
    let body = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === '.') {
            data = false;
            messages.push(body);
            body = '';
            socket.write('250 queued\r\n');
          } else body += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 fake\r\n');
        else if (/^DATA/i.test(line)) {
          data = true;
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port, messages }),
    ),
  );
}

describe('SMTP mailer', () => {
  it('delivers the card email over SMTP when SMTP_URL is set', async () => {
    const smtp = await fakeSmtp();
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`, 'GoodGreets <cards@test>');
    try {
      const email = composeCardEmail({
        card: {
          id: 'c1',
          recipientName: 'Ann',
          recipientEmail: 'ann@example.com',
          senderName: 'Bob',
          senderEmail: 'bob@example.com',
          shareToken: 't',
          sendAtUtc: 1_796_000_000_000,
        } as Card,
        design: { title: 'Balloons', category: 'Birthday' } as Design,
        messages: [{ id: 1, cardId: 'c1', name: 'Cleo', message: 'Many happy returns', createdAt: 1 }],
        image: Buffer.from('jpeg-bytes'),
        viewUrl: 'http://localhost/s/t',
      });
      const { messageId } = await mailer.send(email);
      expect(messageId).toBe('<card-c1-1796000000000@goodgreets>');
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toMatch(/^Subject: Bob sent you a card: Balloons$/m);
      expect(smtp.messages[0]).toContain('Many happy returns');
    } finally {
      mailer.close();
      smtp.server.close();
    }
  });
});
