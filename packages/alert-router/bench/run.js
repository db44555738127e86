// `npm run bench`: bundles the TypeScript benchmark with esbuild (already a dev dependency for the
// Lambda bundle) and runs it, so no ts-node/tsx is needed.
const { buildSync } = require('esbuild');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

// Inside node_modules so the bundle still resolves esbuild (kept external) from the workspace.
const out = join(require.resolve('esbuild'), '..', '..', '..', '.cache', 'alert-router-bench', 'bench.js');
buildSync({
  entryPoints: [join(__dirname, 'bench.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  outfile: out,
  external: ['esbuild'],
  logLevel: 'warning',
});
execFileSync(process.execPath, [out, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: join(__dirname, '..'),
  env: { ...process.env, ALERT_ROUTER_FIXTURES: join(__dirname, '..', 'test', 'fixtures') },
});
