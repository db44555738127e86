/**
 * Reading spec files and folders. Synchronous underneath because CDK
 * constructors are synchronous and must read the same files the CLI validates;
 * the async entry point is kept for callers that prefer it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { sortDiagnostics, type Diagnostic } from './diagnostics';
import { loadSpecTexts, type SpecText } from './load';
import type { SpecSet } from './types';

export const SPEC_EXTENSIONS = ['.yaml', '.yml'];

export interface SpecFileList {
  /** Files in a stable order: paths as given, folders walked in name order. */
  readonly files: readonly string[];
  readonly missing: readonly string[];
}

/** Expands files and folders (recursing into *.yaml / *.yml, skipping dot-entries and node_modules). */
export function listSpecFiles(paths: readonly string[]): SpecFileList {
  const files: string[] = [];
  const missing: string[] = [];
  const visit = (path: string, explicit: boolean): void => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      missing.push(path);
      return;
    }
    if (!isDirectory) {
      // A file named on the command line is read whatever its extension.
      if (explicit || SPEC_EXTENSIONS.includes(extname(path).toLowerCase())) files.push(path);
      return;
    }
    for (const name of readdirSync(path).sort()) {
      if (!name.startsWith('.') && name !== 'node_modules') visit(join(path, name), false);
    }
  };
  for (const path of paths) visit(path, true);
  return { files, missing };
}

function fileError(file: string, message: string): Diagnostic {
  return { severity: 'error', file, line: 1, col: 1, path: '(file)', message };
}

/** Loads files and folders; missing or unreadable paths are diagnostics, not exceptions. */
export function loadSpecFilesSync(paths: readonly string[]): SpecSet {
  const { files, missing } = listSpecFiles(paths);
  const extra = missing.map((file) => fileError(file, 'no such file or directory'));
  const texts: SpecText[] = [];
  for (const file of files) {
    try {
      texts.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      extra.push(fileError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`));
    }
  }
  if (paths.length > 0 && files.length === 0 && missing.length === 0) {
    extra.push(fileError(paths[0], 'no *.yaml or *.yml files found'));
  }
  const set = loadSpecTexts(texts);
  return { ...set, diagnostics: sortDiagnostics([...extra, ...set.diagnostics]) };
}

/** Same as loadSpecFilesSync, as a promise. */
export async function loadSpecFiles(paths: readonly string[]): Promise<SpecSet> {
  return loadSpecFilesSync(paths);
}
