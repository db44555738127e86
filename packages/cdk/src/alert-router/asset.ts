import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AlertRouting } from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { inputError } from '../errors';

/** The Lambdas @sre-kit/cdk ships pre-bundled, by their folder under `dist/lambda/`. */
export type ShippedLambda = 'alert-router' | 'slo-review';

const NAMES: Record<ShippedLambda, string> = { 'alert-router': 'alert router', 'slo-review': 'SLO review' };

/**
 * A pre-bundled Lambda (built by `npm run build` in @sre-kit/alert-router with esbuild, shipped
 * inside @sre-kit/cdk) plus its data files, staged in a fresh folder for `Code.fromAsset`. Synth
 * needs neither Docker, esbuild nor the Lambda's AWS SDK clients in the user's app, and the asset
 * hash changes exactly when the code or the data changes.
 */
export function stageShippedAsset(
  scope: IConstruct,
  lambda: ShippedLambda,
  files: Readonly<Record<string, string>>,
  bundlePath?: string,
): string {
  const bundle = bundlePath ?? shippedBundle(lambda);
  if (!existsSync(bundle)) {
    inputError(
      scope,
      `the ${NAMES[lambda]} bundle is missing`,
      bundle,
      'reinstall @sre-kit/cdk (the file ships in its tarball); in the sre-kit repository run `npm run build`; or pass handlerBundle',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), `sre-kit-${lambda}-`));
  mkdirSync(dir, { recursive: true });
  copyFileSync(bundle, join(dir, 'index.js'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The router bundle and the routing as JSON. */
export function stageRouterAsset(scope: IConstruct, routing: AlertRouting, bundlePath?: string): string {
  // Source locations point at the synth machine's files: useless in Lambda and they would churn the hash.
  const { location: _location, ...portable } = routing;
  return stageShippedAsset(
    scope,
    'alert-router',
    { 'routing.json': `${JSON.stringify(portable, null, 2)}\n` },
    bundlePath,
  );
}

/** Where the package keeps a Lambda bundle: `dist/lambda/<lambda>/index.js` (scripts/package.js copies it there). */
export function shippedBundle(lambda: ShippedLambda): string {
  // This code runs from src/alert-router (tests), dist/alert-router (tsc) or dist/ (the published
  // single-file bundle): the package root is the nearest folder holding a package.json.
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'lambda', lambda, 'index.js');
}
