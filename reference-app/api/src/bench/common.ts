import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `node <script>` and resolves with the first JSON line it prints (its address/result). */
export function child<T>(
  script: string,
  env: Record<string, string> = {},
): Promise<{ value: T; stop(): Promise<void> }> {
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

export const MYSQL_ROOT = 'mysql://root@127.0.0.1:3306';
