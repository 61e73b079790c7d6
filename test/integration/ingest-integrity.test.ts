import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE_COLUMNS } from '../../src/infra/db/repos/invoice-inserts.js';
import { priorUseQuery } from '../../src/infra/db/repos/invoice-probes.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createSeller, invoiceXml, type Seller } from '../support/fixtures.js';

/**
 * migrations/0009 dropped the foreign keys of invoice_documents and invoice_transactions (their
 * per-row probes made ingestion slow down as a seller's invoices grew). What they guaranteed must
 * still hold: no document or transaction identifier without its invoice, whatever the path.
 */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

/** Every node of an EXPLAIN (ANALYZE, FORMAT JSON) plan that reads a table, with the rows it read. */
function relationScans(node: PlanNode): { type: string; relation: string; rowsRead: number }[] {
  const own = node['Relation Name']
    ? [
        {
          type: node['Node Type'],
          relation: node['Relation Name'],
          rowsRead: node['Actual Rows'] * node['Actual Loops'],
        },
      ]
    : [];
  return [...own, ...(node.Plans ?? []).flatMap(relationScans)];
}

describe('invoice integrity without child foreign keys', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startTestApp({}, 'integrity');
    seller = await createSeller(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  const orphans = async () => {
    const r = await sql<{ documents: number; transactions: number; bare: number }>`
      select
        (select count(*)::int from invoice_documents d
           where not exists (select 1 from invoices i where i.seller_id = d.seller_id and i.invoice_id = d.invoice_id)) as documents,
        (select count(*)::int from invoice_transactions x
           where not exists (select 1 from invoices i where i.seller_id = x.seller_id and i.invoice_id = x.invoice_id)) as transactions,
        (select count(*)::int from invoices i
           where not exists (select 1 from invoice_documents d where d.seller_id = i.seller_id and d.invoice_id = i.invoice_id)) as bare`.execute(
      t.db.database.db,
    );
    return r.rows[0];
  };

  const doc = (n: number) =>
    Buffer.from(invoiceXml(seller.cnpj, { number: n, issuedAt: new Date('2026-11-19T10:00:00Z') }).xml);
  const meta = { transactionIdentifierName: 'BUSINESS_TRANSACTION_ID', transactionIdentifierId: 'tx-1' };

  it('stores every invoice with its document and identifiers, batch or single, concurrent or not', async () => {
    const { ingest } = t.deps.services;
    const batch = Array.from({ length: 40 }, (_, i) => ({ bytes: doc(i + 1), meta }));
    // The same keys from several writers at once: one invoice per key, each with its document.
    const results = await Promise.all([
      ingest.ingestMany(batch),
      ingest.ingestMany(batch.slice(10)),
      ingest.ingest(doc(3), meta),
      ingest.ingest(doc(41), meta),
      ingest.ingest(doc(41), meta),
    ]);
    expect(results.flat().every((r) => !('ok' in r) || r.ok)).toBe(true);
    const counts = await sql<{ invoices: number; keys: number; documents: number }>`
      select (select count(*)::int from invoices where seller_id = ${seller.sellerId}) as invoices,
             (select count(distinct access_key)::int from invoices where seller_id = ${seller.sellerId}) as keys,
             (select count(*)::int from invoice_documents where seller_id = ${seller.sellerId}) as documents`.execute(
      t.db.database.db,
    );
    expect(counts.rows[0]).toEqual({ invoices: 41, keys: 41, documents: 41 });
    expect(await orphans()).toEqual({ documents: 0, transactions: 0, bare: 0 });
  });

  it('removes the document and identifiers of a deleted invoice', async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from invoice_transactions`.execute(
      t.db.database.db,
    );
    expect(before.rows[0]?.n).toBeGreaterThan(0);
    await sql`delete from invoices where seller_id = ${seller.sellerId} and number in ('1', '2', '3')`.execute(
      t.db.database.db,
    );
    expect(await orphans()).toEqual({ documents: 0, transactions: 0, bare: 0 });
    await sql`delete from invoices where seller_id = ${seller.sellerId}`.execute(t.db.database.db);
    const left = await sql<{ d: number; x: number }>`
      select (select count(*)::int from invoice_documents) as d, (select count(*)::int from invoice_transactions) as x`.execute(
      t.db.database.db,
    );
    expect(left.rows[0]).toEqual({ d: 0, x: 0 });
  });

  it('sees a document repeated further on in a batch, past the chunk it was read with', async () => {
    const { ingest } = t.deps.services;
    // Batches are stored in chunks of 100 while the next chunk is read: the repeat at 160 must be
    // judged against the store after the first copy (at 5) is in it.
    const batch = Array.from({ length: 200 }, (_, i) => ({ bytes: doc(5000 + i) }));
    batch[160] = { bytes: doc(5005) };
    const results = await ingest.ingestMany(batch);
    const outcomes = results.map((r) => (r.ok ? r.result.outcome : 'failed'));
    expect(outcomes[5]).toBe('created');
    expect(outcomes[160]).toBe('unchanged');
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(199);
    const stored = await sql<{ n: number }>`
      select count(*)::int as n from invoices where seller_id = ${seller.sellerId} and number::int between 5000 and 5199`.execute(
      t.db.database.db,
    );
    expect(stored.rows[0]?.n).toBe(199);
  });

  it('writes every column of an invoice when inserting new ones (all but the version, which starts at 0)', async () => {
    const columns = await sql<{ name: string }>`
      select column_name as name from information_schema.columns
      where table_name = 'invoices' and table_schema = current_schema()`.execute(t.db.database.db);
    const written = INVOICE_COLUMNS.map(([name]) => name as string);
    expect([...written, 'listing_version'].sort()).toEqual(columns.rows.map((r) => r.name).sort());
  });

  it('checks keys and numbers with one index probe each, not a scan of the seller, on a store never analyzed', async () => {
    const { ingest } = t.deps.services;
    for (let from = 1000; from < 3000; from += 500)
      await ingest.ingestMany(Array.from({ length: 500 }, (_, i) => ({ bytes: doc(from + i) })));
    const db = t.db.database.db;
    const keys = (
      await sql<{ access_key: string; number: string }>`
        select access_key, number from invoices where seller_id = ${seller.sellerId} limit 100`.execute(db)
    ).rows;
    const plans = [
      priorUseQuery(
        seller.sellerId,
        keys.map((k) => k.access_key),
        keys.map((k) => k.number),
      ),
    ];
    for (const query of plans) {
      const explained = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${query}`.execute(
        db,
      );
      const scans = relationScans((explained.rows[0]!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan);
      // Index probes on invoices and events only: no sequential or bitmap scan of the seller's rows,
      // and no more rows read than the values asked about, whatever the seller holds (2,000+).
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans) {
        expect(`${scan.type} on ${scan.relation}`).toMatch(/^Index (Only )?Scan on (invoices|nfe_events)$/);
        expect(scan.rowsRead).toBeLessThanOrEqual(keys.length);
      }
    }
  });
});
