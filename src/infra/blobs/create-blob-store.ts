import path from 'node:path';
import type { BlobStore } from '../../core/ports/blob-store.js';
import type { Clock } from '../../core/ports/clock.js';
import { DiskBlobStore } from './disk-store.js';

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

/**
 * The blob store the configuration asks for: files under `<DATA_DIR>/blobs`, or an S3 bucket. The
 * AWS SDK loads only for S3 (~20 MB of a process's memory otherwise spent for nothing).
 */
export async function createBlobStore(
  config: BlobSettings,
  deps: { clock?: Clock } = {},
): Promise<BlobStore> {
  if (config.blobBackend === 's3') {
    const { bucket, ...s3 } = config.s3;
    if (!bucket) throw new Error('S3_BUCKET is required when BLOB_BACKEND=s3');
    const { S3BlobStore } = await import('./s3-store.js');
    return new S3BlobStore({ ...s3, bucket });
  }
  return new DiskBlobStore({ root: path.join(config.dataDir, 'blobs'), ...deps });
}

/** Startup chores: on disk, remove temp files a crash left behind. */
export async function prepareBlobStore(store: BlobStore): Promise<void> {
  if (store instanceof DiskBlobStore) await store.sweepTemp();
}
