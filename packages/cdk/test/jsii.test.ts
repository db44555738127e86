import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// jsii compiles the whole public API with its own checker (props must be structs, no unions or
// type aliases in signatures, ...). It takes 20-60 s on a loaded machine, so it gets its own timeout;
// it writes the same dist/ as `tsc -b` plus .jsii (git-ignored).
test('the public API compiles with jsii', () => {
  const pkg = join(__dirname, '..');
  const result = spawnSync(process.execPath, [require.resolve('jsii/bin/jsii'), '--silence-warnings=reserved-word'], {
    cwd: pkg,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.error).toBeUndefined();
  expect(output.split('\n').filter((l) => / error JSII\d+/.test(l))).toEqual([]);
  expect(result.status).toBe(0);
}, 300_000);
