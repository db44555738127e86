/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly, verifyAssembly, type DeadAlarm } from '@sre-kit/core';
import { AGENT_EMF_ENDPOINT, API_ROUTE_METRICS } from '../src/published-metrics';
import { synthesize } from './synth';

/**
 * `sre verify` on the real GoodGreets assembly: every alarm reads a metric something in it publishes.
 * Then each precondition is broken in a copy of that assembly, and exactly the alarms that depend on
 * it are reported, with the reason.
 */

let outdir: string;

beforeAll(() => {
  outdir = synthesize().app.outdir;
}, 180_000);

type Templates = Record<string, { Resources: Record<string, any>; Outputs?: Record<string, any> }>;

/** A copy of the synthesized assembly with `edit` applied to its templates (by stack name). */
function brokenCopy(edit: (t: Templates) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-verify-'));
  const templates: Templates = {};
  for (const file of fs.readdirSync(outdir)) {
    if (file.endsWith('.json')) fs.copyFileSync(path.join(outdir, file), path.join(dir, file));
    if (file.endsWith('.template.json'))
      templates[file.replace('.template.json', '')] = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
  }
  edit(templates);
  for (const [stack, t] of Object.entries(templates))
    fs.writeFileSync(path.join(dir, `${stack}.template.json`), JSON.stringify(t));
  return dir;
}

function resourceOf(t: Templates, stack: string, type: string, idPrefix: string): any {
  const found = Object.entries(t[stack]!.Resources).find(([id, r]) => r.Type === type && id.startsWith(idPrefix));
  if (!found) throw new Error(`no ${type} ${idPrefix}* in ${stack}`);
  return found[1];
}

const deadIn = (dir: string): DeadAlarm[] => verifyAssembly(readCloudAssembly(dir)).dead;
const names = (dead: readonly DeadAlarm[]) => dead.map((d) => d.alarmName).sort();
const reasons = (dead: readonly DeadAlarm[]) => [...new Set(dead.flatMap((d) => d.problems.map((p) => p.reason)))];

test('the reference app: every alarm gets data (0 dead), custom metrics included', () => {
  const report = verifyAssembly(readCloudAssembly(outdir));
  expect(report.dead).toEqual([]);
  expect(report.alarms).toBeGreaterThan(90);
  expect(report.compositeAlarms).toBeGreaterThan(30);
  expect(report.unchecked).toEqual([]);
  // And every dashboard panel: the CAPTCHA panels of the ALB's ACL (no CAPTCHA rule) and the bot panels
  // (no Bot Control group) are left out by the dashboard model, so none is dead.
  expect(report.deadPanels).toEqual([]);
  expect(report.dashboards).toBe(4);
  expect(report.panels).toBeGreaterThan(100);
});

test('a web ACL without its CAPTCHA rule: exactly the dashboard panels reading CAPTCHA metrics are dead', () => {
  const report = verifyAssembly(
    readCloudAssembly(
      brokenCopy((t) => {
        const acl = resourceOf(t, 'GoodGreets-Edge', 'AWS::WAFv2::WebACL', 'EdgeAcl');
        acl.Properties.Rules = acl.Properties.Rules.filter((r: any) => !r.Action?.Captcha);
      }),
    ),
  );
  expect(report.dead).toEqual([]);
  expect(report.deadPanels.map((p) => `${p.dashboard}: ${p.widget}`).sort()).toEqual([
    'goodgreets-security: cloudfront: CAPTCHA by rule',
    'goodgreets-security: cloudfront: CAPTCHA puzzles served',
    'goodgreets-security: cloudfront: requests allowed, blocked, CAPTCHA',
  ]);
  expect(report.deadPanels[0]!.problems[0]).toMatchObject({
    reason: expect.stringMatching(
      /published only for web ACLs with a CAPTCHA action, and web ACL GoodGreets-Edge\/EdgeAcl/,
    ),
    fix: expect.stringContaining('add a rule with action captcha'),
  });
});

