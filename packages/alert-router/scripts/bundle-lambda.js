// Bundles the Lambda handler into dist/lambda/index.js (run by `npm run build`). The AlertRouter
// construct in @sre-kit/cdk ships this file plus a routing.json as its asset: no Docker, no
// esbuild at deploy time. @sre-kit/core is bundled from its TypeScript sources so unused parts
// (the YAML spec loader) are tree-shaken away; the AWS SDK v3 is bundled too, pinning the
// versions the tests ran against instead of whatever the Lambda runtime ships.
const { build } = require('esbuild');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** esbuild options shared with the benchmark so the figure it prints is the shipped file. */
function lambdaBuildOptions(overrides = {}) {
  return {
    entryPoints: [join(root, 'src', 'handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    legalComments: 'none',
    alias: { '@sre-kit/core': join(root, '..', 'core', 'src', 'index.ts') },
    plugins: [
      {
        // yaml is only reached through core's spec loader, which the handler never calls.
        name: 'side-effect-free-yaml',
        setup(build) {
          build.onResolve({ filter: /^yaml$/ }, (args) => ({
            path: require.resolve('yaml', { paths: [args.resolveDir] }),
            sideEffects: false,
          }));
        },
      },
    ],
    ...overrides,
  };
}

module.exports = { lambdaBuildOptions };

if (require.main === module) {
  build(lambdaBuildOptions({ outfile: join(root, 'dist', 'lambda', 'index.js'), metafile: true })).then(
    (result) => {
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
      console.log(`alert-router: dist/lambda/index.js ${(bytes / 1024).toFixed(1)} KiB`);
    },
    () => {
      process.exitCode = 1;
    },
  );
}
