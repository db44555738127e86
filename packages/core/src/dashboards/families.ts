/**
 * What the developer dashboard draws for each alarm family: the RED signals (rate, errors,
 * duration) and saturation of one resource, as data. Dimension values come from the resource in
 * the alarm policy; the alarm thresholds are matched onto these panels by metric and statistic.
 */
import type { AlarmFamilyName } from '../model/alarms';
import type { Unit } from '../model/dashboard';

export type Signal = 'rate' | 'errors' | 'duration' | 'saturation';

export interface PanelMetric {
  readonly metricName: string;
  readonly statistic: string;
  readonly label: string;
  /** Defaults to the family's namespace / dimension names. */
  readonly namespace?: string;
  readonly dimensionNames?: readonly string[];
  /** Fetched for the math only. */
  readonly hidden?: boolean;
}

export interface FamilyPanel {
  readonly title: string;
  readonly signal: Signal;
  readonly unit: Unit;
  readonly metrics: readonly PanelMetric[];
  /** Metric math over the metrics (ids m0, m1, ... in order). */
  readonly math?: { readonly expression: string; readonly label: string };
}

export interface FamilyBoard {
  readonly title: string;
  readonly namespace: string;
  readonly dimensionNames: readonly string[];
  /** Dimensions whose value is fixed (WAF's `Rule=ALL`) or only present when the resource names it. */
  readonly fixedDimensions?: Readonly<Record<string, string>>;
  readonly optionalDimensionNames?: readonly string[];
  /** The region metrics live in when a resource lacks `dimension` (WAF without Region: CloudFront scope, us-east-1). */
  readonly regionWithout?: { readonly dimension: string; readonly region: string };
  readonly panels: readonly FamilyPanel[];
}

const m = (metricName: string, statistic: string, label: string, extra: Partial<PanelMetric> = {}): PanelMetric => ({
  metricName,
  statistic,
  label,
  ...extra,
});

