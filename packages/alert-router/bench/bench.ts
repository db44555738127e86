/**
 * Figures for the alert router: Lambda bundle size, handler time per
 * notification, and an alert storm against a local fake Slack that enforces
 * one message per second per hook with 429 + Retry-After.
 * Args: --quick shortens the storm (10 s instead of 60 s) for a smoke run.
 */
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { AlertRouting } from '@sre-kit/core';
import { AlertRouter } from '../src/engine/router';
import { tick } from '../src/engine/tick';
import { createHandler } from '../src/handler';
import { MemoryStore } from '../src/state/memory-store';
import { FakeSlack } from '../test/helpers/fake-slack';
import { fixtureMessage, receiver, route, routing, snsBatch } from '../test/helpers/fixtures';

const quick = process.argv.includes('--quick');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bundleSize(): Promise<void> {
  // The exact options `npm run build` uses for dist/lambda/index.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lambdaBuildOptions } = require(join(process.cwd(), 'scripts', 'bundle-lambda.js')) as {
    lambdaBuildOptions: (o: object) => Parameters<typeof build>[0];
  };
  for (const [label, external] of [
    ['as shipped (AWS SDK v3 bundled)', [] as string[]],
    ['without the AWS SDK (if the runtime one were used)', ['@aws-sdk/*']],
  ] as const) {
    const result = await build(lambdaBuildOptions({ write: false, external: [...external] }));
    const code = result.outputFiles![0].contents;
    console.log(`bundle, ${label}: ${kb(code.length)} minified, ${kb(gzipSync(code).length)} gzipped`);
  }
}

function alarmMessage(i: number, service: string) {
  const base = fixtureMessage('sns-metric-alarm.json');
  const name = `storm-${service}-${String(i).padStart(3, '0')}`;
  return {
    ...base,
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
    AlarmDescription: `Storm alarm ${i}.\nsre-kit:{"severity":"critical","service":"${service}"}`,
  };
}

function countAlarms(text: string | undefined): number {
  const m = /^(\d+) alarms/.exec(text ?? '');
  return m ? Number(m[1]) : 1;
}

async function handlerTime(slack: FakeSlack, base: string): Promise<void> {
  const router = new AlertRouter({
    routing: routing(route({ receiver: 'r' }), [receiver('r')]),
    store: new MemoryStore(),
    resolveWebhook: async () => `${base}/fast`,
    paceMs: 0,
  });
  const handler = createHandler({ router });
  const n = quick ? 100 : 500;
  const times: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const t = process.hrtime.bigint();
    await handler(snsBatch([{ id: `t-${i}`, message: alarmMessage(i, 'timing') }]));
    if (i >= 20) times.push(Number(process.hrtime.bigint() - t) / 1e6); // first 20 warm up
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `handler time per notification (parse, route, render, idempotency, HTTP POST to 127.0.0.1), n=${n}: ` +
      `mean ${mean.toFixed(2)} ms, p50 ${times[Math.floor(n / 2)].toFixed(2)} ms, p99 ${times[Math.floor(n * 0.99)].toFixed(2)} ms`,
  );
  if (slack.delivered('/fast').length !== n + 20) throw new Error('timing run lost messages');
}

/**
 * 300 notifications over one minute from 3 services, each a separate invocation
 * (as SNS invokes Lambda), with the recommended grouping; a tick every 10 s.
 */
