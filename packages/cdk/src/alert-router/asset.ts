import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AlertRouting } from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { inputError } from '../errors';

/**
 * The pre-bundled router (built by `npm run build` in @sre-kit/alert-router
 * with esbuild) plus the routing as JSON, staged in a fresh folder for
 * `Code.fromAsset`. Synth needs neither Docker nor esbuild, and the asset hash
 * changes exactly when the code or the routing changes.
 */
export function stageRouterAsset(scope: IConstruct, routing: AlertRouting, bundlePath?: string): string {
  const bundle = bundlePath ?? defaultBundlePath();
  if (!existsSync(bundle)) {
    inputError(
      scope,
      'the alert router bundle is missing',
      bundle,
      'run `npm run build` in packages/alert-router (it writes dist/lambda/index.js), or pass handlerBundle',
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

function defaultBundlePath(): string {
  return join(dirname(require.resolve('@sre-kit/alert-router/package.json')), 'dist', 'lambda', 'index.js');
}
