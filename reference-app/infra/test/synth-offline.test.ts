import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const main = path.join(__dirname, '../dist/main.js');

describe('npm run synth (the built app, a real process)', () => {
  // Always build (tsc -b is incremental, seconds when nothing changed): a stale dist/ would test old code.
  // The app runs @sre-kit/cdk's published form, dist/bundle.js, which its scripts/package.js writes after tsc.
  beforeAll(() => {
    execFileSync(process.execPath, [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-b',
      path.join(__dirname, '..'),
    ]);
    execFileSync(process.execPath, [path.join(ROOT, 'packages/cdk/scripts/package.js')]);
  }, 180_000);

  const synth = (args: string[], out = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-synth-'))) =>
    spawnSync(process.execPath, [main, ...args], {
      cwd: path.join(__dirname, '..'),
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), CDK_OUTDIR: out, AWS_EC2_METADATA_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 170_000,
    });

  it('refuses to synthesize without certificates, naming the context keys and the development flag', () => {
    const run = synth([]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /goodgreets:siteCertificateArn, goodgreets:albCertificateArn, goodgreets:albDomain missing.*goodgreets:insecureDevelopment=true/s,
    );
  }, 180_000);

  it('synthesizes every stack offline, without AWS credentials, into the output folder', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-synth-'));
    // What `npm run synth` runs.
    const run = synth(['--example-context'], out);
    expect(run.stderr).not.toMatch(/Error|ERROR/);
    expect(run.status).toBe(0);
    const templates = fs
      .readdirSync(out)
      .filter((f) => f.endsWith('.template.json'))
      .sort();
    expect(templates).toEqual(
      ['Api', 'Data', 'Edge', 'Network', 'Observability', 'Storage', 'Workers'].map(
        (s) => `GoodGreets-${s}.template.json`,
      ),
    );
  }, 180_000);
});
