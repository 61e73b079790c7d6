import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertValidContentType,
  assertValidKey,
  assertValidPrefix,
  type BlobEntry,
  type BlobInfo,
  type BlobStore,
  type PutOptions,
} from '../../core/ports/blob-store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  forcePathStyle?: boolean;
  /** Unset: the AWS default credential chain. */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** Keys per ListObjectsV2 page (max 1000); small values let tests exercise paging. */
  listPageSize?: number;
}

/** Multipart parts of 8 MiB, two in flight: a put holds about three parts in memory whatever its size. */
export const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly pageSize: number;

  constructor(opts: S3BlobStoreOptions) {
    this.bucket = opts.bucket;
    this.pageSize = Math.min(1000, Math.max(1, opts.listPageSize ?? 1000));
    this.client = new S3Client({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.accessKeyId && opts.secretAccessKey
        ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
        : {}),
      // The SDK's default CRC32 checksums (aws-chunked trailers on streamed bodies) are not understood
      // by many S3-compatible servers; send checksums only where the API requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Creates the bucket when it does not exist (tests, and startup when configured to). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err) && (err as Error).name !== 'NoSuchBucket') throw err;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if ((err as Error).name !== 'BucketAlreadyOwnedByYou') throw err;
    }
  }

  async put(key: string, body: Readable | Uint8Array, opts: PutOptions): Promise<BlobInfo> {
    try {
      assertValidKey(key);
      assertValidContentType(opts.contentType);
      opts.signal?.throwIfAborted();
    } catch (err) {
      if (body instanceof Readable) body.destroy();
      throw err;
    }
    let size = body instanceof Readable ? 0 : body.byteLength;
    let sourceError: unknown;
    // Count bytes on the way through, and remember why the source failed: on some servers the
    // multipart abort that follows fails too, and its error would hide the real cause.
    const counter =
      body instanceof Readable
        ? new Transform({
            transform(chunk: Buffer, _enc, done) {
              size += chunk.length;
              done(null, chunk);
            },
          })
        : undefined;
    if (body instanceof Readable && counter) {
      pipeline(body, counter).catch((err: unknown) => {
        sourceError ??= err;
      });
    }
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counter ?? body, ContentType: opts.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false, // abort the multipart upload: no partial object, no parts left behind
    });
    const onAbort = () => {
      sourceError ??= opts.signal?.reason;
      counter?.destroy(); // stop feeding parts, then abort the ones in flight
      void upload.abort();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
      return { key, size, contentType: opts.contentType };
    } catch (err) {
      const cause = sourceError ?? err;
      counter?.destroy();
      if (body instanceof Readable) body.destroy();
      throw cause;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  async get(key: string): Promise<{ info: BlobInfo; stream: Readable } | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const info = {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
      };
      return { info, stream: out.Body as Readable };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix, { allowEmpty: false });
    let deleted = 0;
    // Collect a page, delete it, list again from the start: never holds more than one page of keys.
    for (;;) {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: this.pageSize }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) return deleted;
      const out = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `S3 DeleteObjects failed for ${failed.length} key(s), first ${first?.Key}: ${first?.Code}`,
        );
      }
      deleted += keys.length;
      if (!page.IsTruncated) return deleted;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobEntry> {
    assertValidPrefix(prefix, { allowEmpty: true });
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          MaxKeys: this.pageSize,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) {
          yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  // HEAD responses have no body, so a missing key (or bucket) surfaces as a bare `NotFound`.
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'NotFound' || name === 'NoSuchKey';
}
