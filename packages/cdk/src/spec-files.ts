import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { formatDiagnostic, loadSpecTexts, type SpecSet } from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { SreKitInputError } from './errors';

/**
 * Reads spec files synchronously (CDK constructors are synchronous) and
 * parses them with core's loadSpecTexts, the same parser the CLI uses.
 */
export function readSpecs(scope: IConstruct, paths: readonly string[]): SpecSet {
  const texts: { file: string; text: string }[] = [];
  const missing: string[] = [];
  const visit = (path: string): void => {
    let info;
    try {
      info = statSync(path);
    } catch {
      missing.push(path);
      return;
    }
    if (!info.isDirectory()) {
      texts.push({ file: path, text: readFileSync(path, 'utf8') });
      return;
    }
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const child = join(path, name);
      if (statSync(child).isDirectory()) visit(child);
      else if (['.yaml', '.yml'].includes(extname(name).toLowerCase()))
        texts.push({ file: child, text: readFileSync(child, 'utf8') });
    }
  };
  for (const path of paths) visit(path);
  if (missing.length > 0)
    throw new SreKitInputError(
      scope,
      'spec paths do not exist',
      missing,
      'pass files or folders relative to the directory cdk runs in (usually the app root)',
    );
  const set = loadSpecTexts(texts);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new SreKitInputError(
      scope,
      `the specs have ${errors.length} error(s):\n${errors.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}\n`,
      paths,
      'correct the files above (`sre validate` prints the same report)',
    );
  return set;
}