test('a deleted function: its developer panels are dead, found through the Fn::Join tokens of the body', () => {
  const report = verifyAssembly(
    readCloudAssembly(
      brokenCopy((t) => {
        const workers = t['GoodGreets-Workers']!.Resources;
        const id = Object.keys(workers).find(
          (k) => k.startsWith('Thumbnailer') && workers[k].Type === 'AWS::Lambda::Function',
        )!;
        delete workers[id];
      }),
    ),
  );
  const developer = report.deadPanels.filter((p) => p.dashboard === 'goodgreets-developer');
  expect(developer.length).toBeGreaterThan(0);
  expect(developer.every((p) => p.widget.startsWith('thumbnailer: '))).toBe(true);
  expect(developer[0]!.problems[0]!.reason).toMatch(
    /^dimension FunctionName resolves to Ref Thumbnailer\w+, which is not in GoodGreets-Workers/,
  );
  // Other dashboards lose only what read the function or the metric it published (the freshness SLO).
  const elsewhere = report.deadPanels.filter((p) => p.dashboard !== 'goodgreets-developer');
  expect(elsewhere.every((p) => p.problems.every((x) => /Thumbnail/.test(x.reason)))).toBe(true);
});

test('a deleted function: exactly its alarms, and those on the metrics it published, are dead', () => {
  const dead = deadIn(
    brokenCopy((t) => {
      const workers = t['GoodGreets-Workers']!.Resources;
      const id = Object.keys(workers).find(
        (k) => k.startsWith('Thumbnailer') && workers[k].Type === 'AWS::Lambda::Function',
      )!;
      delete workers[id];
    }),
  );
  // Its own alarms, and the thumbnail-freshness SLO (ThumbnailLatencySeconds is its EMF): 4 tiers x long/short.
  const slo = ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d'].flatMap((tier) =>
    ['long', 'short'].map((w) => `goodgreets-thumbnail-freshness-${tier}-${w}`),
  );
  const lambda = ['concurrent-executions', 'duration', 'errors', 'throttles'].map(
    (a) => `goodgreets-thumbnailer-lambda.${a}`,
  );
  expect(names(dead)).toEqual([...slo, ...lambda].sort());
  expect(reasons(dead).sort()).toEqual(
    [
      expect.stringMatching(
        /^dimension FunctionName resolves to Ref Thumbnailer\w+, which is not in GoodGreets-Workers/,
      ),
      'metric ThumbnailLatencySeconds is not in the declared contract of namespace GoodGreets',
    ].sort(),
  );
});

test('Container Insights off: exactly the ECS/ContainerInsights alarms are dead', () => {
  const dead = deadIn(
    brokenCopy((t) => {
      resourceOf(t, 'GoodGreets-Api', 'AWS::ECS::Cluster', 'Cluster').Properties.ClusterSettings = [
        { Name: 'containerInsights', Value: 'disabled' },
      ];
    }),
  );
  expect(names(dead)).toEqual([
    'goodgreets-api-ecs.ephemeral-storage-utilized',
    'goodgreets-api-ecs.running-task-count',
  ]);
  expect(reasons(dead)).toEqual([
    expect.stringMatching(/^Container Insights is off on cluster GoodGreets-Api\/Cluster/),
  ]);
  expect(dead[0]!.problems[0]!.fix).toMatch(/containerInsightsV2/);
});

test('the bucket without its metrics configuration: exactly the S3 request-metric alarms are dead', () => {
  const dead = deadIn(
    brokenCopy((t) => {
      delete resourceOf(t, 'GoodGreets-Storage', 'AWS::S3::Bucket', 'Images').Properties.MetricsConfigurations;
    }),
  );
  expect(names(dead)).toEqual(['goodgreets-images-s3.5xx-errors', 'goodgreets-images-s3.total-request-latency']);
  expect(reasons(dead)).toEqual([
    expect.stringMatching(
      /^bucket GoodGreets-Storage\/Images\w+ has no metrics configuration with Id "EntireBucket" \(it has none\)/,
    ),
  ]);
});

