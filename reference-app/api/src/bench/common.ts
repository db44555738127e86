import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `node <script>` and resolves with the first JSON line it prints (its address/result). */
export function child<T>(
  script: string,
  env: Record<string, string> = {},
): Promise<{ value: T; pid: number; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      try {
        resolve({
          value: JSON.parse(line) as T,
          pid: proc.pid as number,
          stop: async () => {
            proc.kill('SIGTERM');
            await exited;
          },
        });
      } catch (err) {
        reject(new Error(`${script} printed ${line}: ${(err as Error).message}`));
      }
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

/**
 * CPU milliseconds (user + system) a process has used, from /proc. Requests per second swing with
 * whatever else the machine runs; the server's CPU per request barely does, so the bench prints both.
 */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ", in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const MYSQL_ROOT = 'mysql://root@127.0.0.1:3306';
