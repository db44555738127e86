/**
 * Runs promtool, which the rule tests require rather than skip: it comes from Debian's `prometheus` package
 * (.ci/run installs it); PROMTOOL points at another binary.
 */
import { execFileSync } from 'node:child_process';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

/** promtool's stdout; a failure throws with everything promtool printed. */
export function promtool(args: readonly string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}