test('ReplicaLag: accepted on a read replica, dead once the instance is not one', () => {
  // The app alarms on no replica (it has none): add a ReplicaLag alarm beside the CPU alarm, as a policy would.
  const withReplicaLag = (replica: boolean) => (t: Templates) => {
    const observability = t['GoodGreets-Observability']!.Resources;
    const [cpuId, cpu] = Object.entries(observability).find(
      ([, r]) => r.Properties?.AlarmName === 'goodgreets-database-rds.cpu-utilization',
    )!;
    observability[`${cpuId}Lag`] = {
      ...cpu,
      Properties: { ...cpu.Properties, AlarmName: 'goodgreets-database-rds.replica-lag', MetricName: 'ReplicaLag' },
    };
    if (replica)
      resourceOf(t, 'GoodGreets-Data', 'AWS::RDS::DBInstance', 'Database').Properties.SourceDBInstanceIdentifier =
        'goodgreets-source';
  };
  expect(deadIn(brokenCopy(withReplicaLag(true)))).toEqual([]);
  const dead = deadIn(brokenCopy(withReplicaLag(false)));
  expect(names(dead)).toEqual(['goodgreets-database-rds.replica-lag']);
  expect(reasons(dead)).toEqual([
    expect.stringMatching(
      /^ReplicaLag is published only for read replicas, and GoodGreets-Data\/Database\w+ has no SourceDBInstanceIdentifier/,
    ),
  ]);
});

test("a web ACL's metric name changed: exactly its WAF alarm is dead, with the name to use", () => {
  const dead = deadIn(
    brokenCopy((t) => {
      resourceOf(t, 'GoodGreets-Edge', 'AWS::WAFv2::WebACL', 'AlbAcl').Properties.VisibilityConfig.MetricName =
        'goodgreets-api-acl';
    }),
  );
  expect(names(dead)).toEqual(['goodgreets-regional-waf.blocked-requests']);
  expect(reasons(dead)).toEqual([
    expect.stringMatching(/^no web ACL of the assembly has VisibilityConfig.MetricName "goodgreets-alb"/),
  ]);
  expect(dead[0]!.problems[0]!.fix).toMatch(/"goodgreets-api-acl"/);
});

test('a target group nothing forwards to: exactly the alarms on the load balancer and target group pair are dead', () => {
  const dead = deadIn(
    brokenCopy((t) => {
      resourceOf(t, 'GoodGreets-Api', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AlbListener').Properties.Actions = [
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } },
      ];
    }),
  );
  // The page SLO too: it subtracts the API's requests, counted on that target group, from the CDN's.
  const slo = ['api-latency', 'website-availability'].flatMap((name) =>
    ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d'].flatMap((tier) =>
      ['long', 'short'].map((w) => `goodgreets-${name}-${tier}-${w}`),
    ),
  );
  const alb = ['healthy-host-count', 'target-5xx-rate', 'target-response-time-p99', 'unhealthy-host-count'].map(
    (a) => `goodgreets-api-alb.${a}`,
  );
  expect(names(dead)).toEqual([...alb, ...slo].sort());
  expect(reasons(dead)).toEqual([
    expect.stringMatching(
      /^target group GoodGreets-Api\/Targets\w+ receives no traffic from load balancer GoodGreets-Api\/Alb\w+/,
    ),
  ]);
});

test('a custom metric renamed where it is published: exactly the alarms reading it are dead', () => {
  const dead = deadIn(
    brokenCopy((t) => {
      const delivery = resourceOf(t, 'GoodGreets-Workers', 'AWS::Lambda::Function', 'Delivery5');
      const [contract] = delivery.Metadata['SreKit::PublishedMetrics'];
      contract.metrics = contract.metrics.map((m: any) =>
        m.name === 'DeliveriesSent' ? { ...m, name: 'DeliveriesOk' } : m,
      );
    }),
  );
  // The card-delivery-success SLO: long and short window of each of its four tiers.
  expect(names(dead)).toHaveLength(8);
  expect(names(dead).every((n) => n.startsWith('goodgreets-card-delivery-success-'))).toBe(true);
  expect(reasons(dead)).toEqual(['metric DeliveriesSent is not in the declared contract of namespace GoodGreets']);
});

test('a composite whose child alarm is gone is dead too', () => {
  const dead = deadIn(
    brokenCopy((t) => {
      const observability = t['GoodGreets-Observability']!.Resources;
      const id = Object.keys(observability).find(
        (k) => observability[k].Properties?.AlarmName === 'goodgreets-api-availability-page-1h-short',
      )!;
      delete observability[id];
    }),
  );
  expect(names(dead)).toEqual(['goodgreets-api-availability-page-1h']);
  expect(reasons(dead)).toEqual([
    expect.stringMatching(
      /^the composite rule references Fn::GetAtt SreSloapiavailabilitypage1hshort\w+, which is not in GoodGreets-Observability/,
    ),
  ]);
});

