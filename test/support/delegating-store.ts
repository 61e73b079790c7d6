import type { Readable } from 'node:stream';
import type { BlobStore, PutOptions } from '../../src/core/ports/blob-store.js';

/** A blob store passing everything to a real one; tests override `put` to slow it down or break it. */
export class DelegatingBlobStore implements BlobStore {
  readonly kind: BlobStore['kind'];
  constructor(protected readonly inner: BlobStore) {
    this.kind = inner.kind;
  }
  put(key: string, body: Readable | Uint8Array, opts: PutOptions) {
    return this.inner.put(key, body, opts);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  head(key: string) {
    return this.inner.head(key);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  deletePrefix(prefix: string) {
    return this.inner.deletePrefix(prefix);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
}