async function stormGrouped(slack: FakeSlack, base: string): Promise<void> {
  const total = 300;
  const windowMs = quick ? 10_000 : 60_000;
  const config: AlertRouting = routing(
    route({ receiver: 'oncall', groupBy: ['service'], groupWaitSeconds: 10, groupIntervalSeconds: 60 }),
    [receiver('oncall')],
  );
  const router = new AlertRouter({
    routing: config,
    store: new MemoryStore(),
    resolveWebhook: async () => `${base}/storm`,
  });
  const handler = createHandler({ router });
  const services = ['api', 'thumbnailer', 'delivery'];
  const started = Date.now();
  const outcomes: Array<{ status: string; eventId: string }> = [];
  let lastArrival = 0;
  const invocations: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = started + (i * windowMs) / total;
    await sleep(at - Date.now());
    lastArrival = Date.now();
    invocations.push(
      handler(snsBatch([{ id: `s-${i}`, message: alarmMessage(i, services[i % 3]) }])).then(
        (s) => void outcomes.push(...s.outcomes),
      ),
    );
    if (i % 50 === 0)
      invocations.push(tick(router, Date.now() + 60_000).then((r) => void outcomes.push(...r.outcomes)));
  }
  await Promise.all(invocations);
  // The scheduled tick keeps running until nothing is held (every 10 s, compressed from the 1-minute rule).
  for (;;) {
    const held = (await router.store.list<{ pending: Record<string, unknown> }>('group')).some(
      (g) => Object.keys(g.record.value.pending).length > 0,
    );
    if (!held) break;
    await sleep(quick ? 2000 : 10_000);
    outcomes.push(...(await tick(router, Date.now() + 60_000)).outcomes);
  }
  const done = Date.now();
  const delivered = new Set(outcomes.filter((o) => o.status === 'delivered').map((o) => o.eventId));
  const msgs = slack.delivered('/storm');
  const alarmsInSlack = msgs.reduce((n, m) => n + countAlarms(m.body.text), 0);
  console.log(
    `storm, grouped by service (groupWait 10 s, groupInterval 60 s): ${total} notifications in ${windowMs / 1000} s -> ` +
      `${msgs.length} Slack messages carrying ${alarmsInSlack} alarms, ${slack.received.filter((r) => r.path === '/storm' && r.status === 429).length} x 429, ` +
      `all delivered ${((done - started) / 1000).toFixed(1)} s after the first arrival (${((done - lastArrival) / 1000).toFixed(1)} s after the last), ` +
      `lost ${total - delivered.size}, duplicated ${alarmsInSlack - delivered.size}`,
  );
}

/** No grouping, 3 concurrent "containers" (own pacers, shared store): Slack's 1 msg/s limit is the bottleneck. */
async function stormUngrouped(slack: FakeSlack, base: string): Promise<void> {
  const total = quick ? 10 : 30;
  const config = routing(route({ receiver: 'oncall' }), [receiver('oncall')]);
  const store = new MemoryStore();
  const containers = [0, 1, 2].map(() =>
    createHandler({ router: new AlertRouter({ routing: config, store, resolveWebhook: async () => `${base}/burst` }) }),
  );
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      containers[i % 3](snsBatch([{ id: `b-${i}`, message: alarmMessage(i, 'burst') }]), {
        getRemainingTimeInMillis: () => 900_000,
      }).then(
        (s) => s.outcomes.filter((o) => o.status === 'delivered').length,
        () => 0,
      ),
    ),
  );
  const elapsed = (Date.now() - started) / 1000;
  const delivered = results.reduce((a, b) => a + b, 0);
  const msgs = slack.delivered('/burst');
  console.log(
    `burst, no grouping, 3 concurrent containers: ${total} notifications -> ${msgs.length} messages in ${elapsed.toFixed(1)} s ` +
      `(${(msgs.length / elapsed).toFixed(2)} msg/s), ${slack.received.filter((r) => r.path === '/burst' && r.status === 429).length} x 429 honoured, ` +
      `lost ${total - delivered}, duplicated ${msgs.length - new Set(msgs.map((m) => m.body.text)).size}`,
  );
}

async function main(): Promise<void> {
  await bundleSize();
  const slack = new FakeSlack();
  const base = await slack.start();
  try {
    await handlerTime(slack, base);
    slack.rateLimitMs = 1000;
    slack.retryAfterSeconds = 1;
    await stormUngrouped(slack, base);
    await stormGrouped(slack, base);
  } finally {
    await slack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
