import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The S3 request-metrics filter id the S3 alarm family reads (4xx/5xx rates, latency). */
export const IMAGES_METRICS_FILTER_ID = 'EntireBucket';

/**
 * Buckets: images (originals/ display/ thumbnails/ prefixes, versioned, EventBridge notifications
 * for the thumbnailer), the website, and the access-log bucket both write to. All private,
 * TLS-only, encrypted.
 */
export class StorageStack extends Stack {
  readonly images: s3.Bucket;
  readonly website: s3.Bucket;
  readonly logs: s3.Bucket;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
    } satisfies s3.BucketProps;

    this.logs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      // ALB and CloudFront log delivery need ACL-based writes on this one bucket only.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.images = new s3.Bucket(this, 'Images', {
      ...secure,
      versioned: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'images/',
      metrics: [{ id: IMAGES_METRICS_FILTER_ID }],
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(30) },
        // Originals are only read by the thumbnailer; rejected or processed ones age out cheaply.
        {
          prefix: 'originals/',
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.website = new s3.Bucket(this, 'Website', {
      ...secure,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'website/',
      versioned: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // CloudFront reads through Origin Access Control. The policy names the account's distributions
    // rather than the GoodGreets one: naming it would make this stack depend on the edge stack,
    // which itself needs these buckets as origins. Images expose only the derived prefixes.
    this.allowCloudFrontRead(this.website, ['*']);
    this.allowCloudFrontRead(this.images, ['display/*', 'thumbnails/*']);
  }

  private allowCloudFrontRead(bucket: s3.Bucket, keyPatterns: string[]): void {
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontOriginAccessControl',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: keyPatterns.map((pattern) => bucket.arnForObjects(pattern)),
        conditions: {
          StringLike: {
            'AWS:SourceArn': this.formatArn({
              service: 'cloudfront',
              region: '',
              resource: 'distribution',
              resourceName: '*',
            }),
          },
        },
      }),
    );
  }
}
