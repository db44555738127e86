import { CommanderError } from 'commander';

/**
 * Ends a command with one message on stderr and an exit code, without the
 * usage text commander's `cmd.error` appends (showHelpAfterError): a bad data
 * file is not a usage mistake.
 */
export function exitWith(message: string, exitCode = 1): never {
  process.stderr.write(`${message}\n`);
  throw new CommanderError(exitCode, 'sre.failed', message);
}
