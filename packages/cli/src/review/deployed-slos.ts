/**
 * `--dimension-values FILE` for the commands that read SLO metrics from CloudWatch (review, gate):
 * the specs carry placeholder dimension values (`app/goodgreets-api/0123456789abcdef`), the
 * account holds the deployed ones. The file is the one `sre render --dimension-values` takes
 * (placeholder: deployed value); each SLO gets its deployed values through core's
 * withDimensionValues, the substitution the CDK kit applies to the alarms it creates.
 */
import { readFile } from 'node:fs/promises';
import { formatDiagnostic, parseDeployedNames, withDimensionValues, type Slo } from '@sre-kit/core';
import { exitWith } from './fail';

function cloudWatchDimensions(slo: Slo): [string, string][] {
  const ind = slo.indicator;
  const sources =
    ind.kind === 'ratio' ? [ind.total, ind.good, ind.bad] : ind.kind === 'threshold' ? [ind.metric] : [ind.errorRatio];
  const out: [string, string][] = [];
  for (const s of sources) {
    if (s?.type !== 'CloudWatch') continue;
    const stats = s.kind === 'metric' ? [s] : Object.values(s.metrics);
    for (const m of stats) out.push(...Object.entries(m.dimensions));
  }
  return out;
}

/** The SLOs with deployed dimension values; warns when the file matches none of them. */
export async function withDeployedDimensions(
  slos: readonly Slo[],
  file: string | undefined,
  command: string,
  failCode = 1,
): Promise<readonly Slo[]> {
  if (file === undefined) return slos;
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    exitWith(`${command}: cannot read --dimension-values ${file}: ${(err as Error).message}`, failCode);
  }
  const parsed = parseDeployedNames(text, file);
  if (parsed.diagnostics.length > 0)
    exitWith(
      `${parsed.diagnostics.map(formatDiagnostic).join('\n')}\n${command}: bad --dimension-values ${file}`,
      failCode,
    );
  const deployed = new Map(parsed.names.map((n) => [n.placeholder, n.deployed]));
  const used = new Set<string>();
  const out = slos.map((slo) => {
    const values: Record<string, string> = {};
    for (const [name, value] of cloudWatchDimensions(slo)) {
      const real = deployed.get(value);
      if (real === undefined) continue;
      values[name] = real;
      used.add(value);
    }
    return withDimensionValues(slo, values);
  });
  // The same file usually names every resource of the app, so only a file matching nothing is suspicious.
  if (parsed.names.length > 0 && used.size === 0)
    process.stderr.write(`${command}: warning: no placeholder in ${file} is a dimension value of these SLOs\n`);
  return out;
}
