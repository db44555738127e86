/**
 * Per-route RED for CloudWatch: the API sends its requests, by method, route template and status
 * class, as EMF to the CloudWatch agent's TCP listener (here a real socket standing in for it), in
 * the names and dimension sets the infra declares to `sre verify` and the dashboards read.
 */
import { createServer, type Server } from 'node:net';
import { API_ROUTE_METRICS, METRICS_NAMESPACE } from '../../infra/src/published-metrics';
import { EMF_MAX_VALUES, RouteEmf, statusClass } from '../src/route-emf';
import type { RunningApp } from '../src/server';
import { createTestDb, http, parseExposition, startTestApp, waitFor, type TestDb } from './helpers';

jest.setTimeout(60_000);

interface EmfDocument {
  _aws: {
    LogGroupName: string;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [member: string]: unknown;
}

/** The metric name -> dimension sets a document declares. */
function declared(doc: EmfDocument): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const directive of doc._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    for (const m of directive.Metrics) out.set(m.Name, [...(out.get(m.Name) ?? []), ...directive.Dimensions]);
  }
  return out;
}

describe('RouteEmf', () => {
  it('bounds the labels: status classes, and one value for methods outside the usual set', () => {
    const lines: string[] = [];
    const emf = new RouteEmf({ environment: 'test', logGroupName: '/g', write: (l) => lines.push(l) });
    emf.record({ method: 'PROPFIND', route: 'unmatched_api', status: 405, seconds: 0.01 });
    emf.record({ method: 'GET', route: '/api/v1/cards/:id', status: 503, seconds: 0.2 });
    emf.record({ method: 'GET', route: '/api/v1/cards/:id', status: 500, seconds: 0.3 });
    emf.flush();
    const docs = lines.map((l) => JSON.parse(l) as EmfDocument);
    expect(docs.map((d) => [d.method, d.route, d.status_class, d.http_requests_total])).toEqual([
      ['OTHER', 'unmatched_api', '4xx', 1],
      ['GET', '/api/v1/cards/:id', '5xx', 2],
    ]);
    expect(docs[1]!.http_request_duration_seconds).toEqual([0.2, 0.3]);
    expect([200, 302, 404, 599, 42].map(statusClass)).toEqual(['2xx', '3xx', '4xx', '5xx', 'other']);
  });

  it('never puts more values in one document than EMF allows, and counts every request once', () => {
    const lines: string[] = [];
    const emf = new RouteEmf({ environment: 'test', logGroupName: '/g', write: (l) => lines.push(l) });
    const n = EMF_MAX_VALUES * 2 + 17;
    for (let i = 0; i < n; i++) emf.record({ method: 'GET', route: '/healthz', status: 200, seconds: i / 1000 });
    expect(lines).toHaveLength(2); // two full documents went out without waiting for the minute
    emf.flush();
    const docs = lines.map((l) => JSON.parse(l) as EmfDocument);
    for (const d of docs) {
      expect((d.http_request_duration_seconds as number[]).length).toBeLessThanOrEqual(EMF_MAX_VALUES);
      expect(d.http_requests_total).toBe((d.http_request_duration_seconds as number[]).length);
    }
    expect(docs.reduce((sum, d) => sum + (d.http_requests_total as number), 0)).toBe(n);
    emf.flush();
    expect(lines).toHaveLength(3); // an idle minute sends nothing
  });
});

describe('the API sends per-route RED to the agent', () => {
  let db: TestDb;
  let app: RunningApp | undefined;
  let agent: Server;
  const received: string[] = [];

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    agent = createServer((socket) => {
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        received.push(...lines.filter((l) => l.length > 0));
      });
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => agent.close(() => resolve()));
    await db.drop();
  });

  it('in the names and dimension sets the infra declares, with counts that match /metrics', async () => {
    const port = (agent.address() as { port: number }).port;
    app = await startTestApp(db, {
      METRICS_EMF_ENDPOINT: `tcp://127.0.0.1:${port}`,
      METRICS_ENVIRONMENT: 'staging',
      METRICS_EMF_LOG_GROUP: '/goodgreets/api-metrics',
    });
    for (let i = 0; i < 3; i++) expect((await http(app.url, '/healthz')).status).toBe(200);
    expect((await http(app.url, '/api/v1/no-such-thing')).status).toBe(404);
    const exposition = parseExposition((await http(app.url, '/metrics')).text);
    await app.stop();
    app = undefined;
    await waitFor(() => received.length >= 2);

    const docs = received.map((l) => JSON.parse(l) as EmfDocument);
    const contract = new Map(API_ROUTE_METRICS.map((m) => [m.name, m.dimensions?.map((d) => [...d])]));
    for (const doc of docs) {
      expect(doc._aws.LogGroupName).toBe('/goodgreets/api-metrics');
      expect(doc.Environment).toBe('staging');
      expect(declared(doc)).toEqual(contract);
    }
    const count = (route: string, cls: string) =>
      docs
        .filter((d) => d.route === route && d.status_class === cls)
        .reduce((sum, d) => sum + (d.http_requests_total as number), 0);
    const prometheus = (route: string, status: string) =>
      exposition
        .filter((s) => s.name === 'http_requests_total' && s.labels.route === route && s.labels.status === status)
        .reduce((sum, s) => sum + s.value, 0);
    expect(count('/healthz', '2xx')).toBe(3);
    expect(count('/healthz', '2xx')).toBe(prometheus('/healthz', '200'));
    expect(count('unmatched_api', '4xx')).toBe(prometheus('unmatched_api', '404'));
    expect(count('unmatched_api', '4xx')).toBe(1);
  });
});
