import type { Readable } from 'node:stream';

/** What a stored object is: its key, its exact size in bytes and the content type given at `put`. */
export interface BlobInfo {
  key: string;
  size: number;
  contentType: string;
}

/**
 * One row of a listing. No content type: S3 listings do not carry it and a HEAD per object would make
 * listing O(n) requests. `lastModified` is what orphan cleanup needs ("older than an hour, no row").
 */
export interface BlobEntry {
  key: string;
  size: number;
  lastModified: Date;
}

export interface PutOptions {
  contentType: string;
  /** Aborting stops the write; like a source error, it leaves no object and no temporary data. */
  signal?: AbortSignal;
}

/**
 * Blob storage behind one interface (disk or S3-compatible). Keys are `/`-separated relative names,
 * checked by `assertValidKey` on every call. `list` and `deletePrefix` match a plain string prefix,
 * as S3 does (`exports/a` matches `exports/a/x` and `exports/ab`), and list in ascending key order.
 */
export interface BlobStore {
  readonly kind: 'disk' | 's3';
  /**
   * Streams `body` into `key` without holding it in memory. The object appears only when complete:
   * on a source error or abort the promise rejects and neither a partial object nor temporary data
   * remains (an existing object under `key` is then left as it was).
   */
  put(key: string, body: Readable | Uint8Array, opts: PutOptions): Promise<BlobInfo>;
  /** The object and an open stream of its bytes; the caller must consume or destroy the stream. */
  get(key: string): Promise<{ info: BlobInfo; stream: Readable } | null>;
  head(key: string): Promise<BlobInfo | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (non-empty); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Objects whose key starts with `prefix` (`''` lists everything), in ascending key order. */
  list(prefix: string): AsyncIterable<BlobEntry>;
  close?(): Promise<void>;
}

/** A key (or prefix) the stores refuse, or a disk path that would leave the store's root. */
export class BlobKeyError extends Error {
  constructor(
    message: string,
    readonly key: string,
    readonly reason: 'invalid' | 'escapes_root' | 'conflict' = 'invalid',
  ) {
    super(message);
    this.name = 'BlobKeyError';
  }
}

export const MAX_KEY_LENGTH = 512;
/** Each segment becomes a file name on disk (255 bytes at most, minus the sidecar suffix). */
export const MAX_SEGMENT_LENGTH = 200;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

function keyProblem(key: string, allowTrailingSlash: boolean): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'must be a non-empty string';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith('/')) return 'must be relative (no leading "/")';
  const segments = key.split('/');
  if (allowTrailingSlash && segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
    if (segment.length > MAX_SEGMENT_LENGTH)
      return `segments must be at most ${MAX_SEGMENT_LENGTH} characters`;
    // The character class also rules out backslashes, NUL, other control characters and non-ASCII.
    if (!SEGMENT.test(segment)) return 'segments may only contain A-Z, a-z, 0-9, ".", "_" and "-"';
  }
  return undefined;
}

/** The one check of object keys, shared by both backends and by the URL signer. */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key, false);
  if (problem) throw new BlobKeyError(`invalid blob key ${JSON.stringify(key)}: ${problem}`, String(key));
}

/** A listing prefix: `''`, a valid key, or a valid key followed by `/`. */
export function assertValidPrefix(prefix: string, opts: { allowEmpty: boolean }): void {
  if (prefix === '' && opts.allowEmpty) return;
  const problem = keyProblem(prefix, true);
  if (problem) {
    throw new BlobKeyError(`invalid blob prefix ${JSON.stringify(prefix)}: ${problem}`, String(prefix));
  }
}

/** Content types are stored and echoed in headers: refuse anything that could split a header. */
export function assertValidContentType(contentType: string): void {
  if (typeof contentType !== 'string' || !/^[\x21-\x7e][\x20-\x7e]{0,254}$/.test(contentType)) {
    throw new TypeError(`invalid content type ${JSON.stringify(contentType)}`);
  }
}
