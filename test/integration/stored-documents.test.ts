import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/infra/db/migrate.js';
import { storedBytes } from '../../src/infra/db/repos/stored-documents.js';
import { createStore } from '../../src/infra/db/store.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { waitForExport } from '../support/exports.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../support/fixtures.js';
import { redirectLwaTo } from '../support/lwa-redirect.js';
import { sdkFor } from '../support/sdk.js';
import { unzip } from '../support/unzip.js';

interface Row {
  invoice_id: string;
  plain: Buffer | null;
  deflated: Buffer | null;
  crc: number | null;
  size: number | null;
}

/**
 * Documents are stored deflated, with their CRC-32 and size (migrations/0011): exports frame them
 * as stored, reads inflate them. Rows stored before keep their plain bytes and are read alike.
 */
describe('stored documents', () => {
  let t: TestApp;
  let seller: Seller;
  let restoreLwa: () => void;
  /** invoice id → the bytes ingested */
  const ingested = new Map<string, Buffer>();

  async function rows(): Promise<Row[]> {
    const { rows } = await sql<Row>`
      select invoice_id, xml as plain, xml_deflated as deflated, xml_crc32 as crc, xml_size as size
        from invoice_documents where seller_id = ${seller.sellerId} order by invoice_id`.execute(
      t.db.database.db,
    );
    return rows.map((r) => ({
      ...r,
      plain: r.plain && Buffer.from(r.plain),
      deflated: r.deflated && Buffer.from(r.deflated),
    }));
  }

  async function operatorXml(invoiceId: string): Promise<Response> {
    return t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${invoiceId}/xml`);
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false', EXPORT_MAX_ENTRIES_PER_ZIP: '5' }, 'stored-docs');
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    const base = Date.parse('2026-11-01T00:00:00.000Z');
    for (let n = 1; n <= 12; n++) {
      const { xml } = invoiceXml(seller.cnpj, { number: n, issuedAt: new Date(base + n * 3_600_000) });
      const res = await ingest(t, xml);
      expect(res.status).toBe(201);
      ingested.set(res.body.invoice?.id as string, Buffer.from(xml));
    }
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
  });

  it('keeps each document deflated with its CRC-32 and size, and gives back the bytes ingested', async () => {
    const stored = await rows();
    expect(stored).toHaveLength(ingested.size);
    for (const row of stored) {
      const original = ingested.get(row.invoice_id) as Buffer;
      expect(row.plain).toBeNull();
      expect(inflateRawSync(row.deflated as Buffer).equals(original)).toBe(true);
      expect((row.crc as number) >>> 0).toBe(crc32(original));
      expect(row.size).toBe(original.byteLength);
      expect(row.deflated?.byteLength).toBeLessThan(original.byteLength / 2);
      const res = await operatorXml(row.invoice_id);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
    }
  });

  it('exports documents stored before the change and after it alike, byte for byte', async () => {
    // Half the rows as a store upgraded from an older version holds them: the plain bytes.
    const ids = [...ingested.keys()].sort().filter((_, i) => i % 2 === 0);
    for (const id of ids) {
      await sql`update invoice_documents
                   set xml = ${ingested.get(id)}, xml_deflated = null, xml_crc32 = null, xml_size = null
                 where seller_id = ${seller.sellerId} and invoice_id = ${id}`.execute(t.db.database.db);
    }
    expect((await rows()).filter((r) => r.plain).length).toBe(ids.length);
    for (const id of ids) {
      const res = await operatorXml(id);
      expect(Buffer.from(await res.arrayBuffer()).equals(ingested.get(id) as Buffer)).toBe(true);
    }

    const api = sdkFor(t.url, seller);
    const created = await api.createInvoicesExport({
      marketplaceId: 'A2Q3Y263D00KWC',
      dateStart: '2026-10-01',
    });
    const done = await waitForExport(api, created.exportId as string);
    expect(done.status).toBe('DONE');
    expect(done.invoicesDocumentIds).toHaveLength(3);
    const entries = new Map<string, Buffer>();
    for (const documentId of done.invoicesDocumentIds) {
      const doc = await api.getInvoicesDocument(documentId);
      const zip = Buffer.from(
        await (await fetch(doc.invoicesDocument?.invoicesDocumentUrl as string)).arrayBuffer(),
      );
      for (const [name, bytes] of await unzip(zip)) entries.set(name, bytes);
    }
    expect([...entries.keys()].sort()).toEqual([...ingested.keys()].map((id) => `${id}.xml`).sort());
    for (const [id, original] of ingested) expect(entries.get(`${id}.xml`)?.equals(original), id).toBe(true);
  });

  it('holds exactly one form per document', async () => {
    const row = (await rows()).find((r) => r.deflated);
    const db = t.db.database.db;
    await expect(
      sql`update invoice_documents set xml = ${Buffer.from('<NFe/>')} where invoice_id = ${row?.invoice_id}`.execute(
        db,
      ),
    ).rejects.toThrow(/invoice_documents_one_form/);
    await expect(
      sql`update invoice_documents set xml = null, xml_deflated = null where invoice_id = ${row?.invoice_id}`.execute(
        db,
      ),
    ).rejects.toThrow(/invoice_documents_one_form/);
  });

  it('refuses to serve a damaged document instead of other bytes than the ones ingested', async () => {
    const [flipped, wrongCrc] = (await rows()).filter((r) => r.deflated);
    const db = t.db.database.db;
    const damaged = Buffer.from(flipped?.deflated as Buffer);
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = (damaged[middle] as number) ^ 0xff;
    await sql`update invoice_documents set xml_deflated = ${damaged} where invoice_id = ${flipped?.invoice_id}`.execute(
      db,
    );
    await sql`update invoice_documents set xml_crc32 = xml_crc32 + 1 where invoice_id = ${wrongCrc?.invoice_id}`.execute(
      db,
    );
    for (const id of [flipped?.invoice_id, wrongCrc?.invoice_id]) {
      const res = await operatorXml(id as string);
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).not.toContain('<NFe');
    }
  });
});

describe('stored documents, read back', () => {
  const row = (bytes: Buffer) => {
    const deflated = deflateRawSync(bytes);
    return {
      xml: null,
      xml_deflated: deflated.toString('base64'),
      // As stored: the unsigned CRC-32 in an int4's bits.
      xml_crc32: crc32(bytes) | 0,
      xml_size: bytes.byteLength,
    };
  };

  it('inflates small and large documents alike (large ones off the event loop), checking both', async () => {
    // Bytes that barely compress: the large one's deflated form is well over the synchronous bound.
    const large = randomBytes(400_000);
    const small = Buffer.from('<NFe>small</NFe>');
    for (const bytes of [small, large]) {
      expect(Buffer.from(await storedBytes(row(bytes), 'id')).equals(bytes)).toBe(true);
      const damaged = row(bytes);
      damaged.xml_size += 1;
      await expect(storedBytes(damaged, 'id')).rejects.toThrow(/invoice id is damaged/);
    }
    const truncated = row(large);
    truncated.xml_deflated = truncated.xml_deflated.slice(0, 200_000);
    await expect(storedBytes(truncated, 'id')).rejects.toThrow(/invoice id is damaged/);
  });
});

describe('stored documents across the upgrade (migrations/0011)', () => {
  const SELLER = '00000000-0000-4000-8000-000000000001';
  const INVOICE = '00000000-0000-4000-8000-000000000002';

  it('keeps the plain documents of an older store readable, and stores new ones deflated', async () => {
    const before = loadMigrations().filter((m) => m.version < '0011');
    const t = await createTestDatabase('docs-upgrade', { migrations: before });
    try {
      const db = t.database.db;
      const xml = Buffer.from('<nfeProc><NFe>older</NFe></nfeProc>');
      await sql`insert into invoice_documents (seller_id, invoice_id, xml) values (${SELLER}, ${INVOICE}, ${xml})`.execute(
        db,
      );
      expect(await migrate(db)).toContain('0011_deflated_documents');
      const store = createStore(db, { enqueue: async () => {} } as never);
      expect(Buffer.from((await store.invoices.document(SELLER, INVOICE)) as Uint8Array).equals(xml)).toBe(
        true,
      );
      const replacement = Buffer.from(`<nfeProc><NFe>${'newer '.repeat(200)}</NFe></nfeProc>`);
      await store.invoices.replaceDocument(
        SELLER,
        INVOICE,
        { xml_size: replacement.byteLength },
        replacement,
      );
      const { rows } = await sql<{ plain: unknown; size: number }>`
        select xml as plain, xml_size as size from invoice_documents where invoice_id = ${INVOICE}`.execute(
        db,
      );
      expect(rows).toEqual([{ plain: null, size: replacement.byteLength }]);
      expect(
        Buffer.from((await store.invoices.document(SELLER, INVOICE)) as Uint8Array).equals(replacement),
      ).toBe(true);
    } finally {
      await t.close();
    }
  });
});
