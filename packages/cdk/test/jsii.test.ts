import { loadAssemblyFromPath } from '@jsii/spec';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkg = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  jsii: { targets: Record<string, unknown> };
};

function node(args: string[], timeout = 120_000) {
  const result = spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8', timeout });
  expect(result.error).toBeUndefined();
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`.replace(/^!!.*\n/gm, '') };
}

// jsii compiles the whole public API with its own checker (props must be structs, no unions or
// type aliases in signatures, ...). It takes 20-60 s on a loaded machine, so it gets its own timeout;
// it writes the same dist/ as `tsc -b` plus .jsii (git-ignored), which the tests below read.
test('the public API compiles with jsii', () => {
  const { status, output } = node([require.resolve('jsii/bin/jsii'), '--silence-warnings=reserved-word'], 240_000);
  expect(output.split('\n').filter((l) => / error JSII\d+/.test(l))).toEqual([]);
  expect(status).toBe(0);
}, 300_000);

describe('API.md', () => {
  // The check renders API.md from the .jsii just compiled with jsii-docgen and compares it with the
  // committed file; when it fails, its message names the command that regenerates it.
  test('is what jsii-docgen renders from the assembly', () => {
    const { status, output } = node(['scripts/api-docs.js', '--check']);
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
  }, 120_000);

  test('a stale copy fails the check with the command to run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sre-kit-api-md-'));
    try {
      const stale = join(dir, 'API.md');
      const current = readFileSync(join(pkg, 'API.md'), 'utf8');
      writeFileSync(stale, current.replace('### SreKit ', '### SreKitRenamed '));
      const { status, output } = node(['scripts/api-docs.js', '--check', stale]);
      expect(status).toBe(1);
      expect(output).toContain('API.md is out of date');
      expect(output).toContain('SreKitRenamed');
      expect(output).toContain('Run `npm run api-docs -w @sre-kit/cdk`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('jsii targets', () => {
  test('the assembly carries the module names a Python, Java and .NET user imports', () => {
    expect(loadAssemblyFromPath(pkg).targets).toEqual({
      js: { npm: '@sre-kit/cdk' },
      python: { distName: 'sre-kit.cdk', module: 'sre_kit.cdk' },
      java: { package: 'dev.srekit.cdk', maven: { groupId: 'dev.srekit', artifactId: 'cdk' } },
      dotnet: { namespace: 'SreKit.Cdk', packageId: 'SreKit.Cdk' },
    });
  });

  // A binding needs every jsii dependency in the same language: a target the peers do not publish
  // would make a package whose dependency cannot be found (Go: cdk-monitoring-constructs has no Go
  // module, so jsii-pacmak writes a go.mod requiring `cdkmonitoringconstructs/v10`). When a peer adds
  // Go, this names it and Go can be configured.
  test('every configured target is one every jsii peer publishes, and no target every peer publishes is missing', () => {
    const peerTargets = Object.keys(manifest.peerDependencies).map((peer) => {
      const dir = join(require.resolve(`${peer}/package.json`, { paths: [pkg] }), '..');
      return { peer, targets: Object.keys(loadAssemblyFromPath(dir, false, ['intersection-types']).targets ?? {}) };
    });
    const unsupported = Object.keys(manifest.jsii.targets).flatMap((target) =>
      peerTargets.filter((p) => !p.targets.includes(target)).map((p) => `${target} (not published by ${p.peer})`),
    );
    expect(unsupported).toEqual([]);
    const common = peerTargets[0].targets.filter((t) => peerTargets.every((p) => p.targets.includes(t)));
    expect(common.filter((t) => t !== 'js' && !(t in manifest.jsii.targets))).toEqual([]);
  });
});
