/**
 * Child processes of the local loop: the real engines (Debian's prometheus and
 * prometheus-alertmanager) and GoodGreets, each on a free loopback port, logging to a file
 * under the data folder, stopped together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface Engine {
  readonly name: string;
  readonly binary: string;
  /** Debian package that installs it. */
  readonly debianPackage: string;
}

export const PROMETHEUS: Engine = { name: 'Prometheus', binary: 'prometheus', debianPackage: 'prometheus' };
export const ALERTMANAGER: Engine = {
  name: 'Alertmanager',
  binary: 'prometheus-alertmanager',
  debianPackage: 'prometheus-alertmanager',
};

export class MissingEngineError extends Error {}

/** The engine's executable on PATH (PROMETHEUS_BIN / ALERTMANAGER_BIN override), or a clear error. */
export function findEngine(engine: Engine, override?: string): string {
  const candidates = override
    ? [override]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, engine.binary));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next
    }
  }
  throw new MissingEngineError(
    `${engine.name} is not installed (no ${override ?? engine.binary} on PATH): ` +
      `install it with \`sudo apt-get install ${engine.debianPackage}\`` +
      (engine === PROMETHEUS ? '' : ' (Debian and Ubuntu package it)'),
  );
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly log: string;
}

export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): Child {
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { name, process: child, log };
}

/** Polls `url` until it answers 2xx; fails naming the child and its log when it exits or time runs out. */
export async function waitReady(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null)
      throw new Error(`${child.name} exited with code ${child.process.exitCode}; see ${child.log}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs / 1000} s; see ${child.log}`);
}

/** SIGTERM to every child still running, SIGKILL after 5 s. */
export async function stopChildren(children: readonly Child[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.process.exitCode !== null || c.process.signalCode !== null) return resolve();
          const kill = setTimeout(() => c.process.kill('SIGKILL'), 5000);
          c.process.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.process.kill('SIGTERM');
        }),
    ),
  );
}
