import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export const MARIADBD = process.env.MARIADBD ?? '/usr/sbin/mariadbd';

/** A port nobody listens on right now (the kernel's choice), for a server started next. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/**
 * A MariaDB server of this test's own, on a free port with its own data directory, that the test
 * may freeze (SIGSTOP), kill (SIGKILL) and start again on the same port and data. Never the shared
 * server on 3306: it is only ever signalled through its own child PID.
 * The data directory starts empty and the grant tables are skipped (root without a password),
 * which boots in under a second instead of running mariadb-install-db.
 */
export class PrivateMariadb {
  readonly dir = mkdtempSync(join(tmpdir(), 'gg-mariadb-'));
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(readonly port: number) {
    mkdirSync(join(this.dir, 'data'));
  }

  static async start(database = 'gg'): Promise<PrivateMariadb> {
    const server = new PrivateMariadb(await freePort());
    await server.boot();
    const c = await createConnection({ host: '127.0.0.1', port: server.port, user: 'root' });
    await c.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await c.end();
    return server;
  }

  url(database = 'gg'): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('private mariadbd is not running');
    return this.child.pid;
  }

  /** Starts the server (again) on the same port and data directory; resolves once it answers. */
  async boot(timeoutMs = 30_000): Promise<void> {
    const child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
        `--datadir=${join(this.dir, 'data')}`,
        `--socket=${join(this.dir, 's')}`,
        `--pid-file=${join(this.dir, 'pid')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--skip-grant-tables',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
        '--innodb-log-file-size=8M',
        '--performance-schema=OFF',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`mariadbd exited:\n${log}`);
      try {
        const c = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 500 });
        await c.end();
        return;
      } catch {
        if (Date.now() > end) throw new Error(`mariadbd did not answer within ${timeoutMs} ms:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  freeze(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  thaw(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** kill -9, as an operator or the OOM killer would; resolves once the process is gone. */
  async kill(): Promise<void> {
    process.kill(this.pid, 'SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.thaw();
      await this.kill();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
