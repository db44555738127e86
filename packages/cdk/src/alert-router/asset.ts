import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AlertRouting } from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { inputError } from '../errors';

/**
 * The pre-bundled router (built by `npm run build` in @sre-kit/alert-router
 * with esbuild, shipped inside @sre-kit/cdk) plus the routing as JSON, staged
 * in a fresh folder for `Code.fromAsset`. Synth needs neither Docker, esbuild
 * nor the router's AWS SDK clients in the user's app, and the asset hash
 * changes exactly when the code or the routing changes.
 */
export function stageRouterAsset(scope: IConstruct, routing: AlertRouting, bundlePath?: string): string {
  const bundle = bundlePath ?? shippedRouterBundle();
  if (!existsSync(bundle)) {
    inputError(
      scope,
      'the alert router bundle is missing',
      bundle,
      'reinstall @sre-kit/cdk (the file ships in its tarball); in the sre-kit repository run `npm run build`; or pass handlerBundle',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'sre-kit-alert-router-'));
  mkdirSync(dir, { recursive: true });
  copyFileSync(bundle, join(dir, 'index.js'));
  // Source locations point at the synth machine's files: useless in Lambda and they would churn the hash.
  const { location: _location, ...portable } = routing;
  writeFileSync(join(dir, 'routing.json'), `${JSON.stringify(portable, null, 2)}\n`);
  return dir;
}

/** Where the package keeps the router bundle: `dist/lambda/alert-router/index.js` (scripts/package.js copies it there). */
export function shippedRouterBundle(): string {
  // This code runs from src/alert-router (tests), dist/alert-router (tsc) or dist/ (the published
  // single-file bundle): the package root is the nearest folder holding a package.json.
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'lambda', 'alert-router', 'index.js');
}
