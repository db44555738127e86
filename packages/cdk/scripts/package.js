// Makes @sre-kit/cdk installable on its own (run by `npm run build` after `tsc -b`, and by `prepack`).
// A user installs the tarball and the three peers, nothing else, so what the package needs at run
// time is inside it:
//   dist/bundle.js                    `main`: the constructs with @sre-kit/core (and the router's
//                                     routing validation) compiled in; only the peers stay external
//   dist/**/*.d.ts                    `types`: tsc's declarations, '@sre-kit/core' pointed at
//   dist/core-types/**/*.d.ts         core's own declarations, shipped beside them
//   dist/lambda/alert-router/index.js the router Lambda (esbuild, AWS SDK inside) the AlertRouter
//                                     construct stages as its asset: a file, never a dependency
//   dist/lambda/slo-review/index.js   the scheduled review Lambda SloReviewSchedule stages, the same way
// Each step checks what it wrote, so a new import cannot quietly ship a dependency again.
const { build } = require('esbuild');
const { builtinModules } = require('node:module');
const { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');

const pkgDir = join(__dirname, '..');
const packages = join(pkgDir, '..');
const dist = join(pkgDir, 'dist');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const peers = Object.keys(pkg.peerDependencies);
const CORE_TYPES = 'core-types';

/** A bare import the package may leave to the user's app: a peer (or a subpath of one) or a Node builtin. */
function provided(specifier) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  return peers.includes(name) || specifier.startsWith('node:') || builtinModules.includes(specifier);
}

function fail(message) {
  throw new Error(`@sre-kit/cdk packaging: ${message}`);
}

async function bundleConstructs() {
  const result = await build({
    entryPoints: [join(pkgDir, 'src', 'index.ts')],
    outfile: join(dist, 'bundle.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Error messages and cdk-nag findings name classes; esbuild would rename clashing ones.
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    external: peers.flatMap((p) => [p, `${p}/*`]),
    alias: {
      '@sre-kit/core': join(packages, 'core', 'src', 'index.ts'),
      // The constructs use only RouteTree (the routing validation `sre validate` runs). The router's
      // index also exports its handler, whose AWS SDK clients would come along.
      '@sre-kit/alert-router': join(packages, 'alert-router', 'src', 'routing', 'tree.ts'),
    },
  });
  const [output] = Object.values(result.metafile.outputs);
  const leaked = output.imports.filter((i) => i.external && !provided(i.path)).map((i) => i.path);
  if (leaked.length) fail(`dist/bundle.js requires ${leaked.join(', ')}, which a user's app does not have`);
  const runtimeOnly = Object.keys(result.metafile.inputs).filter((i) =>
    /node_modules\/(@aws-sdk|@smithy|@slack)\//.test(i),
  );
  if (runtimeOnly.length) fail(`dist/bundle.js took in router runtime code: ${runtimeOnly.slice(0, 3).join(', ')}`);
  return output.bytes;
}

/** One of the router package's Lambdas into dist/lambda/<folder>/index.js; its size in bytes. */
async function bundleLambda(lambda, folder) {
  const { lambdaBuildOptions } = require(join(packages, 'alert-router', 'scripts', 'bundle-lambda.js'));
  const outfile = join(dist, 'lambda', folder, 'index.js');
  const result = await build(lambdaBuildOptions({ outfile, metafile: true }, lambda));
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
}

function declarationFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Points the declarations at a shipped copy of core's, since '@sre-kit/core' is not installed with the package. */
function shipDeclarations() {
  const coreDist = join(packages, 'core', 'dist');
  const target = join(dist, CORE_TYPES);
  rmSync(target, { recursive: true, force: true });
  for (const file of declarationFiles(coreDist)) {
    const to = join(target, relative(coreDist, file));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(file, to);
  }
  const specifier = /(['"])@sre-kit\/core\1/g;
  const bare = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])([^.'"][^'"]*)\1/g;
  for (const file of declarationFiles(dist).filter((f) => !f.startsWith(target + sep))) {
    const text = readFileSync(file, 'utf8');
    const core = relative(dirname(file), join(target, 'index.js')).split(sep).join('/');
    const rewritten = text.replace(specifier, `$1${core.startsWith('.') ? core : `./${core}`}$1`);
    if (rewritten !== text) writeFileSync(file, rewritten);
    const unresolved = [...rewritten.matchAll(bare)].map((m) => m[2]).filter((s) => !provided(s));
    if (unresolved.length) fail(`${relative(pkgDir, file)} imports ${unresolved.join(', ')}, which is not shipped`);
  }
}

async function main() {
  const constructs = await bundleConstructs();
  const router = await bundleLambda('router', 'alert-router');
  const review = await bundleLambda('slo-review', 'slo-review');
  shipDeclarations();
  console.log(
    `@sre-kit/cdk: dist/bundle.js ${(constructs / 1024).toFixed(1)} KiB, ` +
      `dist/lambda/alert-router/index.js ${(router / 1024).toFixed(1)} KiB, ` +
      `dist/lambda/slo-review/index.js ${(review / 1024).toFixed(1)} KiB, declarations with core's`,
  );
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
