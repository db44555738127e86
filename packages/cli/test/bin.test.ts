import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const bin = join(ROOT, 'packages/cli/dist/bin.js');

describe('the sre bin', () => {
  beforeAll(() => {
    if (existsSync(bin)) return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'packages/cli')], {
      stdio: 'pipe',
    });
  }, 180_000);

  it('stops quietly when its reader closes the pipe early (sre ... | head)', async () => {
    // A JSON review is ~250 kB: far more than the pipe holds, so writes are still pending when we close it.
    const args = ['review', 'slos', '--source', 'file', '--data', 'packages/cli/examples/review-data.csv'];
    args.push('--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z', '--format', 'json');
    const child = spawn(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read one chunk, then close our end as `head -1` would.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(stderr).toContain('no data for SLO'); // its own warnings still reach stderr
    expect(code).toBe(0);
  });
});
