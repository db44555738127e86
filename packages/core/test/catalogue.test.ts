import {
  ALARM_CATALOGUE,
  catalogueEntry,
  catalogueEntryProblems,
  catalogueFor,
  catalogueMetrics,
  resolveAlarms,
  runbookUrlFor,
} from '../src/catalogue';
import { cloudWatchPeriodProblem } from '../src/math';
import { ALARM_FAMILIES } from '../src/model/alarms';
import { policy, resource } from './fixtures';

describe('ALARM_CATALOGUE', () => {
  it('covers every family', () => {
    for (const family of ALARM_FAMILIES) expect(catalogueFor(family).length).toBeGreaterThan(0);
  });

  it('has unique ids prefixed with their family', () => {
    const ids = ALARM_CATALOGUE.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of ALARM_CATALOGUE) expect(e.id.startsWith(`${e.family}.`)).toBe(true);
  });

  it.each(ALARM_CATALOGUE.map((e) => [e.id, e] as const))('%s is complete and CloudWatch accepts it', (_id, e) => {
    expect(Boolean(e.metric) !== Boolean(e.expression)).toBe(true);
    expect(e.datapointsToAlarm).toBeGreaterThanOrEqual(1);
    expect(e.datapointsToAlarm).toBeLessThanOrEqual(e.evaluationPeriods);
    expect(cloudWatchPeriodProblem(e.periodSeconds, e.evaluationPeriods)).toBeUndefined();
    expect(e.treatMissingReason.length).toBeGreaterThan(20);
    expect(e.runbook.length).toBeGreaterThan(40);
    expect(e.source).toMatch(/AWS|this project/);
    const metrics = catalogueMetrics(e);
    expect(metrics.length).toBeLessThanOrEqual(10);
    if (e.expression) {
      // Every metric id is used by the expression and the expression uses no unknown id.
      const ids = Object.keys(e.expression.metrics);
      for (const id of ids) expect(e.expression.expression).toMatch(new RegExp(`\\b${id}\\b`));
      const words = e.expression.expression.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [];
      for (const w of words) expect(ids).toContain(w);
    }
  });

  it('passes the rules entries registered from code are held to', () => {
    for (const e of ALARM_CATALOGUE) expect([e.id, catalogueEntryProblems(e)]).toEqual([e.id, []]);
  });

  it('names the field and value of each problem of an entry', () => {
    const base = catalogueEntry('lambda.errors')!;
    const problems = catalogueEntryProblems({
      ...base,
      family: 'queue',
      id: 'queue.Depth',
      metric: { ...base.metric!, statistic: 'avg' },
      periodSeconds: 90,
      datapointsToAlarm: 9,
      threshold: { kind: 'percentOf', percent: 0, of: 'x' },
    });
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['id', 'queue.Depth'],
      ['metric.statistic', 'avg'],
      ['threshold', 0],
      ['period', 90],
      ['datapointsToAlarm', 9],
    ]);
  });

  it('holds the REFERENCE.md section 2 rows with their numbers', () => {
    const row = (id: string) => {
      const e = catalogueEntry(id)!;
      return [e.metric?.metricName, e.metric?.statistic, e.datapointsToAlarm, e.evaluationPeriods, e.comparison];
    };
    expect(row('lambda.errors')).toEqual(['Errors', 'Sum', 3, 3, 'GreaterThanThreshold']);
    expect(row('lambda.throttles')).toEqual(['Throttles', 'Sum', 5, 5, 'GreaterThanOrEqualToThreshold']);
    expect(row('lambda.duration')).toEqual(['Duration', 'p90', 15, 15, 'GreaterThanThreshold']);
    expect(row('ecs.running-task-count')).toEqual(['RunningTaskCount', 'Average', 5, 5, 'LessThanOrEqualToThreshold']);
    expect(row('s3.5xx-errors')).toEqual(['5xxErrors', 'Average', 15, 15, 'GreaterThanThreshold']);
    expect(row('rds.freeable-memory')).toEqual(['FreeableMemory', 'Average', 15, 15, 'LessThanThreshold']);
    expect(row('rds.replica-lag')).toEqual(['ReplicaLag', 'Maximum', 10, 10, 'GreaterThanThreshold']);
    expect(row('natgateway.error-port-allocation')).toEqual([
      'ErrorPortAllocation',
      'Sum',
      15,
      15,
      'GreaterThanThreshold',
    ]);
    expect(row('alb.target-response-time-p99')).toEqual(['TargetResponseTime', 'p99', 5, 5, 'GreaterThanThreshold']);
    expect(catalogueEntry('s3.4xx-errors')!.metric!.dimensionNames).toEqual(['BucketName', 'FilterId']);
    expect(catalogueEntry('natgateway.packets-drop-rate')!.threshold).toEqual({ kind: 'fixed', value: 0.01 });
    expect(catalogueEntry('rds.read-latency')!.threshold).toEqual({ kind: 'fixed', value: 0.02 });
    expect(catalogueEntry('nope')).toBeUndefined();
  });
});

