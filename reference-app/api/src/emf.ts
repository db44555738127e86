import type { BusinessMetrics, Clock } from './domain/ports';

/**
 * The Lambdas' business metrics in CloudWatch embedded metric format: one JSON document per event,
 * on its own stdout line, which CloudWatch Logs turns into metrics. No client library: the format
 * is one small JSON object, and writing it ourselves keeps the Lambda bundles lean and the output
 * exactly what slos/delivery.yaml and alarms/dashboards.yaml read.
 *
 * process.stdout.write, not console.log: Lambda prefixes console lines with a timestamp and the
 * request id, and a prefixed line is not extracted as EMF.
 */
export const EMF_NAMESPACE = 'GoodGreets';
export const EMF_DIMENSIONS = [['Environment']] as const;
/** Every metric the Lambdas publish, with its CloudWatch unit (the contract with slos/ and alarms/). */
export const EMF_METRICS = {
  DeliveriesSent: 'Count',
  DeliveriesFailed: 'Count',
  DeliveryLagSeconds: 'Seconds',
  ThumbnailLatencySeconds: 'Seconds',
  DeliveryProblems: 'Count',
} as const;
export type EmfMetricName = keyof typeof EMF_METRICS;

export class EmfMetrics implements BusinessMetrics {
  constructor(
    private readonly environment: string,
    private readonly clock: Clock,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {}

  /**
   * One card per call: sent (the email left), or failed (its retries were exhausted; failed
   * attempts that a retry delivers are not cards that failed). Both counters go out every time,
   * one of them 0, so the failure ratio never divides by a gap.
   */
  delivery(result: 'sent' | 'failed', lagSeconds?: number): void {
    const values: Partial<Record<EmfMetricName, number>> = {
      DeliveriesSent: result === 'sent' ? 1 : 0,
      DeliveriesFailed: result === 'failed' ? 1 : 0,
    };
    if (lagSeconds !== undefined) values.DeliveryLagSeconds = Math.max(0, lagSeconds);
    this.emit(values);
  }

  /** Upload to ready; refused images are not thumbnails and stay out of the freshness SLO. */
  thumbnail(result: 'ready' | 'rejected', seconds: number): void {
    if (result === 'ready') this.emit({ ThumbnailLatencySeconds: Math.max(0, seconds) });
  }

  /** A sent card's email bounced, was complained about or rejected: counted once per card, not per event. */
  deliveryProblem(): void {
    this.emit({ DeliveryProblems: 1 });
  }

  // Created cards, messages and uploads happen in the API, whose /metrics the CloudWatch agent scrapes.
  cardCreated(): void {}
  messageAdded(): void {}
  upload(): void {}

  private emit(values: Partial<Record<EmfMetricName, number>>): void {
    const names = Object.keys(values) as EmfMetricName[];
    const document = {
      _aws: {
        Timestamp: this.clock.now(),
        CloudWatchMetrics: [
          {
            Namespace: EMF_NAMESPACE,
            Dimensions: EMF_DIMENSIONS,
            Metrics: names.map((Name) => ({ Name, Unit: EMF_METRICS[Name] })),
          },
        ],
      },
      Environment: this.environment,
      ...values,
    };
    this.write(`${JSON.stringify(document)}\n`);
  }
}
