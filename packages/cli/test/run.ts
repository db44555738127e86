import { buildProgram } from '../src/program';

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  /** 0 on success, else the CommanderError exit code. */
  readonly code: number;
}

/** Runs `sre <args>` in-process, capturing what the commands write to stdout and stderr. */
export async function runSre(args: readonly string[]): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  let code = 0;
  try {
    const program = buildProgram().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    await program.parseAsync(['node', 'sre', ...args]);
  } catch (e) {
    const exitCode = (e as { exitCode?: number }).exitCode;
    if (typeof exitCode !== 'number') throw e;
    code = exitCode;
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join(''), code };
}
