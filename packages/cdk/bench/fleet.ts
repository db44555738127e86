import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AlarmFamily, type SreKit } from '../src';

/**
 * The scale fleet of the bench and of the placement tests: `services` services, each a Lambda
 * function, an ECS service, a bucket, an ALB with a target group, an RDS instance and two SLOs,
 * monitored by dimension values (no resources of their own, so the templates hold only the kit's).
 */
export function monitorServices(kit: SreKit, services: number): void {
  for (let i = 1; i <= services; i++) {
    const svc = `svc${i}`;
    const lb = `app/${svc}/0123456789abcdef`;
    const tg = `targetgroup/${svc}/0123456789abcdef`;
    const opts = { service: svc };
    kit.monitorByDimensions(
      AlarmFamily.LAMBDA,
      `${svc}-fn`,
      { FunctionName: `${svc}-worker` },
      { ...opts, properties: { timeoutMs: 30000 } },
    );
    kit.monitorByDimensions(
      AlarmFamily.ECS,
      `${svc}-web`,
      { ClusterName: 'fleet', ServiceName: svc },
      { ...opts, properties: { ephemeralStorageGiB: 20 } },
    );
    kit.monitorByDimensions(
      AlarmFamily.S3,
      `${svc}-bucket`,
      { BucketName: `${svc}-data`, FilterId: 'EntireBucket' },
      opts,
    );
    kit.monitorByDimensions(AlarmFamily.ALB, `${svc}-alb`, { LoadBalancer: lb, TargetGroup: tg }, opts);
    kit.monitorByDimensions(
      AlarmFamily.RDS,
      `${svc}-db`,
      { DBInstanceIdentifier: `${svc}-db` },
      {
        ...opts,
        properties: { maxConnections: 400, memoryBytes: 4 * 1024 ** 3, allocatedStorageBytes: 100 * 1024 ** 3 },
      },
    );
    const metric = (metricName: string, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        statistic,
        dimensionsMap: { LoadBalancer: lb },
      });
    kit.addSlo({
      service: svc,
      sloName: 'availability',
      objective: 0.999,
      badMetric: metric('HTTPCode_Target_5XX_Count'),
      totalMetric: metric('RequestCount'),
    });
    kit.addSlo({
      service: svc,
      sloName: 'latency',
      objective: 0.99,
      goodMetric: metric('TargetResponseTime', 'TC(:0.5)'),
      totalMetric: metric('TargetResponseTime', 'SampleCount'),
    });
  }
}
