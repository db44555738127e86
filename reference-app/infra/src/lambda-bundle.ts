import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from './stacks/api';

const bundles = new Map<string, string>();

/**
 * Bundles a GoodGreets Lambda entry with esbuild at synth time (no Docker), once per process.
 * Native packages (sharp) cannot be bundled: they are copied with their dependency closure from
 * node_modules; the Linux x64 glibc binaries installed here are the ones Lambda x86_64 runs.
 */
export function lambdaCode(entry: string, nativePackages: readonly string[] = []): lambda.Code {
  let outdir = bundles.get(entry);
  if (!outdir) {
    const sourceDir = process.env.GOODGREETS_LAMBDA_SRC ?? path.join(REPO_ROOT, 'reference-app/api/src/lambda');
    const source = path.join(sourceDir, `${entry}.ts`);
    if (!fs.existsSync(source)) {
      throw new Error(`GoodGreets Lambda entry ${source} is missing: the infra bundles ${entry}.ts from ${sourceDir}`);
    }
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), `goodgreets-${entry}-`));
    buildSync({
      entryPoints: [source],
      outfile: path.join(outdir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: false,
      // The Lambda runtime ships the AWS SDK v3, but pinning our own keeps behaviour identical to the tests.
      external: [...nativePackages, 'better-sqlite3', 'pg', 'pg-query-stream', 'tedious', 'oracledb', 'mysql'],
      logLevel: 'silent',
    });
    for (const pkg of nativePackages) copyPackageClosure(pkg, path.join(outdir, 'node_modules'), new Set());
    bundles.set(entry, outdir);
  }
  return lambda.Code.fromAsset(outdir);
}

function copyPackageClosure(name: string, target: string, seen: Set<string>, from = REPO_ROOT): void {
  if (seen.has(name)) return;
  seen.add(name);
  let manifest: string;
  try {
    manifest = require.resolve(`${name}/package.json`, { paths: [from] });
  } catch {
    return; // an optional dependency for another platform (for example sharp's darwin binaries)
  }
  const dir = path.dirname(manifest);
  fs.cpSync(dir, path.join(target, name), { recursive: true, dereference: true });
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    copyPackageClosure(dep, target, seen, dir);
  }
}
