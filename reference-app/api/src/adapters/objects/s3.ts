import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ObjectMissing, storageUnavailable } from '../../domain/errors';
import type { ObjectStore } from '../../domain/ports';

/**
 * S3 object storage. The bucket stays private; browsers load display images and thumbnails
 * through CloudFront (publicBaseUrl), and S3 "Object Created" events reach the thumbnailer
 * Lambda through EventBridge.
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly publicBaseUrl: string,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    // A PutObject is all or nothing; whatever refused it (throttling, an outage, a policy) is ours.
    await this.client
      .send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          // Generated images never change under a key.
          CacheControl: key.startsWith('originals/') ? 'private, no-store' : 'public, max-age=31536000, immutable',
          ServerSideEncryption: 'AES256',
        }),
      )
      .catch((err: unknown) => {
        throw storageUnavailable(err);
      });
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch((err: unknown) => {
        if ((err as { name?: unknown }).name === 'NoSuchKey') throw new ObjectMissing(key, err);
        throw err;
      });
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  url(key: string): string {
    return `${this.publicBaseUrl}/${key}`;
  }
}
