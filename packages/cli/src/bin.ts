#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program';

// `sre ... | head` closes the pipe early: stop quietly instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    // Anything else is a bug in sre-kit: one line, no stack trace, unless SRE_DEBUG asks for it.
    process.stderr.write(`sre: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.SRE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 2;
  });
