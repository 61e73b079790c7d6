import path from 'node:path';
import type { BlobStore } from '../../core/ports/blob-store.js';
import type { Clock } from '../../core/ports/clock.js';
import { DiskBlobStore } from './disk-store.js';
import { S3BlobStore } from './s3-store.js';

/** What the blob stores are configured with (BLOB_BACKEND, DATA_DIR and the S3_* variables). */
export interface BlobSettings {
  blobBackend: 'disk' | 's3';
  dataDir: string;
  s3: {
    endpoint: string | undefined;
    region: string;
    bucket: string | undefined;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    forcePathStyle: boolean;
  };
}

/** The blob store the configuration asks for: files under `<DATA_DIR>/blobs`, or an S3 bucket. */
export function createBlobStore(config: BlobSettings, deps: { clock?: Clock } = {}): BlobStore {
  if (config.blobBackend === 's3') {
    const { bucket, ...s3 } = config.s3;
    if (!bucket) throw new Error('S3_BUCKET is required when BLOB_BACKEND=s3');
    return new S3BlobStore({ ...s3, bucket });
  }
  return new DiskBlobStore({ root: path.join(config.dataDir, 'blobs'), ...deps });
}

/**
 * Startup chores of each backend: on disk, remove temp files a crash left behind; on S3, create the
 * bucket when asked to (handy for MinIO/s3rver; production buckets are usually provisioned).
 */
export async function prepareBlobStore(
  store: BlobStore,
  opts: { createBucket?: boolean } = {},
): Promise<void> {
  if (store instanceof DiskBlobStore) await store.sweepTemp();
  if (store instanceof S3BlobStore && opts.createBucket) await store.ensureBucket();
}
