import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  BRAZIL,
  type InvoicesApi,
  invoiceBatch,
  type SpApiExport,
  sdkFor,
  waitFor,
  waitForExport,
} from '../../support/exports.js';
import { createSeller, ingest, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETENTION_DAYS = 2;

interface HousekeepingJob {
  dedupe_key: string;
  status: string;
  run_at: Date;
}

/**
 * EXPORT_RETENTION_DAYS: an export and its documents (rows and blobs) are deleted by the hourly
 * housekeeping job once that many days old. Download URLs here live a week, so a link still valid by
 * its signature meets a deleted file: 404, not 403.
 */
describe('export retention', () => {
  let t: TestApp;
  let seller: Seller;
  let restoreLwa: () => void;
  /** A new client after every clock jump: the SDK's cached access token expires with it. */
  const api = (): InvoicesApi => sdkFor(t.url, seller);

  async function housekeepingJobs(): Promise<HousekeepingJob[]> {
    const { rows } = await sql<HousekeepingJob>`
      select dedupe_key, status, run_at from jobs where queue = 'housekeeping' order by run_at`.execute(
      t.deps.db.db,
    );
    return rows.map((r) => ({ ...r, run_at: new Date(r.run_at) }));
  }

  async function exportDone(): Promise<{ done: SpApiExport; url: string }> {
    const client = api();
    const { exportId } = await client.createInvoicesExport({
      marketplaceId: BRAZIL,
      dateStart: '2026-11-01',
    });
    const done = await waitForExport(client, exportId);
    expect(done.status).toBe('DONE');
    const doc = await client.getInvoicesDocument(done.invoicesDocumentIds[0] as string);
    const url = doc.invoicesDocument.invoicesDocumentUrl as string;
    expect((await fetch(url)).status).toBe(200);
    return { done, url };
  }

  async function blobKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const e of t.deps.blobs.list(prefix)) keys.push(e.key);
    return keys;
  }

  const status = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (err: { status: number }) => err.status,
    );

  beforeAll(async () => {
    t = await startTestApp(
      {
        RATE_LIMITS_ENABLED: 'false',
        EXPORT_RETENTION_DAYS: String(RETENTION_DAYS),
        EXPORT_MAX_ENTRIES_PER_ZIP: '2',
        DOWNLOAD_URL_TTL_SECONDS: String(7 * 86_400),
      },
      'exports-retention',
    );
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    for (const xml of invoiceBatch(seller, 5, new Date('2026-11-19T12:00:00.000Z'))) {
      expect((await ingest(t, xml)).status).toBe(201);
    }
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
  });

  it('schedules the housekeeping job at start: this hour and the next', async () => {
    const hour = Math.floor(t.clock.now().getTime() / HOUR);
    const jobs = await housekeepingJobs();
    expect(jobs.map((j) => j.dedupe_key)).toEqual([`hour:${hour}`, `hour:${hour + 1}`]);
    expect(jobs[1]).toMatchObject({ status: 'queued', run_at: new Date((hour + 1) * HOUR) });
  });

  it('deletes an expired export with its documents and blobs; a younger one stays', async () => {
    const old = await exportDone();
    t.clock.advance(DAY);
    const young = await exportDone();
    const oldPrefix = `exports/${seller.sellerId}/${old.done.exportId}/`;
    const youngPrefix = `exports/${seller.sellerId}/${young.done.exportId}/`;
    expect(await blobKeys(oldPrefix)).toHaveLength(3);

    // Past the old export's retention (not the young one's): the queued hourly job is due now and
    // the worker runs it.
    t.clock.advance((RETENTION_DAYS - 1) * DAY + 2 * HOUR);
    t.worker?.wake();
    await waitFor(async () => (await status(api().getInvoicesExport(old.done.exportId))) === 404, {
      what: 'the scheduled housekeeping to delete the expired export',
    });
    expect(await status(api().getInvoicesDocument(old.done.invoicesDocumentIds[0] as string))).toBe(404);
    expect(await blobKeys(oldPrefix)).toEqual([]);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from export_documents where export_id = ${old.done.exportId}`.execute(
      t.deps.db.db,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    // The old link is still validly signed; the file behind it is gone.
    const stale = await fetch(old.url);
    expect(stale.status).toBe(404);
    expect(await stale.text()).toContain('no longer exists');

    // The younger export is untouched.
    const { response } = await api().getInvoicesExportWithHttpInfo(young.done.exportId);
    expect(response.body.export.status).toBe('DONE');
    expect(await blobKeys(youngPrefix)).toHaveLength(3);
    expect((await fetch(young.url)).status).toBe(200);

    // The job that ran rescheduled itself for the hours ahead.
    const now = Math.floor(t.clock.now().getTime() / HOUR);
    await waitFor(async () => (await housekeepingJobs()).some((j) => j.dedupe_key === `hour:${now + 1}`), {
      what: 'the next housekeeping run to be scheduled',
    });
  });

  it('deletes the younger export once it expires too (housekeeping run directly)', async () => {
    // Stop the worker so the one run is ours and its count is exact.
    await t.worker?.stop();
    const { exports } = await api().getInvoicesExports(BRAZIL, { dateStart: '2026-11-01' });
    expect(exports).toHaveLength(1);
    const young = exports[0] as SpApiExport;
    t.clock.advance(DAY);
    expect(await t.deps.services.housekeeping.run()).toMatchObject({ exportsDeleted: 1 });
    expect(await status(api().getInvoicesExport(young.exportId))).toBe(404);
    expect(await status(api().getInvoicesDocument(young.invoicesDocumentIds[0] as string))).toBe(404);
    expect(await blobKeys('exports/')).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from export_documents`.execute(
      t.deps.db.db,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    // Nothing left to delete: a second run is a no-op.
    expect(await t.deps.services.housekeeping.run()).toMatchObject({ exportsDeleted: 0 });
  });
});