export const FAMILY_BOARDS: Readonly<Record<AlarmFamilyName, FamilyBoard>> = {
  lambda: {
    title: 'Lambda',
    namespace: 'AWS/Lambda',
    dimensionNames: ['FunctionName'],
    panels: [
      { title: 'Invocations', signal: 'rate', unit: 'count', metrics: [m('Invocations', 'Sum', 'invocations')] },
      {
        title: 'Errors and throttles',
        signal: 'errors',
        unit: 'count',
        metrics: [m('Errors', 'Sum', 'errors'), m('Throttles', 'Sum', 'throttles')],
      },
      {
        title: 'Duration',
        signal: 'duration',
        unit: 'milliseconds',
        metrics: [m('Duration', 'p50', 'p50'), m('Duration', 'p90', 'p90'), m('Duration', 'p99', 'p99')],
      },
      {
        title: 'Concurrency',
        signal: 'saturation',
        unit: 'count',
        metrics: [m('ConcurrentExecutions', 'Maximum', 'concurrent executions')],
      },
    ],
  },
  ecs: {
    title: 'ECS service',
    namespace: 'AWS/ECS',
    dimensionNames: ['ClusterName', 'ServiceName'],
    panels: [
      {
        title: 'CPU and memory',
        signal: 'saturation',
        unit: 'percent',
        metrics: [m('CPUUtilization', 'Average', 'CPU'), m('MemoryUtilization', 'Average', 'memory')],
      },
      {
        // DeploymentCount above 1 is a rollout in progress: the deploy marker next to the task count it moves.
        title: 'Running tasks and deployments',
        signal: 'saturation',
        unit: 'count',
        metrics: [
          m('RunningTaskCount', 'Average', 'running tasks', { namespace: 'ECS/ContainerInsights' }),
          m('DeploymentCount', 'Maximum', 'deployments (over 1: rolling out)', { namespace: 'ECS/ContainerInsights' }),
        ],
      },
    ],
  },
  alb: {
    title: 'Load balancer',
    namespace: 'AWS/ApplicationELB',
    dimensionNames: ['LoadBalancer'],
    panels: [
      { title: 'Requests', signal: 'rate', unit: 'count', metrics: [m('RequestCount', 'Sum', 'requests')] },
      {
        title: '5XX responses',
        signal: 'errors',
        unit: 'count',
        metrics: [m('HTTPCode_ELB_5XX_Count', 'Sum', 'ELB 5XX'), m('HTTPCode_Target_5XX_Count', 'Sum', 'target 5XX')],
      },
      {
        title: '5XX rate',
        signal: 'errors',
        unit: 'percent',
        metrics: [
          m('HTTPCode_ELB_5XX_Count', 'Sum', 'ELB 5XX', { hidden: true }),
          m('HTTPCode_Target_5XX_Count', 'Sum', 'target 5XX', { hidden: true }),
          m('RequestCount', 'Sum', 'requests', { hidden: true }),
        ],
        math: { expression: '100 * (FILL(m0, 0) + FILL(m1, 0)) / m2', label: '5XX % of requests' },
      },
      {
        title: 'Target response time',
        signal: 'duration',
        unit: 'seconds',
        metrics: [
          m('TargetResponseTime', 'p50', 'p50'),
          m('TargetResponseTime', 'p90', 'p90'),
          m('TargetResponseTime', 'p99', 'p99'),
        ],
      },
      {
        title: 'Target health',
        signal: 'saturation',
        unit: 'count',
        metrics: [
          m('HealthyHostCount', 'Minimum', 'healthy', { dimensionNames: ['LoadBalancer', 'TargetGroup'] }),
          m('UnHealthyHostCount', 'Maximum', 'unhealthy', { dimensionNames: ['LoadBalancer', 'TargetGroup'] }),
        ],
      },
      {
        title: 'Connections',
        signal: 'saturation',
        unit: 'count',
        metrics: [m('ActiveConnectionCount', 'Sum', 'active'), m('RejectedConnectionCount', 'Sum', 'rejected')],
      },
    ],
  },
  rds: {
    title: 'RDS',
    namespace: 'AWS/RDS',
    dimensionNames: ['DBInstanceIdentifier'],
    panels: [
      {
        title: 'Read and write IOPS',
        signal: 'rate',
        unit: 'count',
        metrics: [m('ReadIOPS', 'Average', 'read'), m('WriteIOPS', 'Average', 'write')],
      },
      {
        title: 'Read and write latency',
        signal: 'duration',
        unit: 'seconds',
        metrics: [m('ReadLatency', 'p90', 'read p90'), m('WriteLatency', 'p90', 'write p90')],
      },
      { title: 'CPU', signal: 'saturation', unit: 'percent', metrics: [m('CPUUtilization', 'Average', 'CPU')] },
      {
        title: 'Connections',
        signal: 'saturation',
        unit: 'count',
        metrics: [m('DatabaseConnections', 'Average', 'connections')],
      },
      {
        title: 'Free memory and storage',
        signal: 'saturation',
        unit: 'bytes',
        metrics: [m('FreeableMemory', 'Average', 'freeable memory'), m('FreeStorageSpace', 'Minimum', 'free storage')],
      },
    ],
  },
  s3: {
    title: 'S3 bucket',
    namespace: 'AWS/S3',
    dimensionNames: ['BucketName', 'FilterId'],
    panels: [
      { title: 'Requests', signal: 'rate', unit: 'count', metrics: [m('AllRequests', 'Sum', 'requests')] },
      {
        title: 'Error rate',
        signal: 'errors',
        unit: 'ratio',
        metrics: [m('4xxErrors', 'Average', '4xx'), m('5xxErrors', 'Average', '5xx')],
      },
      {
        title: 'Request latency',
        signal: 'duration',
        unit: 'milliseconds',
        metrics: [m('TotalRequestLatency', 'p90', 'total p90'), m('FirstByteLatency', 'p90', 'first byte p90')],
      },
    ],
  },
  waf: {
    title: 'WAF web ACL',
    namespace: 'AWS/WAFV2',
    dimensionNames: ['WebACL'],
    fixedDimensions: { Rule: 'ALL' },
    optionalDimensionNames: ['Region'],
    regionWithout: { dimension: 'Region', region: 'us-east-1' },
    panels: [
      {
        title: 'Allowed and blocked',
        signal: 'rate',
        unit: 'count',
        metrics: [m('AllowedRequests', 'Sum', 'allowed'), m('BlockedRequests', 'Sum', 'blocked')],
      },
    ],
  },
  natgateway: {
    title: 'NAT gateway',
    namespace: 'AWS/NATGateway',
    dimensionNames: ['NatGatewayId'],
    panels: [
      {
        title: 'Traffic',
        signal: 'rate',
        unit: 'bytes',
        metrics: [m('BytesOutToDestination', 'Sum', 'out to destination'), m('BytesInFromDestination', 'Sum', 'in')],
      },
      {
        title: 'Drops and port allocation errors',
        signal: 'errors',
        unit: 'count',
        metrics: [m('PacketsDropCount', 'Sum', 'packets dropped'), m('ErrorPortAllocation', 'Sum', 'port errors')],
      },
      {
        title: 'Connections',
        signal: 'saturation',
        unit: 'count',
        metrics: [m('ActiveConnectionCount', 'Maximum', 'active'), m('ConnectionAttemptCount', 'Sum', 'attempts')],
      },
    ],
  },
};
