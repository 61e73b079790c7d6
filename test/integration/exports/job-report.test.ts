import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../support/app.js';
import { BRAZIL, bulkIngest, invoiceBatch, sdkFor, waitForExport } from '../../support/exports.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';

const INVOICES = 25;

/** An export says how many invoices it wrote: to the operator, in /metrics. */
describe('job reports', () => {
  let t: TestApp;
  let seller: Seller;
  let restoreLwa: () => void;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false', EXPORT_MAX_ENTRIES_PER_ZIP: '10' }, 'job-report');
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    await bulkIngest(
      t.url,
      ADMIN_TOKEN,
      invoiceBatch(seller, INVOICES, new Date('2026-11-19T18:00:00.000Z')),
    );
  });
  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
  });

  it('records the invoices an export wrote, across its ZIPs, in GET /admin/v1/jobs and /metrics', async () => {
    const api = sdkFor(t.url, seller);
    const { exportId } = await api.createInvoicesExport({ marketplaceId: BRAZIL, dateStart: '2026-11-01' });
    const done = await waitForExport(api, exportId);
    expect(done.status).toBe('DONE');
    expect(done.invoicesDocumentIds).toHaveLength(3);

    const res = await t.admin('GET', '/admin/v1/jobs?queue=invoice-export&status=succeeded');
    expect(res.status).toBe(200);
    const { jobs } = (await res.json()) as {
      jobs: { sellerId: string; report: unknown; finishedAt: string }[];
    };
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      sellerId: seller.sellerId,
      report: { done: INVOICES, unit: 'invoices' },
    });
    expect(jobs[0]?.finishedAt).toMatch(/Z$/);

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain(
      `invoicehub_job_items_total{queue="invoice-export",unit="invoices"} ${INVOICES}`,
    );

    const bad = await t.admin('GET', '/admin/v1/jobs?status=finished');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'status' }] });
  });
});
