import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../support/app.js';
import {
  BRAZIL,
  bulkIngest,
  expectExportHolds,
  type InvoicesApi,
  invoiceBatch,
  sdkFor,
  waitForExport,
} from '../../support/exports.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';
import { s3Env, startS3Server, type TestS3Server } from '../../support/s3-server.js';
import { expectLinkExpiresAfter30s } from '../../support/sdk.js';

const INVOICES = 45;
const PER_ZIP = 20;

async function keysUnder(t: TestApp, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of t.deps.blobs.list(prefix)) keys.push(entry.key);
  return keys;
}

/** The SDK end to end with BLOB_BACKEND=s3, configured through the S3_* variables, against s3rver. */
describe('SP-API exports on an S3-compatible blob store', () => {
  let s3: TestS3Server;
  let t: TestApp;
  let seller: Seller;
  let api: InvoicesApi;
  let restoreLwa: () => void;
  let expected: Map<string, string>;
  let exportId: string;
  let documentIds: string[];

  beforeAll(async () => {
    s3 = await startS3Server('invoicehub-exports');
    t = await startTestApp(
      {
        RATE_LIMITS_ENABLED: 'false',
        EXPORT_MAX_ENTRIES_PER_ZIP: String(PER_ZIP),
        ...s3Env(s3),
      },
      'exports-s3',
    );
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    expected = await bulkIngest(
      t.url,
      ADMIN_TOKEN,
      invoiceBatch(seller, INVOICES, new Date('2026-11-19T18:00:00.000Z')),
    );
    api = sdkFor(t.url, seller);
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
    await s3?.close();
  });

  it('is configured from the S3_* variables', () => {
    expect(t.deps.config.blobBackend).toBe('s3');
    expect(t.deps.config.s3).toMatchObject({
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      forcePathStyle: true,
    });
    expect(t.deps.blobs.kind).toBe('s3');
  });

  it('streams every part into the bucket; the downloads hold every invoice once, byte for byte', async () => {
    const created = await api.createInvoicesExportWithHttpInfo({
      marketplaceId: BRAZIL,
      dateStart: '2026-11-19',
      dateEnd: '2026-11-19',
      fileFormat: 'XML',
    });
    expect(created.response.status).toBe(202);
    exportId = created.data.exportId;
    const done = await waitForExport(api, exportId);
    expect(done.status).toBe('DONE');
    expect(done.invoicesDocumentIds).toHaveLength(Math.ceil(INVOICES / PER_ZIP));
    documentIds = done.invoicesDocumentIds;
    const documents = await expectExportHolds(api, done, expected, {
      maxEntriesPerDocument: PER_ZIP,
      withinMs: 30_000,
    });
    expect(documents.map((d) => d.entries.size)).toEqual([20, 20, 5]);
    for (const [i, d] of documents.entries()) {
      expect(d.headers.get('content-disposition')).toContain(`${documentIds[i]}.zip`);
    }

    // The objects are in the bucket, one per document row, nothing else under the export.
    const { rows } = await sql<{ blob_key: string; size_bytes: string }>`
      select blob_key, size_bytes from export_documents where export_id = ${exportId} order by part`.execute(
      t.deps.db.db,
    );
    expect(await keysUnder(t, `exports/${seller.sellerId}/${exportId}/`)).toEqual(
      rows.map((r) => r.blob_key),
    );
    for (const [i, row] of rows.entries()) {
      const head = await t.deps.blobs.head(row.blob_key);
      expect(head).toMatchObject({ size: Number(row.size_bytes), contentType: 'application/zip' });
      expect(head?.size).toBe(documents[i]?.bytes.length);
    }
  });

  it('signs each download URL for 30 seconds: past that → 403', async () => {
    const id = documentIds[0] as string;
    const { response } = await api.getInvoicesDocumentWithHttpInfo(id);
    const url = response.body.invoicesDocument.invoicesDocumentUrl as string;
    await expectLinkExpiresAfter30s(t.clock, url);
    // A fresh URL works again.
    const again = await api.getInvoicesDocument(id);
    expect((await fetch(again.invoicesDocument.invoicesDocumentUrl as string)).status).toBe(200);
  });

  it('removes the objects from the bucket when the export expires', async () => {
    // Run the housekeeping here, not in the worker: one run, whose count is ours to check.
    await t.worker?.stop();
    t.clock.advance((t.deps.config.exportRetentionDays * 24 + 1) * 3_600_000);
    expect((await t.deps.services.housekeeping.run()).exportsDeleted).toBe(1);
    expect(await keysUnder(t, 'exports/')).toEqual([]);
    // The SDK's access token expired with the clock jump: a new client fetches a new one.
    const gone = await sdkFor(t.url, seller)
      .getInvoicesExport(exportId)
      .then(
        () => 200,
        (err: { status: number }) => err.status,
      );
    expect(gone).toBe(404);
  });
});
