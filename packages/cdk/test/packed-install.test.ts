/**
 * @sre-kit/cdk as a user meets it: `npm pack` of this package alone, installed into an empty app with
 * nothing but the three peers, the README's quickstart compiled with `tsc` against the shipped
 * declarations and run as a CDK app. Catches what source-mapped tests cannot: a workspace package the
 * tarball needs but does not carry, a router dependency leaking into the app, a file missing from
 * `files`, a broken `main`/`types`, a README that no longer runs.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Install, compile and synth take about a minute on an idle 2-core machine; allow for a loaded one.
jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..', '..');
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-monitoring-constructs'];
/** What the router Lambda needs at run time, bundled into its asset: none of it may reach the app. */
const ROUTER_RUNTIME = /(^|\/)node_modules\/(@aws-sdk\/|@smithy\/|@slack\/webhook|@sre-kit\/(core|alert-router))/;

let dir: string;
let app: string;
let packed: { files: { path: string }[] };
let installed: string[];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** The fenced block right after `<!-- quickstart: NAME -->` in the README. */
function readmeBlock(readme: string, name: string): string {
  const marker = `<!-- quickstart: ${name} -->`;
  const block = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(
    readme,
  );
  if (!block) throw new Error(`the README has no fenced block after ${marker}`);
  return block[1];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sre-kit-fresh-app-'));
  const packs = join(dir, 'packs');
  mkdirSync(packs);
  // What `prepack` runs (tsc -b, then scripts/package.js), so the tarball is what the sources make
  // now; run first so that its output stays out of `npm pack --json`.
  run('npm', ['run', 'build', '-w', '@sre-kit/cdk'], ROOT);
  const pack = ['pack', '--json', '--ignore-scripts', '--loglevel=error', '-w', '@sre-kit/cdk'];
  const [result] = JSON.parse(run('npm', [...pack, '--pack-destination', packs], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  packed = result;
  app = join(dir, 'app');
  const dependencies: Record<string, string> = { '@sre-kit/cdk': `file:${join(packs, result.filename)}` };
  // The peers at the versions this repository is tested with, from the registry like a user's
  // (--prefer-offline: the npm cache answers when it has them).
  for (const p of PEERS)
    dependencies[p] = (
      JSON.parse(readFileSync(require.resolve(`${p}/package.json`), 'utf8')) as { version: string }
    ).version;
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, dependencies }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
  installed = run('npm', ['ls', '--all', '--parseable'], app)
    .split('\n')
    .filter(Boolean)
    .map((p) => p.slice(app.length).replace(/\\/g, '/'));

  // The quickstart exactly as the shipped README has it, and the larger example from the shipped files.
  const shipped = join(app, 'node_modules', '@sre-kit', 'cdk');
  const readme = readFileSync(join(shipped, 'README.md'), 'utf8');
  writeFileSync(join(app, 'app.ts'), readmeBlock(readme, 'app.ts'));
  writeFileSync(join(app, 'routing.yaml'), readmeBlock(readme, 'routing.yaml'));
  writeFileSync(join(app, 'slos.yaml'), readmeBlock(readme, 'slos.yaml'));
  // The larger example ships too: it must compile against the shipped declarations (example.test.ts
  // synthesizes it from source; running it here as well would double this suite's time).
  mkdirSync(join(app, 'shop'));
  for (const f of ['monitor-shop.ts', 'shop-resources.ts'])
    copyFileSync(join(shipped, 'examples', f), join(app, 'shop', f));
  // The compiler options of `cdk init app --language typescript` (CommonJS output here, as the app
  // has no "type": "module"); `types: []` because the app installs no @types/node.
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    strict: true,
    noImplicitReturns: true,
    skipLibCheck: true,
    types: [],
    outDir: 'out',
  };
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts', 'shop/*.ts'] }));
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], app);
  // As `cdk synth` runs it: CDK_OUTDIR set, so the App synthesizes on exit without calling synth().
  // aws-cdk-lib's CloudFormation schema check (most of the synth time) is off: example.test.ts runs it.
  const env = { ...process.env, CDK_OUTDIR: join(app, 'cdk.out'), CDK_VALIDATION: 'false' };
  run(process.execPath, [join(app, 'out', 'app.js')], app, env);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball carries the bundle, the declarations and the Lambda assets, and depends on nothing', () => {
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining([
      'dist/bundle.js',
      'dist/index.d.ts',
      'dist/core-types/index.d.ts',
      'dist/lambda/alert-router/index.js',
      'dist/lambda/slo-review/index.js',
      'examples/monitor-shop.ts',
      'README.md',
    ]),
  );
  // tsc's per-file JavaScript (which requires @sre-kit/core) stays out: only the bundle runs.
  expect(files.filter((f) => f.endsWith('.js') && !f.endsWith('.d.ts'))).toEqual([
    'dist/bundle.js',
    'dist/lambda/alert-router/index.js',
    'dist/lambda/slo-review/index.js',
  ]);
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules', '@sre-kit', 'cdk', 'package.json'), 'utf8'));
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(manifest.bundleDependencies).toBeUndefined();
});

test('installing it with the peers brings in no router runtime dependency', () => {
  expect(installed).toContain('/node_modules/@sre-kit/cdk');
  expect(installed).toContain('/node_modules/aws-cdk-lib');
  expect(installed.filter((p) => ROUTER_RUNTIME.test(p))).toEqual([]);
  expect(existsSync(join(app, 'node_modules', '@aws-sdk'))).toBe(false);
  expect(existsSync(join(app, 'node_modules', '@slack'))).toBe(false);
});

test('the README quickstart synthesizes: Lambda alarms, SLO burn-rate alarms, dashboards, the router and its asset', () => {
  const out = join(app, 'cdk.out');
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const [stackName] = Object.keys(manifest.artifacts).filter(
    (k) => manifest.artifacts[k].type === 'aws:cloudformation:stack',
  );
  const template = JSON.parse(readFileSync(join(out, manifest.artifacts[stackName].properties.templateFile), 'utf8'));
  const ofType = (type: string) => Object.values<any>(template.Resources).filter((r) => r.Type === type);
  const alarmNames = ofType('AWS::CloudWatch::Alarm').map((r) => r.Properties.AlarmName);
  const compositeNames = ofType('AWS::CloudWatch::CompositeAlarm').map((r) => r.Properties.AlarmName);
  expect(alarmNames).toEqual(expect.arrayContaining(['shop-api-lambda.errors', 'shop-api-lambda.duration']));
  expect(compositeNames).toEqual(
    expect.arrayContaining(['shop-api-availability-page-1h', 'shop-api-availability-ticket-3d']),
  );
  // Only dashboards with data: one Lambda has no security panels, the code SLO fills the SLO and
  // management dashboards.
  expect(
    ofType('AWS::CloudWatch::Dashboard')
      .map((r) => r.Properties.DashboardName)
      .sort(),
  ).toEqual(['shop-developer', 'shop-management', 'shop-slo']);

  // The router Lambda's code is a staged asset: the shipped bundle plus the routing as JSON.
  const router = ofType('AWS::Lambda::Function').find((r) =>
    String(r.Properties.Description).startsWith('sre-kit alert router'),
  );
  expect(router).toBeDefined();
  const assets = JSON.parse(readFileSync(join(out, `${stackName}.assets.json`), 'utf8')).files as Record<
    string,
    { source: { path: string } }
  >;
  /** The staged asset folder of a function, checked to hold the shipped bundle as its index.js. */
  const stagedFrom = (fn: any, lambda: string): string => {
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    expect(Object.keys(assets)).toContain(hash);
    const asset = join(out, assets[hash].source.path);
    const shippedBundle = join(app, 'node_modules', '@sre-kit', 'cdk', 'dist', 'lambda', lambda, 'index.js');
    // Buffer.equals: jest's deep equality walks a megabyte byte by byte.
    expect(readFileSync(join(asset, 'index.js')).equals(readFileSync(shippedBundle))).toBe(true);
    return asset;
  };
  const routing = JSON.parse(readFileSync(join(stagedFrom(router, 'alert-router'), 'routing.json'), 'utf8'));
  expect(routing.name).toBe('shop');

  // The weekly review: its Lambda staged the same way, with the SLOs of slos.yaml beside it, on its schedule.
  const review = ofType('AWS::Lambda::Function').find((r) =>
    String(r.Properties.Description).startsWith('sre-kit SLO review'),
  );
  expect(review).toBeDefined();
  const slos = JSON.parse(readFileSync(join(stagedFrom(review, 'slo-review'), 'slos.json'), 'utf8'));
  expect(slos.slos.map((s: { name: string }) => s.name)).toEqual(['api-errors']);
  expect(ofType('AWS::Scheduler::Schedule').map((r) => r.Properties.ScheduleExpression)).toEqual([
    'cron(0 9 ? * MON *)',
  ]);
});