describe('per-route RED in production', () => {
  const ROUTE_PANELS = [
    'Requests per minute by route',
    '5xx per minute by route',
    'p99 latency by route',
    'API 4xx by route',
  ];

  test('the API sends it to the agent beside it, whose EMF listener is on and whose log group it names', () => {
    const t = JSON.parse(fs.readFileSync(path.join(outdir, 'GoodGreets-Api.template.json'), 'utf8')) as Templates['x'];
    const task = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::ECS::TaskDefinition');
    const containers = task.Properties.ContainerDefinitions as any[];
    const env = (name: string) =>
      Object.fromEntries(
        containers.find((c) => c.Name === name).Environment.map((e: any) => [e.Name, JSON.stringify(e.Value)]),
      );
    const api = env('api');
    expect(JSON.parse(api.METRICS_EMF_ENDPOINT)).toBe(AGENT_EMF_ENDPOINT);
    // The agent config is a JSON text with tokens (Fn::Join): its literal parts carry the listener and the log group.
    const agentConfig = env('metrics-agent').CW_CONFIG_CONTENT;
    expect(agentConfig).toContain('\\"emf\\":{}');
    expect(agentConfig).toContain(JSON.parse(api.METRICS_EMF_LOG_GROUP));
    const [contract] = task.Metadata['SreKit::PublishedMetrics'];
    expect(contract.metrics).toEqual(expect.arrayContaining(API_ROUTE_METRICS.map((m) => expect.objectContaining(m))));
  });

  test('the developer and security boards draw it from CloudWatch, and every panel of it gets data', () => {
    const report = verifyAssembly(readCloudAssembly(outdir));
    expect(report.deadPanels).toEqual([]);
    const bodies = Object.entries(
      JSON.parse(fs.readFileSync(path.join(outdir, 'GoodGreets-Observability.template.json'), 'utf8'))
        .Resources as Record<string, any>,
    )
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard')
      .map(([, r]) => JSON.stringify(r.Properties.DashboardBody));
    const all = bodies.join('\n');
    for (const title of ROUTE_PANELS) expect(all).toContain(title);
    expect(all).toContain('http_request_duration_seconds');
    // No panel of the deployed boards reads Prometheus: it does not exist on AWS.
    expect(all).not.toContain('CloudWatch dashboards cannot show');
  });

  test('the route metrics gone from the task’s contract: exactly the route panels are dead', () => {
    const dir = brokenCopy((t) => {
      const task = resourceOf(t, 'GoodGreets-Api', 'AWS::ECS::TaskDefinition', '');
      const [contract] = task.Metadata['SreKit::PublishedMetrics'];
      contract.metrics = contract.metrics.filter((m: any) => !m.name?.startsWith('http_'));
    });
    const dead = verifyAssembly(readCloudAssembly(dir)).deadPanels;
    expect(dead.map((p) => p.widget).sort()).toEqual([...ROUTE_PANELS].sort());
  });
});

/** The titles of the dead panels once the one `type` resource of `stack` is removed from the assembly. */
function deadPanelsWithout(stack: string, type: string): string[] {
  const dir = brokenCopy((t) => {
    const resources = t[stack]!.Resources;
    delete resources[Object.keys(resources).find((k) => resources[k].Type === type)!];
  });
  return verifyAssembly(readCloudAssembly(dir))
    .deadPanels.map((p) => p.widget)
    .sort();
}

test.each([
  [
    'the database proxy',
    'GoodGreets-Data',
    'AWS::RDS::DBProxy',
    ['Database response time through the proxy', 'Proxy connections (clients and database)'],
  ],
  [
    'the deliveries schedule group',
    'GoodGreets-Workers',
    'AWS::Scheduler::ScheduleGroup',
    ['Scheduled deliveries fired, failed and dead-lettered'],
  ],
])('%s gone from the assembly: exactly its panels are dead', (_what, stack, type, panels) => {
  expect(deadPanelsWithout(stack, type)).toEqual(panels);
});
