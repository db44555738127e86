/** The drill fault switch: off unless DRILL_FAULTS, loopback-only control, counted in /metrics like any failure. */
import type { RunningApp } from '../src/server';
import { ConfigError, loadConfig } from '../src/config';
import { createTestDb, http, startTestApp, type TestDb } from './helpers';

describe('drill fault switch', () => {
  let db: TestDb;
  const apps: RunningApp[] = [];
  beforeAll(async () => {
    db = await createTestDb('sqlite');
  });
  afterAll(async () => {
    for (const a of apps) await a.stop();
    await db?.drop();
  });

  it('does not exist by default', async () => {
    const app = await startTestApp(db);
    apps.push(app);
    expect(
      (await http(app.url, '/_drill/fault', { method: 'PUT', json: { errorRatio: 1, durationSeconds: 60 } })).status,
    ).toBe(404);
    expect((await http(app.url, '/api/v1/designs')).status).toBe(200);
  });

  it('fails API requests for the given time, counted as 5xx API requests, and switches off', async () => {
    const app = await startTestApp(db, { DRILL_FAULTS: 'true' });
    apps.push(app);
    const put = await http(app.url, '/_drill/fault', {
      method: 'PUT',
      json: { errorRatio: 1, latencyMs: 20, durationSeconds: 60 },
      // A forwarded address does not matter: the socket's is what counts.
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(put.status).toBe(200);
    const started = Date.now();
    const failed = await http(app.url, '/api/v1/designs');
    expect(failed.status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
    expect((await http(app.url, '/healthz')).status).toBe(200);
    const metrics = (await http(app.url, '/metrics')).text;
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="unmatched_api",status="500"\} 1/);
    expect((await http(app.url, '/_drill/fault', { method: 'DELETE' })).status).toBe(200);
    expect((await http(app.url, '/api/v1/designs')).status).toBe(200);
  });

  it('refuses bad settings and ends by itself', async () => {
    const app = await startTestApp(db, { DRILL_FAULTS: '1' });
    apps.push(app);
    const bad = await http(app.url, '/_drill/fault', { method: 'PUT', json: { errorRatio: 2, durationSeconds: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('errorRatio must be between 0 and 1');
    await http(app.url, '/_drill/fault', { method: 'PUT', json: { errorRatio: 1, durationSeconds: 1 } });
    expect((await http(app.url, '/api/v1/designs')).status).toBe(500);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await http(app.url, '/api/v1/designs')).status).toBe(200);
  });

  it('is refused next to any AWS adapter', () => {
    expect(() => loadConfig({ DRILL_FAULTS: 'true', OBJECT_STORE: 's3', S3_BUCKET: 'b' })).toThrow(ConfigError);
    expect(() => loadConfig({ DRILL_FAULTS: 'true', MAILER: 'ses' })).toThrow(/MAILER=ses/);
    expect(loadConfig({ DRILL_FAULTS: 'true' }).DRILL_FAULTS).toBe(true);
    expect(loadConfig({}).DRILL_FAULTS).toBe(false);
  });
});
