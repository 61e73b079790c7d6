import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';
import { expectLinkExpiresAfter30s, type InvoicesApi, rejection, sdkFor } from '../../support/sdk.js';
import { validateSpApi } from '../../support/spapi-model.js';
import { unzip } from '../../support/unzip.js';

describe('SP-API exports through the official SDK', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let restoreLwa: () => void;
  let api: InvoicesApi;
  /** invoice id → exact bytes ingested */
  const ingested = new Map<string, string>();
  const statusOf = new Map<string, string>();

  async function waitDone(exportId: string) {
    for (let i = 0; i < 200; i++) {
      const { response } = await api.getInvoicesExportWithHttpInfo(exportId);
      expect(validateSpApi('GetInvoicesExportResponse', response.body)).toEqual([]);
      const e = response.body.export;
      if (e.status === 'DONE' || e.status === 'ERROR') return e;
      expect(e.invoicesDocumentIds).toEqual([]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('export did not finish');
  }

  async function download(
    documentId: string,
  ): Promise<{ url: string; entries: Map<string, Buffer>; headers: Headers }> {
    const { response } = await api.getInvoicesDocumentWithHttpInfo(documentId);
    expect(validateSpApi('GetInvoicesDocumentResponse', response.body)).toEqual([]);
    const url = response.body.invoicesDocument.invoicesDocumentUrl as string;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return { url, entries: await unzip(Buffer.from(await res.arrayBuffer())), headers: res.headers };
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false', EXPORT_MAX_ENTRIES_PER_ZIP: '7' }, 'exports');
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    other = await createSeller(t);
    const base = Date.parse('2026-11-18T00:00:00.000Z');
    for (let n = 1; n <= 24; n++) {
      const outcome = n % 6 === 0 ? ({ kind: 'cancelled-cstat101', at: new Date(base) } as const) : undefined;
      const { xml } = invoiceXml(seller.cnpj, {
        number: n,
        issuedAt: new Date(base + n * 3_600_000),
        ...(outcome ? { outcome } : {}),
      });
      const res = await ingest(t, xml);
      ingested.set(res.body.invoice?.id as string, xml);
      statusOf.set(res.body.invoice?.id as string, res.body.invoice?.status as string);
    }
    await ingest(t, invoiceXml(other.cnpj, { number: 1, issuedAt: new Date(base + 3_600_000) }).xml);
    api = sdkFor(t.url, seller);
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
  });

  it('exports every matching invoice, split into ZIPs of 7, byte for byte', async () => {
    const created = await api.createInvoicesExportWithHttpInfo({
      marketplaceId: BRAZIL,
      dateStart: '2026-11-17T00:00:00',
      dateEnd: '2026-11-20T00:00:00',
      fileFormat: 'XML',
    });
    expect(created.response.status).toBe(202);
    expect(validateSpApi('ExportInvoicesResponse', created.response.body)).toEqual([]);
    const done = await waitDone(created.data.exportId);
    expect(done.status).toBe('DONE');
    expect(done.generateExportStartedAt <= done.generateExportFinishedAt).toBe(true);
    expect(done.invoicesDocumentIds).toHaveLength(4); // 24 invoices, 7 per document
    const seen = new Map<string, Buffer>();
    for (const id of done.invoicesDocumentIds) {
      const { entries, headers } = await download(id);
      expect(headers.get('content-type')).toBe('application/zip');
      expect(headers.get('content-disposition')).toContain(`${id}.zip`);
      expect(entries.size).toBeLessThanOrEqual(7);
      for (const [name, bytes] of entries) {
        expect(seen.has(name)).toBe(false);
        seen.set(name, bytes);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...ingested.keys()].map((id) => `${id}.xml`).sort());
    for (const [id, xml] of ingested) expect(seen.get(`${id}.xml`)?.equals(Buffer.from(xml))).toBe(true);
  });

  it('applies the getInvoices filters and answers an export matching nothing with one empty ZIP', async () => {
    const canceled = await api.createInvoicesExport({
      marketplaceId: BRAZIL,
      dateStart: '2026-11-17',
      statuses: ['CANCELED'],
    });
    const done = await waitDone(canceled.exportId);
    const { entries } = await download(done.invoicesDocumentIds[0]);
    const expected = [...statusOf].filter(([, s]) => s === 'CANCELED').map(([id]) => `${id}.xml`);
    expect([...entries.keys()].sort()).toEqual(expected.sort());

    const none = await api.createInvoicesExport({
      marketplaceId: BRAZIL,
      dateStart: '2025-01-01',
      dateEnd: '2025-01-02',
    });
    const empty = await waitDone(none.exportId);
    expect(empty.status).toBe('DONE');
    expect(empty.invoicesDocumentIds).toHaveLength(1);
    expect((await download(empty.invoicesDocumentIds[0])).entries.size).toBe(0);
  });

  it('signs download URLs for 30 seconds: expired or altered → 403', async () => {
    const created = await api.createInvoicesExport({
      marketplaceId: BRAZIL,
      dateStart: '2026-11-18',
      dateEnd: '2026-11-18',
    });
    const done = await waitDone(created.exportId);
    const { response } = await api.getInvoicesDocumentWithHttpInfo(done.invoicesDocumentIds[0]);
    const url = response.body.invoicesDocument.invoicesDocumentUrl as string;
    const altered = url.slice(0, -2) + (url.endsWith('A') ? 'BB' : 'AA');
    expect((await fetch(altered)).status).toBe(403);
    await expectLinkExpiresAfter30s(t.clock, url);
  });

  it('rejects a file format other than XML and another seller’s export and document ids', async () => {
    const pdf = await rejection(api.createInvoicesExport({ marketplaceId: BRAZIL, fileFormat: 'PDF' }));
    expect(pdf.status).toBe(400);
    expect(pdf.response.body.errors[0]?.details).toContain('fileFormat');
    const mine = await api.createInvoicesExport({ marketplaceId: BRAZIL, dateStart: '2026-11-18' });
    const done = await waitDone(mine.exportId);
    const otherApi = sdkFor(t.url, other);
    expect((await rejection(otherApi.getInvoicesExport(mine.exportId))).status).toBe(404);
    expect((await rejection(otherApi.getInvoicesDocument(done.invoicesDocumentIds[0]))).status).toBe(404);
  });

  it('lists exports by creation window and status, page by page with nextToken', async () => {
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const { response } = await api.getInvoicesExportsWithHttpInfo(
        BRAZIL,
        nextToken ? { nextToken } : { pageSize: 2, status: 'DONE' },
      );
      expect(validateSpApi('GetInvoicesExportsResponse', response.body)).toEqual([]);
      for (const e of response.body.exports) {
        expect(e.status).toBe('DONE');
        expect(e.invoicesDocumentIds.length).toBeGreaterThan(0);
        all.push(e.exportId);
      }
      nextToken = response.body.nextToken;
    } while (nextToken);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const old = await api.getInvoicesExports(BRAZIL, { dateStart: '2026-01-01', dateEnd: '2026-02-01' });
    expect(old.exports).toEqual([]);
    const bad = await rejection(api.getInvoicesExports(BRAZIL, { status: 'FINISHED' }));
    expect(bad.status).toBe(400);
  });
});
