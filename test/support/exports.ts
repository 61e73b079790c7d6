import { expect } from 'vitest';
import { invoiceXml, type Seller } from './fixtures.js';
import { type InvoicesApi, sdkFor, waitFor } from './sdk.js';
import { validateSpApi } from './spapi-model.js';

export { type InvoicesApi, sdkFor, waitFor };

import { unzip } from './unzip.js';
import { buildZip } from './zip.js';

export { BRAZIL } from '../../src/core/marketplaces.js';

export interface SpApiExport {
  exportId: string;
  status: string;
  errorMessage: string;
  invoicesDocumentIds: string[];
  generateExportStartedAt?: string;
  generateExportFinishedAt?: string;
}

/** Polls getInvoicesExport until DONE or ERROR, checking every answer against Amazon's model. */
export async function waitForExport(
  api: InvoicesApi,
  exportId: string,
  {
    timeoutMs = 30_000,
    intervalMs = 50,
    onPoll,
  }: { timeoutMs?: number; intervalMs?: number; onPoll?: () => void } = {},
): Promise<SpApiExport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { response } = await api.getInvoicesExportWithHttpInfo(exportId);
    expect(validateSpApi('GetInvoicesExportResponse', response.body)).toEqual([]);
    const e = response.body.export as SpApiExport;
    if (e.status === 'DONE' || e.status === 'ERROR') return e;
    // Never a partial list while the export runs.
    expect(e.invoicesDocumentIds).toEqual([]);
    if (Date.now() > deadline) throw new Error(`export ${exportId} still ${e.status} after ${timeoutMs} ms`);
    onPoll?.();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface Downloaded {
  url: string;
  bytes: Buffer;
  entries: Map<string, Buffer>;
  headers: Headers;
  /** Milliseconds from asking for the URL to the last byte. */
  elapsedMs: number;
}

/** getInvoicesDocument, then the download its URL points at, then the ZIP's entries. */
export async function downloadDocument(api: InvoicesApi, documentId: string): Promise<Downloaded> {
  const started = Date.now();
  const { response } = await api.getInvoicesDocumentWithHttpInfo(documentId);
  expect(validateSpApi('GetInvoicesDocumentResponse', response.body)).toEqual([]);
  expect(response.body.invoicesDocument.invoicesDocumentId).toBe(documentId);
  const url = response.body.invoicesDocument.invoicesDocumentUrl as string;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
  return { url, bytes, entries: await unzip(bytes), headers: res.headers, elapsedMs: Date.now() - started };
}

/**
 * Downloads every document of a DONE export and checks the union of their entries is exactly
 * `expected` (invoice id → ingested XML), each invoice once, byte for byte. Returns the documents.
 */
export async function expectExportHolds(
  api: InvoicesApi,
  done: SpApiExport,
  expected: Map<string, string>,
  opts: { maxEntriesPerDocument?: number; withinMs?: number } = {},
): Promise<Downloaded[]> {
  expect(done.status).toBe('DONE');
  const seen = new Map<string, Buffer>();
  const documents: Downloaded[] = [];
  for (const id of done.invoicesDocumentIds) {
    const doc = await downloadDocument(api, id);
    if (opts.withinMs !== undefined) expect(doc.elapsedMs).toBeLessThan(opts.withinMs);
    if (opts.maxEntriesPerDocument !== undefined) {
      expect(doc.entries.size).toBeLessThanOrEqual(opts.maxEntriesPerDocument);
    }
    for (const [name, bytes] of doc.entries) {
      if (seen.has(name)) throw new Error(`${name} appears in more than one document`);
      seen.set(name, bytes);
    }
    documents.push(doc);
  }
  const names = [...expected.keys()].map((id) => `${id}.xml`).sort();
  expect([...seen.keys()].sort()).toEqual(names);
  const differing = [...expected].filter(([id, xml]) => !seen.get(`${id}.xml`)?.equals(Buffer.from(xml)));
  expect(differing.map(([id]) => id)).toEqual([]);
  return documents;
}

/** `count` authorized NF-e of `seller`, one a minute apart, the last at `last`: invoice XML by index. */
export function invoiceBatch(seller: Seller, count: number, last: Date, firstNumber = 1): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      invoiceXml(seller.cnpj, {
        number: firstNumber + i,
        issuedAt: new Date(last.getTime() - (count - 1 - i) * 60_000),
      }).xml,
  );
}

interface BulkAnswer {
  summary: { total: number; failed: number };
  results: { name: string; outcome: string; invoiceId?: string }[];
}

/**
 * Ingests the XMLs through the operator API's bulk ZIP endpoint (in ZIPs of `perZip`); returns
 * invoice id → XML, exactly as ingested.
 */
export async function bulkIngest(
  baseUrl: string,
  adminToken: string,
  xmls: string[],
  perZip = 1000,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let start = 0; start < xmls.length; start += perZip) {
    const chunk = xmls.slice(start, start + perZip);
    const zip = buildZip(chunk.map((data, i) => ({ name: `nfe/${start + i}.xml`, data })));
    const res = await fetch(`${baseUrl}/admin/v1/invoices/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/zip' },
      body: zip,
    });
    if (res.status !== 200) throw new Error(`bulk ingestion answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as BulkAnswer;
    if (body.summary.failed > 0) throw new Error(`bulk ingestion failed: ${JSON.stringify(body.results)}`);
    for (const r of body.results) {
      const index = Number(/^nfe\/(\d+)\.xml$/.exec(r.name)?.[1]);
      if (r.outcome !== 'created' || !r.invoiceId) throw new Error(`unexpected result ${JSON.stringify(r)}`);
      out.set(r.invoiceId, xmls[index] as string);
    }
  }
  expect(out.size).toBe(xmls.length);
  return out;
}
