/**
 * The "Done when" of the alarm-metadata contract, on the real artefact: a page built from the
 * synthesized `goodgreets-api-availability-page-1h` (name and description exactly as in the
 * template, no tags: notifications never carry them) is critical and reaches `page` through
 * `sre alerts preview` and `sre alerts replay --json`, with its SLO and runbook in the post.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alarmDefinitionFromTemplate, cloudWatchNotifications, type TemplateResource } from '@sre-kit/alert-router';
import { loadSpecFilesSync } from '@sre-kit/core';
import { buildProgram } from '../../../packages/cli/src/program';
import { FakeSlack } from '../../../packages/alert-router/test/helpers/fake-slack';
import { synthesize } from './synth';

const ROOT = join(__dirname, '..', '..', '..');
const STACK = 'GoodGreets-Observability';
const ALARM = 'goodgreets-api-availability-page-1h';
/** The runbook the spec gives the SLO: the post must carry that one, whatever the spec says today. */
const RUNBOOK = loadSpecFilesSync([join(ROOT, 'slos')]).slos.find((s) => s.name === 'api-availability')?.alerting
  .runbookUrl;

async function sre(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  let code = 0;
  try {
    await buildProgram()
      .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) })
      .parseAsync(['node', 'sre', ...args]);
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 99;
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  return { code, out: out.join(''), err: err.join('') };
}

describe('sre alerts on an event built from the synthesized GoodGreets page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-alerts-'));
  const files: Record<'sns' | 'eventBridge', string> = {
    sns: join(dir, 'sns.json'),
    eventBridge: join(dir, 'eb.json'),
  };
  let description = '';

  beforeAll(() => {
    const resources = synthesize().json[STACK].Resources as Record<string, TemplateResource>;
    const logicalId = Object.keys(resources).find((id) => resources[id].Properties?.AlarmName === ALARM);
    expect(logicalId).toBeDefined();
    const alarm = alarmDefinitionFromTemplate(resources, logicalId!, {
      region: 'eu-west-1',
      accountId: '123456789012',
      stackName: STACK,
    });
    description = alarm.AlarmDescription ?? '';
    const events = cloudWatchNotifications(alarm, {
      state: 'ALARM',
      time: new Date('2026-12-05T21:00:00Z'),
      region: 'eu-west-1',
      accountId: '123456789012',
      triggeringChildren: [
        { name: `${ALARM}-long`, state: 'ALARM' },
        { name: `${ALARM}-short`, state: 'ALARM' },
      ],
    });
    writeFileSync(files.sns, JSON.stringify(events.sns));
    writeFileSync(files.eventBridge, JSON.stringify(events.eventBridge));
  });

  it('uses the description exactly as synthesized, the contract line last', () => {
    expect(RUNBOOK).toMatch(/^https:\/\//);
    expect(description.split('\n').pop()).toMatch(/^sre-kit:\{"v":1,"severity":"critical","family":"slo"/);
  });

  it.each(['sns', 'eventBridge'] as const)(
    'preview (%s) shows a critical page with its SLO and runbook',
    async (kind) => {
      const r = await sre(['alerts', 'preview', files[kind], '--json']);
      expect(r.code).toBe(0);
      const post = JSON.parse(r.out) as { text: string; blocks: unknown[] };
      expect(post.text).toBe(`🔴 FIRING · CRITICAL · ${ALARM}`);
      const body = JSON.stringify(post.blocks);
      expect(body).toContain('SLO api-availability (objective 99.9%');
      expect(body).toContain('Tier page-1h');
      expect(body).toContain('|Runbook>');
      expect(body).toContain(RUNBOOK!);
      expect(body).toContain('Budget left over the');
    },
  );

  it('replay --json routes it to page and posts the SLO and runbook', async () => {
    const slack = new FakeSlack();
    const hook = await slack.start();
    try {
      const r = await sre([
        'alerts',
        'replay',
        files.sns,
        files.eventBridge,
        '--config',
        join(ROOT, 'alarms', 'routing.yaml'),
        '--slack-url',
        `${hook}/hook`,
        '--no-email',
        '--json',
      ]);
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as {
        files: { outcomes: { receiver?: string; alarmName?: string; status: string }[] }[];
        flushed: { receiver?: string; status: string }[];
      };
      const outcomes = [...result.files.flatMap((f) => f.outcomes), ...result.flushed];
      expect(new Set(outcomes.map((o) => o.receiver))).toEqual(new Set(['page']));
      expect(outcomes.filter((o) => o.status === 'delivered').length).toBeGreaterThan(0);
      const posts = slack.delivered().map((d) => JSON.stringify(d.body));
      expect(posts.length).toBeGreaterThan(0);
      for (const post of posts) {
        expect(post).toContain('CRITICAL');
        expect(post).toContain('api-availability');
        expect(post).toContain(RUNBOOK!);
      }
    } finally {
      await slack.stop();
    }
  });
});
