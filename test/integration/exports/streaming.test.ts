import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PutOptions } from '../../../src/core/ports/blob-store.js';
import { DiskBlobStore } from '../../../src/infra/blobs/disk-store.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../support/app.js';
import { DelegatingBlobStore } from '../../support/delegating-store.js';
import {
  BRAZIL,
  bulkIngest,
  expectExportHolds,
  invoiceBatch,
  sdkFor,
  waitForExport,
} from '../../support/exports.js';
import { createSeller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';

const INVOICES = 600;
const KiB = 1024;

/**
 * A blob store that reads what it is given slowly (a congested bucket) and records, at every chunk,
 * how many bytes the producer had queued ahead of it.
 */
class SlowMeteredStore extends DelegatingBlobStore {
  readonly puts: { key: string; streamed: boolean; bytes: number; maxQueued: number }[] = [];
  override async put(key: string, body: Readable | Uint8Array, opts: PutOptions) {
    if (!(body instanceof Readable)) {
      this.puts.push({ key, streamed: false, bytes: body.byteLength, maxQueued: body.byteLength });
      return this.inner.put(key, body, opts);
    }
    const record = { key, streamed: true, bytes: 0, maxQueued: 0 };
    this.puts.push(record);
    const slow = new Transform({
      highWaterMark: 16 * KiB,
      transform(chunk: Buffer, _enc, done) {
        record.maxQueued = Math.max(record.maxQueued, body.readableLength);
        record.bytes += chunk.length;
        setTimeout(() => done(null, chunk), 1);
      },
    });
    const piping = pipeline(body, slow);
    const [info] = await Promise.all([this.inner.put(key, slow, opts), piping]);
    return info;
  }
}

/**
 * Flat memory is measured by the benchmark (peak RSS of a server exporting a large dataset); RSS in
 * a test process is too noisy to assert on. What is asserted here is the mechanism that keeps it
 * flat: the ZIP reaches the store as a stream, and with a slow store the writer waits (back-pressure
 * down to the database reads) instead of queueing the archive in memory.
 */
describe('export ZIPs are streamed into the blob store with back-pressure', () => {
  let t: TestApp;
  let blobDir: string;
  let restoreLwa: () => void;
  const store = (() => {
    blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-streaming-blobs-'));
    return new SlowMeteredStore(new DiskBlobStore({ root: blobDir }));
  })();

  beforeAll(async () => {
    t = await startTestApp(
      { RATE_LIMITS_ENABLED: 'false', EXPORT_MAX_ENTRIES_PER_ZIP: String(INVOICES) },
      'exports-streaming',
      { blobs: store },
    );
    restoreLwa = redirectLwaTo(t.url);
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
    if (blobDir) fs.rmSync(blobDir, { recursive: true, force: true });
  });

  it('queues a bounded amount ahead of a slow store, not the ZIP', async () => {
    const seller = await createSeller(t);
    const expected = await bulkIngest(
      t.url,
      ADMIN_TOKEN,
      invoiceBatch(seller, INVOICES, new Date('2026-11-19T12:00:00.000Z')),
    );
    const api = sdkFor(t.url, seller);
    const { exportId } = await api.createInvoicesExport({ marketplaceId: BRAZIL, dateStart: '2026-11-18' });
    const done = await waitForExport(api, exportId, { timeoutMs: 60_000 });
    expect(done.invoicesDocumentIds).toHaveLength(1);
    await expectExportHolds(api, done, expected);

    const [put] = store.puts.filter((p) => p.key.includes(exportId));
    expect(put?.streamed).toBe(true);
    // The archive is several times the bound; the queue ahead of the store stays under it (the
    // writer's backlog of ZIP_BACKLOG_BYTES = 64 KiB, plus the entries and central directory
    // written at the end), on every Node version whatever its default stream buffer.
    expect(put?.bytes).toBeGreaterThan(3 * 192 * KiB);
    expect(put?.maxQueued).toBeLessThan(192 * KiB);
  });
});
