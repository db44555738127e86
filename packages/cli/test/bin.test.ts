import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

const ROOT = join(__dirname, '../../..');
const bin = join(ROOT, 'packages/cli/dist/bin.js');

describe('the sre bin', () => {
  beforeAll(() => {
    if (existsSync(bin)) return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'packages/cli')], {
      stdio: 'pipe',
    });
  }, 180_000);

  it('links from committed files only, so `npm ci` on a fresh clone installs every command', () => {
    // npm links a bin at install time and skips one whose file is missing: dist/ does not exist yet then.
    const manifests = execFileSync('git', ['ls-files', '*package.json'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.includes('node_modules'));
    const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n'));
    const bins: string[] = [];
    for (const manifest of manifests) {
      const pkg = JSON.parse(readFileSync(join(ROOT, manifest), 'utf8')) as { bin?: string | Record<string, string> };
      const targets = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
      for (const target of targets) bins.push(posix.normalize(posix.join(posix.dirname(manifest), target)));
    }
    expect(bins).toContain('packages/cli/bin/sre.js');
    expect(bins.filter((b) => !tracked.has(b))).toEqual([]);
  });

  it('runs the built command through the committed entry point', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'packages/cli/bin/sre.js'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(out).toMatch(/Usage: sre/);
  });

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
