import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

export interface S3BucketAlarmsProps extends FamilyAlarmsOptions {
  /** The bucket. One of `bucket` or `bucketName`. @default - use bucketName */
  readonly bucket?: s3.IBucket;
  /** Name of a bucket outside this app (then `filterId` is required). @default - from `bucket` */
  readonly bucketName?: string;
  /**
   * Id of the bucket's request-metrics configuration covering the whole bucket.
   * @default - an existing whole-bucket configuration of the L2 bucket, else one named `EntireBucket` is added
   */
  readonly filterId?: string;
}

/** The id the kit gives the request-metrics configuration it adds. */
export const DEFAULT_S3_FILTER_ID = 'EntireBucket';

/**
 * Catalogue family `s3`: request alarms (4xx and 5xx error rates, total
 * request latency), which cdk-monitoring-constructs does not cover. S3
 * publishes request metrics only for buckets with a request-metrics
 * configuration (billed as custom metrics), so the kit adds one to buckets
 * defined in this app when none covers the whole bucket.
 */
export class S3BucketAlarms extends FamilyAlarms {
  /** The FilterId dimension the alarms use. */
  public readonly filterId: string;
  /** True when this construct added the request-metrics configuration to the bucket. */
  public readonly addedMetricsConfiguration: boolean;

  constructor(scope: Construct, id: string, props: S3BucketAlarmsProps) {
    super(scope, id, 's3', props);
    if (!props.bucket === !props.bucketName)
      inputError(
        this,
        'exactly one of bucket or bucketName is required',
        { bucket: !!props.bucket, bucketName: props.bucketName },
        'pass the L2 bucket, or the name of a bucket outside this app with filterId',
      );
    const found = props.filterId ?? (props.bucket ? wholeBucketConfigurationId(props.bucket) : undefined);
    let added = false;
    if (found) {
      this.filterId = found;
    } else if (props.bucket instanceof s3.Bucket) {
      addWholeBucketConfiguration(props.bucket);
      this.filterId = DEFAULT_S3_FILTER_ID;
      added = true;
    } else {
      this.filterId = inputError(
        this,
        'the bucket is not defined in this app, so its request-metrics configuration cannot be added',
        props.bucketName ?? props.bucket?.node.path,
        'create a request-metrics configuration on the bucket (S3 console > Metrics > Request metrics, or CloudFormation MetricsConfigurations) and pass its id as filterId',
      );
    }
    this.addedMetricsConfiguration = added;
    const bucketName = props.bucket?.bucketName ?? props.bucketName!;
    this._render([{ dimensions: { BucketName: bucketName, FilterId: this.filterId } }], {});
  }
}

/**
 * A list set on the L1 by an escape hatch replaces what the L2 renders from addMetric, so the
 * configuration goes where the template is read from.
 */
function addWholeBucketConfiguration(bucket: s3.Bucket): void {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket && Array.isArray(cfn.metricsConfigurations))
    cfn.metricsConfigurations = [...cfn.metricsConfigurations, { id: DEFAULT_S3_FILTER_ID }];
  else bucket.addMetric({ id: DEFAULT_S3_FILTER_ID });
}

/**
 * The id of a metrics configuration with neither prefix nor tag filter on an L2
 * bucket. aws-cdk-lib keeps them in a private list rendered lazily, so it is
 * read here rather than from the CfnBucket (which would force the Lazy early).
 */
function wholeBucketConfigurationId(bucket: s3.IBucket): string | undefined {
  // An array in older aws-cdk-lib, an ArrayState with the same find() since 2.2xx.
  type Findable = { find?: (p: (m: s3.BucketMetrics) => boolean) => s3.BucketMetrics | undefined };
  const metrics = (bucket as unknown as { metrics?: Findable }).metrics;
  if (metrics && typeof metrics.find === 'function') {
    const whole = metrics.find((m) => !m.prefix && !(m.tagFilters && Object.keys(m.tagFilters).length > 0));
    if (whole) return whole.id;
  }
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket && Array.isArray(cfn.metricsConfigurations)) {
    const whole = (cfn.metricsConfigurations as s3.CfnBucket.MetricsConfigurationProperty[]).find(
      (m) => !m.prefix && !m.tagFilters && !m.accessPointArn,
    );
    if (whole) return whole.id;
  }
  return undefined;
}
