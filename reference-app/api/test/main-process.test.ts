import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(90_000);

const API = join(__dirname, '..');
const MAIN = join(API, 'dist/main.js');

beforeAll(() => {
  // The artefact `npm start` and the container run, current with the sources.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', API], { stdio: 'inherit' });
});

describe('dist/main.js (the local run, a real process)', () => {
  it('serves, then on SIGTERM finishes the request in flight and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gg-main-'));
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /running at (http:\/\/\S+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      // A request under way when the signal arrives still gets its answer. "In flight" has to be
      // certain, not a race with the signal: the server answers `100 Continue` only once it has
      // parsed the headers, and then waits for the body, which is sent after SIGTERM.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${url}/api/v1/cards`, {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', expect: '100-continue' },
        });
        req.once('continue', () => {
          child.kill('SIGTERM');
          // Long enough for the child to run its SIGTERM handler and close the listener first.
          setTimeout(() => req.end('{}'), 300);
        });
        req.once('response', (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.once('error', reject);
        req.flushHeaders();
      });
      // The empty card is refused, as it would be without the signal: the handler ran to the end.
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: expect.anything() });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
