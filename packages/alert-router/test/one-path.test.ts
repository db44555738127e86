/**
 * Preview, replay and the Lambda handler classify the same payload identically: the labels the
 * route tree sees (severity, family, service, slo, free labels, ...) and the receivers it picks
 * are the same whichever entry point read the event.
 */
import { join } from 'node:path';
import { readInbound } from '../src/events/classify';
import { createHandler } from '../src/handler';
import { AlertRouter } from '../src/engine/router';
import type { Logger } from '../src/log';
import { replayFiles } from '../src/replay';
import { eventLabels } from '../src/routing/labels';
import { RouteTree } from '../src/routing/tree';
import { MemoryStore } from '../src/state/memory-store';
import { FakeSlack } from './helpers/fake-slack';
import { fixture, FIXTURES, receiver, route, routing } from './helpers/fixtures';

const FILES = [
  'sns-metric-alarm.json',
  'sns-metric-math-alarm.json',
  'sns-composite-alarm.json',
  'sns-anomaly-band-alarm.json',
  'eventbridge-alarm.json',
  'eventbridge-metric-math.json',
  'eventbridge-composite.json',
];

const config = routing(
  route({ receiver: 'team', routes: [route({ matchers: { severity: 'critical' }, receiver: 'page' })] }),
  [receiver('page'), receiver('team')],
);

/** The labels and receivers of every `routed` log line. */
function recorder(): { log: Logger; seen: Map<string, unknown> } {
  const seen = new Map<string, unknown>();
  return {
    seen,
    log: (_level, msg, fields) => {
      if (msg === 'routed') seen.set(String(fields?.eventId), { labels: fields?.labels, receivers: fields?.receivers });
    },
  };
}

describe('one classification path', () => {
  let slack: FakeSlack;
  let hook: string;
  beforeAll(async () => {
    slack = new FakeSlack();
    hook = `${await slack.start()}/hook`;
  });
  afterAll(() => slack.stop());

  it('preview, the Lambda handler and replay see the same labels and pick the same receivers', async () => {
    const tree = new RouteTree(config);
    const now = new Date();
    const preview = new Map<string, unknown>();
    for (const file of FILES) {
      const { events } = await readInbound(fixture(file));
      for (const e of events)
        preview.set(e.id, { labels: eventLabels(e), receivers: tree.match(e, now).map((m) => m.receiver.name) });
    }

    const lambda = recorder();
    const handler = createHandler({
      router: new AlertRouter({
        routing: config,
        store: new MemoryStore(),
        resolveWebhook: () => Promise.reject(new Error('unused')),
        slackUrlOverride: hook,
        paceMs: 0,
        log: lambda.log,
      }),
    });
    for (const file of FILES) await handler(fixture(file));

    const replay = recorder();
    await replayFiles(
      FILES.map((f) => join(FIXTURES, f)),
      { routing: config, slackUrl: hook, noEmail: true, paceMs: 0, log: replay.log },
    );

    expect(preview.size).toBe(FILES.length);
    expect(lambda.seen).toEqual(preview);
    expect(replay.seen).toEqual(preview);
    // The fixtures span both receivers, so agreeing is not agreeing on a default.
    const receivers = new Set([...preview.values()].flatMap((v) => (v as { receivers: string[] }).receivers));
    expect(receivers).toEqual(new Set(['page', 'team']));
  });
});
