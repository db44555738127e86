import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DeliveryScheduler, Mailer } from '../src/domain/ports';
// The contract the infra declares on the publishing resources (what `sre verify` checks alarms against).
import {
  API_AGENT_DIMENSIONS,
  API_AGENT_SELECTORS,
  LAMBDA_METRICS,
  METRICS_NAMESPACE,
} from '../../infra/src/published-metrics';
import { EMF_DIMENSIONS, EMF_METRICS, EMF_NAMESPACE, EmfMetrics } from '../src/emf';
import { createDeliveryHandler } from '../src/lambda/delivery';
import { createThumbnailHandler } from '../src/lambda/thumbnailer';
import { Metrics } from '../src/metrics';
import type { RunningApp } from '../src/server';
import { orientedJpeg, plainJpeg } from './fixtures';
import {
  TestClock,
  createTestDb,
  form,
  http,
  newCard,
  parseExposition,
  type Sample,
  solveCaptcha,
  startTestApp,
  waitFor,
  seedUploadedOriginal,
} from './helpers';

jest.setTimeout(60_000);

const REPO = join(__dirname, '../../..');
const DAY = 24 * 3600 * 1000;

/**
 * What the CloudWatch agent beside the API forwards (reference-app/infra/src/stacks/api.ts):
 * families matching ^goodgreets_, with one of these dimension sets, Environment from the scrape target.
 */
const AGENT_SELECTOR = new RegExp(API_AGENT_SELECTORS.join('|'));
const AGENT_DIMENSION_SETS = API_AGENT_DIMENSIONS;

interface CloudWatchRef {
  file: string;
  metricName: string;
  dimensions: Record<string, string>;
  unit?: string;
}

/** Every CloudWatch metric in namespace GoodGreets and every Prometheus query the spec files read. */
function specReferences(): { cloudwatch: CloudWatchRef[]; promql: Array<{ file: string; query: string }> } {
  const files = [
    ...readdirSync(join(REPO, 'slos')).map((f) => join('slos', f)),
    ...readdirSync(join(REPO, 'alarms')).map((f) => join('alarms', f)),
  ].filter((f) => /\.ya?ml$/.test(f));
  const cloudwatch: CloudWatchRef[] = [];
  const promql: Array<{ file: string; query: string }> = [];
  const walk = (file: string, node: unknown): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(file, n));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.namespace === 'GoodGreets' && typeof o.metricName === 'string') {
      cloudwatch.push({
        file,
        metricName: o.metricName,
        dimensions: (o.dimensions ?? {}) as Record<string, string>,
        unit: o.unit as string | undefined,
      });
    }
    if (typeof o.prometheus === 'string') promql.push({ file, query: o.prometheus });
    Object.values(o).forEach((v) => walk(file, v));
  };
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(REPO, file), 'utf8'))) walk(file, doc.toJS());
  }
  return { cloudwatch, promql };
}

/** Metric selectors of a PromQL expression (name followed by {labels} or [range]) and the label names it uses. */
function promqlUses(query: string): { metrics: string[]; labels: string[] } {
  const metrics = [...query.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[])/g)].map((m) => m[1] as string);
  const labels = [
    ...[...query.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => (m[1] as string).split(',').map((s) => s.trim())),
    ...[...query.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
      [...(m[1] as string).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] as string),
    ),
  ];
  return { metrics, labels: labels.filter((l) => l && l !== 'le') };
}

const noSchedules: DeliveryScheduler = { schedule: async () => {}, reschedule: async () => {}, cancel: async () => {} };

