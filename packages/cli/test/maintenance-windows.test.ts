/**
 * Maintenance windows through the CLI: `sre review` on file data leaves a window's time out and says so;
 * `sre alerts replay --at` runs the GoodGreets routing on a chosen clock, so a firing inside the weekly
 * database window is muted and a tick after it delivers the alarm still firing; `sre render alertmanager`
 * says the windows stay with the router.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../alert-router/test/helpers/fake-slack';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(__dirname, '..', 'examples', 'review-data.csv');
const DAY = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z'];
const tmp = mkdtempSync(join(tmpdir(), 'sre-windows-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Review {
  slo: string;
  total: number;
  budget: { spent: number };
  tiers: { tier: string; severity: string; intervals: unknown[] }[];
  excluded?: { seconds: number; events: number; badEvents: number; openings: { window: string; reason: string }[] };
}

describe('sre review with a maintenance window', () => {
  // The committed example has a 25-minute 8 % error incident on api-availability at 14:00; this window says it was planned.
  const planned = join(__dirname, '..', 'examples', 'maintenance-window.yaml');
  const review = async (paths: string[], format: string) =>
    runSre(['review', ...paths, '--source', 'file', '--data', EXAMPLE, ...DAY, '--format', format]);

  it('leaves the window out of the SLO it covers, and only that SLO', async () => {
    const before = JSON.parse((await review([join(ROOT, 'slos')], 'json')).stdout).reviews as Review[];
    const run = await review([join(ROOT, 'slos'), planned], 'json');
    expect(run.code).toBe(0);
    const after = JSON.parse(run.stdout).reviews as Review[];
    const api = (rs: Review[]) => rs.find((r) => r.slo === 'api-availability')!;
    const pages = (r: Review) => r.tiers.filter((t) => t.severity === 'page').flatMap((t) => t.intervals);
    expect(pages(api(before)).length).toBeGreaterThan(0);
    expect(pages(api(after))).toEqual([]);
    expect(api(after).excluded).toMatchObject({
      seconds: 1800,
      openings: [{ window: 'lb-migration', reason: 'Move to the new load balancer (CHG-2041)' }],
    });
    // The six 5-minute buckets of the half hour, with the incident's bad events in them.
    expect(api(before).total - api(after).total).toBe(api(after).excluded!.events);
    expect(api(after).excluded!.badEvents).toBeGreaterThan(0);
    expect(api(after).budget.spent).toBeLessThan(api(before).budget.spent);
    for (const other of after.filter((r) => r.slo !== 'api-availability')) {
      expect(other.excluded).toBeUndefined();
      expect(other).toEqual(before.find((r) => r.slo === other.slo));
    }
  });

  it('the text report says how much time was left out and why', async () => {
    const { stdout } = await review([join(ROOT, 'slos'), planned], 'text');
    expect(stdout).toMatch(/note: maintenance windows left out 30m of the range \(\d+ events, \d+ bad\)/);
    expect(stdout).toMatch(/lb-migration\s+deployment\s+2026-11-01T14:00:00Z\s+30m\s+Move to the new load balancer/);
  });

  it('a window marked excludeFromReview: false (the GoodGreets database window) changes nothing', async () => {
    const plain = await review([join(ROOT, 'slos')], 'json');
    const withAlarms = await review([join(ROOT, 'slos'), join(ROOT, 'alarms')], 'json');
    expect(withAlarms.code).toBe(0);
    expect(JSON.parse(withAlarms.stdout)).toEqual(JSON.parse(plain.stdout));
  });
});

describe('sre alerts replay --at through the GoodGreets routing', () => {
  let slack: FakeSlack;
  let hook: string;
  beforeEach(async () => {
    slack = new FakeSlack();
    hook = `${await slack.start()}/hook`;
  });
  afterEach(() => slack.stop());

  // The README's example files: an RDS CPU alarm of GoodGreets (family rds) and the scheduled tick.
  const FIXTURES = join(ROOT, 'packages', 'alert-router', 'test', 'fixtures');
  const dbAlarm = join(FIXTURES, 'sns-rds-alarm.json');
  const tick = join(FIXTURES, 'scheduled-tick.json');
  const replay = (files: string[], at: string, state: string) =>
    runSre([
      'alerts',
      'replay',
      ...files,
      '--config',
      join(ROOT, 'alarms', 'routing.yaml'),
      '--slack-url',
      hook,
      '--no-email',
      '--json',
      '--at',
      at,
      '--state',
      state,
    ]);

  it('mutes the database alarm inside the Sunday window and pages when the window closes with it still firing', async () => {
    const state = join(tmp, 'state.json');
    // Sunday 6 December 2026, 03:10 in Berlin (UTC+1).
    const muted = await replay([dbAlarm], '2026-12-06T02:10:00Z', state);
    expect(muted.code).toBe(0);
    const outcomes = JSON.parse(muted.stdout).files[0].outcomes as { status: string; detail?: string }[];
    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'muted',
        detail: expect.stringContaining('maintenance window db-patching (maintenance: RDS minor-version patching'),
      }),
    ]);
    expect(slack.delivered()).toEqual([]);
    // The state file carries the muted alarm to the next run, as DynamoDB does between Lambda invocations.
    const after = await replay([tick], '2026-12-06T03:01:00Z', state);
    expect(JSON.parse(after.stdout).files[0].outcomes.map((o: { status: string }) => o.status)).toEqual(['reminded']);
    expect(slack.delivered().map((d) => d.body.text)).toEqual(['🟠 FIRING · WARNING · goodgreets-rds-database-cpu']);
    expect(readFileSync(state, 'utf8')).toContain('goodgreets-rds-database-cpu');
  });

  it('outside the window the same alarm is sent as usual', async () => {
    const run = await replay([dbAlarm], '2026-12-06T04:10:00Z', join(tmp, 'state-2.json'));
    const doc = JSON.parse(run.stdout);
    // routing.yaml waits 30 s per new group: held, then flushed at the end of the replay.
    expect(doc.files[0].outcomes.map((o: { status: string }) => o.status)).toEqual(['pending']);
    expect(doc.flushed.map((o: { status: string }) => o.status)).toEqual(['delivered']);
  });

  it('refuses an --at that is not a time', async () => {
    const run = await runSre([
      'alerts',
      'replay',
      tick,
      '--config',
      join(ROOT, 'alarms', 'routing.yaml'),
      '--at',
      'sunday',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("option '--at <time>' argument 'sunday' is invalid");
  });
});

describe('sre render alertmanager with maintenance windows', () => {
  it('says the windows stay with the alert router', async () => {
    const run = await runSre(['render', 'alertmanager', join(ROOT, 'alarms')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: maintenance windows (db-patching) are applied by the sre-kit alert router only',
    );
    expect(run.stdout).not.toContain('db-patching');
  });
});
