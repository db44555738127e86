import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
      // A request under way when the signal arrives still gets its answer.
      const inFlight = fetch(`${url}/api/v1/designs?category=Birthday`);
      child.kill('SIGTERM');
      expect((await inFlight).status).toBe(200);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