describe('metrics contract with slos/ and alarms/', () => {
  const refs = specReferences();
  let scrape: Sample[];
  let emf: Array<Record<string, unknown>>;

  /** The API as deployed: business events through its real routes, then one scrape of /metrics. */
  async function scrapeApi(): Promise<void> {
    const db = await createTestDb('sqlite');
    const clock = new TestClock();
    const app = await startTestApp(db, {}, { clock });
    try {
      const card = (
        await http<{ id: string; shareToken: string }>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() })
      ).body;
      await http(app.url, `/api/v1/shared/${card.shareToken}/messages`, {
        method: 'POST',
        json: { name: 'Ann', message: 'Happy birthday' },
      });
      const upload = (captcha: string | undefined) =>
        plainJpeg().then((file) =>
          fetch(`${app.url}/api/v1/designs`, { method: 'POST', body: form(file, { category: 'Wedding', captcha }) }),
        );
      const solved = await solveCaptcha(app.url);
      expect((await upload(solved)).status).toBe(202);
      expect((await upload(solved)).status).toBe(403); // replayed
      expect((await upload(undefined)).status).toBe(400); // missing
      expect((await upload(Buffer.from('{"number":1}').toString('base64'))).status).toBe(403); // invalid
      // The send time passes; the local scheduler delivers.
      clock.offset = 8 * DAY;
      await waitFor(() => sentYet(app, card.id), 15_000);
      await waitFor(
        async () =>
          (await app.ctx.database.db.selectFrom('designs').where('status', '=', 'processing').selectAll().execute())
            .length === 0 || undefined,
      );
      scrape = parseExposition((await http(app.url, '/metrics')).text);
    } finally {
      await app.stop();
      await db.drop();
    }
  }

  async function sentYet(app: RunningApp, id: string): Promise<true | undefined> {
    const row = await app.ctx.database.db.selectFrom('cards').select('status').where('id', '=', id).executeTakeFirst();
    return row?.status === 'sent' ? true : undefined;
  }

  /** The Lambdas' emitters: the real handlers on a context wired like the Lambda's, stdout captured. */
  async function runLambdas(): Promise<void> {
    emf = [];
    const db = await createTestDb('sqlite');
    const clock = new TestClock();
    const metrics = new EmfMetrics('production', clock, (line) =>
      emf.push(JSON.parse(line) as Record<string, unknown>),
    );
    let failing = false;
    const mailer: Mailer = {
      send: async () => {
        if (failing) throw new Error('SES: Throttling');
        return { messageId: 'ses-1' };
      },
    };
    const app = await startTestApp(db, {}, { clock, metrics, mailer, scheduler: noSchedules });
    try {
      await app.thumbnails.close();
      const create = async () =>
        (await http<{ id: string }>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() })).body.id;
      const [ok, broken] = [await create(), await create()];
      const sendAtUtc = (
        await app.ctx.database.db
          .selectFrom('cards')
          .select('send_at_utc')
          .where('id', '=', ok)
          .executeTakeFirstOrThrow()
      ).send_at_utc;
      clock.offset = Number(sendAtUtc) + 90_000 - Date.now();
      const deliver = createDeliveryHandler(() => app.ctx);
      expect(await deliver({ cardId: ok })).toEqual({ kind: 'sent' });
      failing = true;
      // A failed attempt is retried, not counted; the card counts once its retries are exhausted.
      await expect(deliver({ cardId: broken })).rejects.toThrow('SES: Throttling');
      expect(emf).toHaveLength(1);
      expect(await app.ctx.delivery.giveUp(broken, { reason: 'retries exhausted' })).toBe(true);

      const id = 'emfDesign1';
      await seedUploadedOriginal(app, id, await orientedJpeg(), clock.now() - 5_000);
      expect(
        await createThumbnailHandler(() => app.ctx)({ Records: [{ s3: { object: { key: `originals/${id}` } } }] }),
      ).toEqual([{ designId: id, result: 'ready' }]);
    } finally {
      await app.stop();
      await db.drop();
    }
  }

  beforeAll(async () => {
    await scrapeApi();
    await runLambdas();
  });

  it('the Lambdas write EMF documents: namespace GoodGreets, dimension Environment, units, values', () => {
    expect(emf).toHaveLength(3);
    for (const doc of emf) {
      const aws = doc._aws as {
        Timestamp: number;
        CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }>;
      };
      expect(aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'GoodGreets', Dimensions: [['Environment']] });
      expect(doc.Environment).toBe('production');
      expect(Number.isInteger(aws.Timestamp)).toBe(true);
    }
    const [sent, failed, thumb] = emf as Array<
      Record<string, number> & { _aws: { CloudWatchMetrics: Array<{ Metrics: unknown }> } }
    >;
    expect(sent?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'DeliveriesSent', Unit: 'Count' },
      { Name: 'DeliveriesFailed', Unit: 'Count' },
      { Name: 'DeliveryLagSeconds', Unit: 'Seconds' },
    ]);
    expect([sent?.DeliveriesSent, sent?.DeliveriesFailed]).toEqual([1, 0]);
    // Sent 90 s after its send time (the test clock), give or take the test's own run time.
    expect(sent?.DeliveryLagSeconds).toBeGreaterThanOrEqual(90);
    expect(sent?.DeliveryLagSeconds).toBeLessThan(100);
    expect([failed?.DeliveriesSent, failed?.DeliveriesFailed, failed?.DeliveryLagSeconds]).toEqual([0, 1, undefined]);
    expect(thumb?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'ThumbnailLatencySeconds', Unit: 'Seconds' }]);
    // Uploaded 5 s before the handler ran: upload to ready, not just the rendering.
    expect(thumb?.ThumbnailLatencySeconds).toBeGreaterThanOrEqual(5);
    expect(thumb?.ThumbnailLatencySeconds).toBeLessThan(30);
  });

  it('every GoodGreets metric the specs read is produced, by the Lambdas (EMF) or by /metrics', () => {
    expect(refs.cloudwatch.length).toBeGreaterThan(10);
    const emitted = new Map<string, { unit: string; dimensions: string[][] }>();
    for (const doc of emf) {
      const def = (
        doc._aws as {
          CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
        }
      ).CloudWatchMetrics[0];
      for (const m of def?.Metrics ?? []) emitted.set(m.Name, { unit: m.Unit, dimensions: def?.Dimensions ?? [] });
    }
    const problems: string[] = [];
    for (const ref of refs.cloudwatch) {
      const where = `${ref.file}: ${ref.metricName} ${JSON.stringify(ref.dimensions)}`;
      const dims = Object.keys(ref.dimensions).sort();
      const fromEmf = emitted.get(ref.metricName);
      if (fromEmf) {
        if (!fromEmf.dimensions.some((set) => [...set].sort().join() === dims.join()))
          problems.push(`${where}: the EMF dimension sets are ${JSON.stringify(fromEmf.dimensions)}`);
        if (ref.unit && ref.unit !== fromEmf.unit) problems.push(`${where}: unit ${ref.unit}, emitted ${fromEmf.unit}`);
        continue;
      }
      if (!AGENT_SELECTOR.test(ref.metricName)) {
        problems.push(`${where}: neither an EMF metric nor one the agent forwards (${AGENT_SELECTOR})`);
        continue;
      }
      if (!AGENT_DIMENSION_SETS.some((set) => [...set].sort().join() === dims.join()))
        problems.push(`${where}: the agent publishes only dimension sets ${JSON.stringify(AGENT_DIMENSION_SETS)}`);
      const { Environment: _env, ...labels } = ref.dimensions;
      const match = scrape.find(
        (s) => s.name === ref.metricName && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      // Counted by the events driven above, not merely declared.
      if (!match || !(match.value > 0))
        problems.push(`${where}: no /metrics sample ${ref.metricName}${JSON.stringify(labels)} counting events`);
    }
    expect(problems).toEqual([]);
    expect(EMF_NAMESPACE).toBe('GoodGreets');
    expect(EMF_DIMENSIONS).toEqual([['Environment']]);
  });

  it('every metric and label the dashboards query with PromQL is exported by /metrics', () => {
    expect(refs.promql.length).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const { file, query } of refs.promql) {
      const uses = promqlUses(query);
      expect(uses.metrics.length).toBeGreaterThan(0);
      for (const name of uses.metrics) {
        const samples = scrape.filter((s) => s.name === name);
        if (!samples.length) {
          problems.push(`${file}: ${query}: /metrics has no ${name}`);
          continue;
        }
        for (const label of uses.labels)
          if (!samples.some((s) => label in s.labels))
            problems.push(`${file}: ${query}: ${name} has no label ${label}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the Lambdas emit exactly what the infra declares they publish (the contract sre verify checks)', () => {
    const declared = Object.values(LAMBDA_METRICS).flat();
    expect(Object.fromEntries(declared.map((m) => [m.name, m.unit]))).toEqual(EMF_METRICS);
    for (const m of declared) expect(m.dimensions).toEqual(EMF_DIMENSIONS);
    expect(METRICS_NAMESPACE).toBe(EMF_NAMESPACE);
  });

  it('the checks catch a wrong name or label', () => {
    expect(promqlUses('sum by (result) (increase(goodgreets_deliveries_total{reason=~"x"}[5m]))')).toEqual({
      metrics: ['goodgreets_deliveries_total'],
      labels: ['result', 'reason'],
    });
    expect(scrape.some((s) => s.name === 'goodgreets_deliveries_total' && s.labels.result === 'sent')).toBe(true);
    expect(scrape.some((s) => s.name === 'goodgreets_cards_created')).toBe(false);
  });

  it('starts the series the dashboards read at 0, so the agent publishes their first delta', async () => {
    const fresh = parseExposition(await new Metrics(false).registry.metrics());
    const at = (name: string, labels: Record<string, string>) =>
      fresh.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(at('goodgreets_uploads_total', { result: 'accepted' })).toBe(0);
    expect(at('goodgreets_uploads_total', { result: 'rejected', reason: 'captcha_replayed' })).toBe(0);
    expect(at('goodgreets_deliveries_total', { result: 'failed' })).toBe(0);
    expect(at('goodgreets_cards_created_total', {})).toBe(0);
  });
});
