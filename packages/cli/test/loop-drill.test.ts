/**
 * The whole loop on the real engines (Debian's prometheus and prometheus-alertmanager; .ci/run
 * installs them): `sre loop drill` brings GoodGreets, Prometheus, Alertmanager and the Slack
 * stand-in up, injects a full API outage, and must see the page fire and reach Slack in time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFiles } from '@sre-kit/core';
import { promtool } from '../../core/test/prometheus/promtool';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');

function sre(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the local SRE loop', () => {
  const data = mkdtempSync(join(tmpdir(), 'sre-loop-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it("keeps the loop SLO's objective and service those of slos/ (only the period is the drill profile)", async () => {
    const [loop, real] = await Promise.all([
      loadSpecFiles([join(ROOT, 'reference-app', 'loop', 'drill-slos.yaml')]),
      loadSpecFiles([join(ROOT, 'slos')]),
    ]);
    for (const slo of loop.slos) {
      const twin = real.slos.find((s) => s.name === slo.name && s.service === slo.service);
      expect(twin).toBeDefined();
      expect(slo.objective).toBe(twin!.objective);
      expect(slo.labels).toEqual(twin!.labels);
    }
  });

  it('renders rules promtool accepts, though the ticket window equals the 6h period (no duplicate rule)', async () => {
    const out = join(data, 'rules');
    const run = await runSre([
      'render',
      'prometheus',
      '--out',
      out,
      join(ROOT, 'reference-app', 'loop', 'drill-slos.yaml'),
    ]);
    expect(run.code).toBe(0);
    const file = join(out, 'drill-slos.rules.yml');
    expect(promtool(['check', 'rules', file])).toContain('SUCCESS');
    const records = (readFileSync(file, 'utf8').match(/record: slo:sli_error:ratio_rate6h/g) ?? []).length;
    // One 6h ratio rule per SLO: the ticket tier's, not a second one for the period.
    const { slos } = await loadSpecFiles([join(ROOT, 'reference-app', 'loop', 'drill-slos.yaml')]);
    expect(records).toBe(slos.length);
  });

  it('names the Debian package when an engine is missing', async () => {
    const run = await sre(['loop', 'up', '--data-dir', join(data, 'missing')], {
      ALERTMANAGER_BIN: join(data, 'no-such-alertmanager'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('apt-get install prometheus-alertmanager');
  });

  it(
    'pages within 180 s of a full outage, reaches Slack within 240 s, and resolves after recovery',
    async () => {
      const run = await sre(['loop', 'drill', '--data-dir', join(data, 'drill')]);
      const lines = run.stdout.trim().split('\n');
      const result = JSON.parse(lines[lines.length - 1]) as {
        pageFiredAfterSeconds: number;
        slackPostAfterSeconds: number;
        resolvedAfterSeconds: number | null;
        expectedDetectionSeconds: number;
        engines: { prometheus: string; alertmanager: string };
      };
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.pageFiredAfterSeconds).toBeLessThanOrEqual(180);
      expect(result.slackPostAfterSeconds).toBeLessThanOrEqual(240);
      expect(result.slackPostAfterSeconds).toBeGreaterThanOrEqual(result.pageFiredAfterSeconds);
      expect(result.resolvedAfterSeconds).not.toBeNull();
      expect(result.engines.prometheus).toMatch(/^\d+\.\d+/);
      expect(result.engines.alertmanager).toMatch(/^\d+\.\d+/);
      // The review from Prometheus over the drill: the outage spent budget and the page tier fired.
      const summary = /goodgreets\/api-availability +99\.900 % +([\d.]+) % +([\d.]+) % .* (\d+) +\d+ +\w+\n/.exec(
        run.stdout,
      );
      expect(summary).not.toBeNull();
      expect(Number(summary![2])).toBeGreaterThan(0);
      expect(Number(summary![3])).toBeGreaterThanOrEqual(1);
      // What reached the stand-in is Alertmanager's own Slack payload, kept for the screenshot.
      const posts = JSON.parse(readFileSync(join(data, 'drill', 'slack-posts.json'), 'utf8')) as {
        path: string;
        payload: { text?: string; blocks?: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
      }[];
      expect(JSON.stringify(posts)).toContain('[FIRING:1] GoodgreetsApiAvailabilityBurnRate');
      // Then the SLO review digest from the drill's Prometheus data, on the team channel's webhook: it names
      // the SLO and carries the review's own figures (the attainment of the text review above, pages fired).
      const digests = posts.filter((p) => p.payload.blocks?.[0]?.text?.text.startsWith('SLO review '));
      expect(digests.map((p) => p.path)).toEqual(['/goodgreets/slack/team']);
      const section = digests[0].payload.blocks!.find((b) => b.text?.text.includes('*goodgreets/api-availability*'));
      expect(section).toBeDefined();
      const fields = section!.fields!.map((f) => f.text);
      expect(fields).toContain(`*Attainment*\n${summary![1]} % (objective 99.900 %)`);
      expect(fields.find((f) => f.startsWith('*Budget left (6h)*'))).toMatch(/^\*Budget left \(6h\)\*\n-?[\d.]+ %/);
      const pages = /^\*Pages \/ tickets\*\n(\d+) \/ \d+$/.exec(fields.find((f) => f.startsWith('*Pages'))!);
      expect(Number(pages![1])).toBe(Number(summary![3]));
      expect(fields.find((f) => f.startsWith('*Top incident*'))).toMatch(/: [\d.]+ % of the budget$/);
    },
    20 * 60_000,
  );
});