describe('runbookUrlFor', () => {
  it('puts the catalogue id below a folder base, or after a base ending in # as its anchor', () => {
    expect(runbookUrlFor('https://runbooks.example/alarms//', 'lambda.errors')).toBe(
      'https://runbooks.example/alarms/lambda.errors',
    );
    expect(runbookUrlFor('https://github.com/o/r/blob/main/docs/alarms.md#', 'rds.cpu-utilization')).toBe(
      'https://github.com/o/r/blob/main/docs/alarms.md#rds.cpu-utilization',
    );
    // A fragment that does not end the base is not ours to extend: the id still goes below it.
    expect(runbookUrlFor('https://runbooks.example/#/alarms', 'ecs.cpu-utilization')).toBe(
      'https://runbooks.example/#/alarms/ecs.cpu-utilization',
    );
  });
});

describe('resolveAlarms', () => {
  it('applies defaults, then resource overrides, and derives percentOf thresholds', () => {
    const resolved = resolveAlarms(
      policy({
        runbookBaseUrl: 'https://runbooks.example/',
        defaults: { 'lambda.errors': { threshold: 5, severity: 'warning' }, 'lambda.throttles': { enabled: false } },
        families: {
          lambda: [
            resource('delivery', {
              dimensions: { FunctionName: 'gg-delivery', ClusterName: 'ignored' },
              properties: { timeoutMs: 10000 },
              overrides: { 'lambda.errors': { threshold: 0, evaluationPeriods: 5 } },
            }),
            resource('thumbs'),
          ],
        },
      }),
    );
    const get = (res: string, id: string) => resolved.find((a) => a.resourceId === res && a.catalogueId === id);
    expect(get('delivery', 'lambda.errors')).toMatchObject({
      threshold: 0,
      severity: 'warning',
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      dimensions: { FunctionName: 'gg-delivery' },
      runbookUrl: 'https://runbooks.example/lambda.errors',
      service: 'goodgreets',
    });
    expect(get('thumbs', 'lambda.errors')!.threshold).toBe(5);
    expect(get('delivery', 'lambda.throttles')).toBeUndefined();
    expect(get('delivery', 'lambda.duration')!.threshold).toBe(9000);
    expect(get('thumbs', 'lambda.duration')!.threshold).toBe(2700);
    // Off by default (account-level) until opted in.
    expect(get('delivery', 'lambda.claimed-account-concurrency')).toBeUndefined();
    expect(resolved.filter((a) => a.resourceId === 'delivery').map((a) => a.catalogueId)).toEqual([
      'lambda.errors',
      'lambda.duration',
      'lambda.concurrent-executions',
    ]);
  });

  it('opts in to off-by-default entries and leaves unknowable thresholds undefined', () => {
    const resolved = resolveAlarms(
      policy({
        families: {
          rds: [
            resource('replica', {
              overrides: { 'rds.replica-lag': { enabled: true } },
              properties: { memoryBytes: 4e9 },
            }),
          ],
        },
      }),
    );
    const ids = resolved.map((a) => a.catalogueId);
    expect(ids).toContain('rds.replica-lag');
    expect(resolved.find((a) => a.catalogueId === 'rds.freeable-memory')!.threshold).toBe(1e9);
    const connections = resolved.find((a) => a.catalogueId === 'rds.database-connections')!;
    expect(connections.threshold).toBeUndefined();
    expect(connections.thresholdRule).toEqual({ kind: 'percentOf', percent: 90, of: 'maxConnections' });
  });

  it('drops the WAF Region dimension for CloudFront scope and reads from us-east-1', () => {
    const resolved = resolveAlarms(
      policy({
        families: {
          waf: [
            resource('api', { dimensions: { WebACL: 'gg-api', Region: 'eu-west-1' } }),
            resource('cdn', {
              dimensions: { WebACL: 'gg-cdn', Region: 'eu-west-1' },
              attributes: { scope: 'CLOUDFRONT' },
            }),
          ],
        },
      }),
    );
    expect(resolved[0]).toMatchObject({ dimensions: { WebACL: 'gg-api', Rule: 'ALL', Region: 'eu-west-1' } });
    expect(resolved[0].region).toBeUndefined();
    expect(resolved[0].metric!.dimensionNames).toContain('Region');
    expect(resolved[1].dimensions).toEqual({ WebACL: 'gg-cdn', Rule: 'ALL' });
    expect(resolved[1].metric!.dimensionNames).toEqual(['WebACL', 'Rule']);
    expect(resolved[1].region).toBe('us-east-1');
  });

  it('keeps expression alarms whole with the union of their dimensions', () => {
    const [elb] = resolveAlarms(
      policy({
        families: {
          alb: [resource('api', { dimensions: { LoadBalancer: 'app/gg/1', TargetGroup: 'targetgroup/gg/2' } })],
        },
      }),
    ).filter((a) => a.catalogueId === 'alb.elb-5xx-rate');
    expect(elb.expression!.metrics.requests.metricName).toBe('RequestCount');
    expect(elb.dimensions).toEqual({ LoadBalancer: 'app/gg/1' });
  });
});
