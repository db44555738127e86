/**
 * Problems found in spec files. Every diagnostic carries the file, the 1-based
 * line and column of the YAML node and the dotted path inside the document, so
 * a user can jump straight to it; `hint` says how to fix it.
 */
export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted path inside the YAML document, for example `spec.objectives[0].target`. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

/** `file:line:col: path: message (hint)`; warnings put `warning: ` before the message. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.file}:${d.line}:${d.col}: ${d.path || '(document)'}: ${prefix}${d.message}${hint}`;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/** Files in path order, then by position, so output is stable whatever order checks ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.path.localeCompare(b.path),
  );
}
