// Builds the jsii packages that can be built on this machine and generates the sources of the rest:
//   npm run pacmak -w @sre-kit/cdk
// - js: the npm tarball `npm publish` would upload (jsii-pacmak runs `npm pack`, so `prepack`: tsc -b,
//   jsii, scripts/package.js), checked to carry `.jsii` (Construct Hub reads it) and the bundle;
// - python, java, dotnet: sources only (`--code-only`), checked for the module names package.json
//   configures; python's are byte-compiled. Building the wheel needs pinned setuptools, build and
//   twine from PyPI (jsii-pacmak pip-installs them into a venv), which this machine cannot reach;
// Java needs the jsii runtime and aws-cdk-lib from Maven Central and .NET a dotnet SDK: neither is
// here, so those stay generated-only. Go is not configured (see the README's "Other languages").
// Output: dist-jsii/<target>/ (git-ignored).
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const pkgDir = join(__dirname, '..');
const outDir = join(pkgDir, 'dist-jsii');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const targets = pkg.jsii.targets;
const pacmak = require.resolve('jsii-pacmak/bin/jsii-pacmak', { paths: [pkgDir] });

function fail(message) {
  throw new Error(`@sre-kit/cdk pacmak: ${message}`);
}

function runPacmak(args) {
  const started = Date.now();
  // --no-npmignore: `files` in package.json decides what ships; pacmak would write an .npmignore.
  const result = spawnSync(process.execPath, [pacmak, '--no-npmignore', '--no-fingerprint', '-o', outDir, ...args], {
    cwd: pkgDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = `${result.stdout}${result.stderr}`.replace(/^!!.*\n/gm, '');
  if (result.status !== 0) fail(`jsii-pacmak ${args.join(' ')} failed:\n${output}`);
  return (Date.now() - started) / 1000;
}

function only(dir, pattern) {
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)) : [];
  if (found.length !== 1) fail(`expected one ${pattern} in ${dir}, found ${found.join(', ') || 'none'}`);
  return join(dir, found[0]);
}

function checkTarball() {
  const tgz = only(join(outDir, 'js'), /\.tgz$/);
  const listing = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
  for (const file of ['package/.jsii', 'package/dist/bundle.js', 'package/dist/index.d.ts']) {
    if (!listing.includes(file)) fail(`${tgz} does not contain ${file}`);
  }
  const assembly = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/.jsii'], { encoding: 'utf8' }));
  for (const target of Object.keys(targets)) {
    if (!assembly.targets?.[target]) fail(`the shipped .jsii does not configure the ${target} target`);
  }
  return `${tgz} (${listing.filter(Boolean).length} files, .jsii with ${Object.keys(assembly.types).length} types)`;
}

function checkSources() {
  const python = join(outDir, 'python', 'src', ...targets.python.module.split('.'), '__init__.py');
  if (!existsSync(python)) fail(`no python module ${targets.python.module} at ${python}`);
  const compiled = spawnSync('python3', ['-m', 'py_compile', python], { encoding: 'utf8' });
  if (compiled.error) console.warn(`python3 not found: ${python} generated, not byte-compiled`);
  else if (compiled.status !== 0) fail(`${python} does not compile:\n${compiled.stderr}`);
  const pom = readFileSync(join(outDir, 'java', 'pom.xml'), 'utf8');
  const { groupId, artifactId } = targets.java.maven;
  if (!pom.includes(`<groupId>${groupId}</groupId>`) || !pom.includes(`<artifactId>${artifactId}</artifactId>`)) {
    fail(`dist-jsii/java/pom.xml does not name ${groupId}:${artifactId}`);
  }
  const javaDir = join(outDir, 'java', 'src', 'main', 'java', ...targets.java.package.split('.'));
  if (!existsSync(javaDir)) fail(`no Java package ${targets.java.package} at ${javaDir}`);
  const csproj = join(outDir, 'dotnet', targets.dotnet.packageId, `${targets.dotnet.packageId}.csproj`);
  if (!existsSync(csproj)) fail(`no .NET project ${targets.dotnet.packageId} at ${csproj}`);
}

function main() {
  rmSync(outDir, { recursive: true, force: true });
  const jsSeconds = runPacmak(['--targets', 'js']);
  console.log(`js: ${checkTarball()} in ${jsSeconds.toFixed(1)} s`);
  const codeSeconds = runPacmak(['--code-only', '--targets', 'python', 'java', 'dotnet']);
  checkSources();
  console.log(
    `python ${targets.python.distName} (${targets.python.module}), java ${targets.java.maven.groupId}:` +
      `${targets.java.maven.artifactId} (${targets.java.package}), dotnet ${targets.dotnet.packageId}: ` +
      `sources generated in ${codeSeconds.toFixed(1)} s`,
  );
}

try {
  main();
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
}
