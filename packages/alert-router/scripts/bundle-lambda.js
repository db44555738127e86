// Bundles the Lambda handlers (run by `npm run build`): the router into dist/lambda/index.js, the
// scheduled SLO review into dist/lambda/slo-review/index.js. The AlertRouter and SloReviewSchedule
// constructs in @sre-kit/cdk ship these files plus a routing.json / slos.json as their assets: no Docker, no
// esbuild at deploy time. @sre-kit/core is bundled from its TypeScript sources so unused parts
// (the YAML spec loader) are tree-shaken away; the AWS SDK v3 is bundled too, pinning the
// versions the tests ran against instead of whatever the Lambda runtime ships.
const { build } = require('esbuild');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** Each Lambda's entry point, and where this package's build writes it. */
const LAMBDAS = {
  router: { entry: join('src', 'handler.ts'), out: join('dist', 'lambda', 'index.js') },
  'slo-review': { entry: join('src', 'review', 'handler.ts'), out: join('dist', 'lambda', 'slo-review', 'index.js') },
};

/** esbuild options shared with the benchmark and @sre-kit/cdk's packaging, so what they measure is what ships. */
function lambdaBuildOptions(overrides = {}, lambda = 'router') {
  return {
    entryPoints: [join(root, LAMBDAS[lambda].entry)],
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

module.exports = { lambdaBuildOptions, LAMBDAS };

if (require.main === module) {
  for (const [name, { out }] of Object.entries(LAMBDAS)) {
    build(lambdaBuildOptions({ outfile: join(root, out), metafile: true }, name)).then(
      (result) => {
        const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
        console.log(`alert-router: ${out} ${(bytes / 1024).toFixed(1)} KiB`);
      },
      () => {
        process.exitCode = 1;
      },
    );
  }
}
