/**
 * The quickstart as a user meets it: the packages as npm publishes them (`npm pack`), installed
 * into an empty CDK app next to the peers a user picks, compiled with `tsc` against the shipped
 * type declarations, then synthesized. Catches what source-mapped tests cannot: a file missing
 * from `files`, a broken `main`/`types`, a dependency only the workspace provides, a Lambda bundle
 * that is not shipped.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { monitorShop } from '../examples/quickstart';
import { shopResources } from '../examples/shop-resources';

jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..', '..');
const PACKAGES = ['@sre-kit/core', '@sre-kit/alert-router', '@sre-kit/cdk'];
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-monitoring-constructs'];

let dir: string;
let counts: Record<string, number>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sre-kit-fresh-app-'));
  const packs = join(dir, 'packs');
  const run = (cmd: string, args: string[], cwd: string) => {
    try {
      return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  };
  mkdirSync(packs);
  run('npm', ['pack', '--silent', ...PACKAGES.flatMap((p) => ['-w', p]), '--pack-destination', packs], ROOT);
  const tarballs = readdirSync(packs);
  const app = join(dir, 'app');
  const dependencies: Record<string, string> = {};
  for (const p of PACKAGES) {
    const file = tarballs.find((t) => t.startsWith(p.replace('@', '').replace('/', '-') + '-'));
    if (!file) throw new Error(`npm pack made no tarball for ${p}: ${tarballs.join(', ')}`);
    dependencies[p] = `file:${join(packs, file)}`;
  }
  // The peers at the versions this repository is tested with, from the registry like a user's.
  for (const p of PEERS)
    dependencies[p] = (
      JSON.parse(readFileSync(require.resolve(`${p}/package.json`), 'utf8')) as { version: string }
    ).version;
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, dependencies }));
  for (const f of ['quickstart.ts', 'shop-resources.ts'])
    copyFileSync(join(__dirname, '..', 'examples', f), join(app, f));
  writeFileSync(
    join(app, 'app.ts'),
    [
      "import { App, Stack } from 'aws-cdk-lib';",
      "import { monitorShop } from './quickstart';",
      "import { shopResources } from './shop-resources';",
      "const app = new App({ outdir: 'cdk.out' });",
      "const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'us-east-1' } });",
      'monitorShop(stack, shopResources(stack));',
      "const template = app.synth().getStackByName('Shop').template as { Resources: Record<string, { Type: string }> };",
      'const counts: Record<string, number> = {};',
      'for (const r of Object.values(template.Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;',
      'console.log(JSON.stringify(counts));',
    ].join('\n'),
  );
  // skipLibCheck: aws-cdk-lib's own declarations want newer libs than ES2022; app.ts is still
  // checked against ours.
  const compilerOptions = {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'node16',
    strict: true,
    outDir: 'out',
    skipLibCheck: true,
  };
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], app);
  counts = JSON.parse(run(process.execPath, [join(app, 'out', 'app.js')], app)) as Record<string, number>;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the published packages install into a fresh app and the quickstart synthesizes there as from source', () => {
  const fromSource = new App();
  const stack = new Stack(fromSource, 'Shop', { env: { account: '111111111111', region: 'us-east-1' } });
  monitorShop(stack, shopResources(stack));
  const expected: Record<string, number> = {};
  for (const r of Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>))
    expected[r.Type] = (expected[r.Type] ?? 0) + 1;
  expect(counts).toEqual(expected);
  // And that is the whole kit at work, not an empty stack: families, SLO tiers, dashboards, topics.
  expect(counts['AWS::CloudWatch::Alarm']).toBeGreaterThanOrEqual(30);
  expect(counts['AWS::CloudWatch::CompositeAlarm']).toBeGreaterThanOrEqual(4);
  expect(counts['AWS::CloudWatch::Dashboard']).toBeGreaterThanOrEqual(3);
});
