import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/core/errors.js';
import type { InvoiceRecord } from '../../src/core/invoices/invoice-records.js';
import { invoiceSummary, invoiceView } from '../../src/core/invoices/invoice-view.js';
import { spApiListingRendering } from '../../src/http/sp-api/presenters.js';
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
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/**
 * Every node of an EXPLAIN (ANALYZE, FORMAT JSON) plan that reads a table, with the rows it read
 * (those it returned and those its filter or recheck threw away).
 */
function relationScans(node: PlanNode): { type: string; relation: string; rowsRead: number }[] {
  const own = node['Relation Name']
    ? [
        {
          type: node['Node Type'],
          relation: node['Relation Name'],
          rowsRead:
            (node['Actual Rows'] +
              (node['Rows Removed by Filter'] ?? 0) +
              (node['Rows Removed by Index Recheck'] ?? 0)) *
            node['Actual Loops'],
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

  // On PostgreSQL a batch's new invoices go in by COPY (its text format escapes four characters,
  // its binary one carries the documents), a few by one JSON statement; on PGlite always the latter.
  it.each([5, 30])(
    'stores every value of %i new invoices as it was read, odd characters included',
    async (count) => {
      const { ingest } = t.deps.services;
      const { invoices } = t.deps.store;
      const odd = 'a\tb\\c\nd\re \\N "f" \\x41 ç 😀';
      const issuedAt = new Date('2026-11-19T10:00:00Z');
      const items = Array.from({ length: count }, (_, i) => {
        const number = 9000 + count * 100 + i;
        const outcome = { kind: 'rejected' as const, cStat: '539', xMotivo: `Rejeicao ${odd}`, at: issuedAt };
        return {
          bytes: Buffer.from(
            invoiceXml(seller.cnpj, { number, issuedAt, ...(i % 2 ? { outcome } : {}) }).xml,
          ),
          meta: {
            transactionIdentifierName: 'BUSINESS_TRANSACTION_ID',
            transactionIdentifierId: `${odd} ${i}`,
          },
        };
      });
      const results = await ingest.ingestMany(items);
      const ids: string[] = [];
      for (const [i, r] of results.entries()) {
        if (!r.ok || !r.result.invoice) throw new Error(`not stored: ${JSON.stringify(r)}`);
        expect(r.result.outcome).toBe('created');
        const { id } = r.result.invoice;
        ids.push(id);
        const stored = await invoices.byId(seller.sellerId, id);
        if (!stored) throw new Error(`invoice ${id} not found`);
        expect(invoiceView(stored)).toEqual(r.result.invoice);
        expect(stored.transaction_ids).toEqual([{ name: 'BUSINESS_TRANSACTION_ID', id: `${odd} ${i}` }]);
        // XML reads a carriage return as a line feed; the transaction id (a parameter) keeps it.
        if (i % 2) expect(stored.gov_response).toContain(odd.replace('\r', '\n'));
        expect(Buffer.from((await invoices.document(seller.sellerId, id)) ?? [])).toEqual(items[i]?.bytes);
        const [listing] = await invoices.storedListings(seller.sellerId, [id]);
        expect(listing?.listing).toBe(spApiListingRendering.render(invoiceSummary(stored)));
      }
      const transactions = await sql<{ invoice_id: string; name: string; value: string }>`
      select invoice_id, name, value from invoice_transactions
      where seller_id = ${seller.sellerId} and invoice_id = any(${ids})`.execute(t.db.database.db);
      expect(transactions.rows.sort((a, b) => ids.indexOf(a.invoice_id) - ids.indexOf(b.invoice_id))).toEqual(
        ids.map((id, i) => ({ invoice_id: id, name: 'BUSINESS_TRANSACTION_ID', value: `${odd} ${i}` })),
      );
    },
  );

  it("inserts many new invoices inside the caller's transaction: none if it rolls back, all if it commits", async () => {
    const { ingest } = t.deps.services;
    const { store } = t.deps;
    const items = Array.from({ length: 25 }, (_, i) => ({ bytes: doc(12_000 + i), meta }));
    const ids = (await ingest.ingestMany(items)).map((r) => (r.ok ? (r.result.invoice?.id as string) : ''));
    const rows = await Promise.all(
      ids.map(async (id, i) => {
        const record = await store.invoices.byId(seller.sellerId, id);
        if (!record) throw new Error(`invoice ${id} not found`);
        const [kept] = await store.invoices.storedListings(seller.sellerId, [id]);
        return {
          record,
          xml: items[i]?.bytes as Buffer,
          transactions: record.transaction_ids,
          listing: kept?.listing,
        };
      }),
    );
    const count = async () =>
      (
        await sql<{ n: number; d: number; x: number }>`
          select (select count(*)::int from invoices where seller_id = ${seller.sellerId} and invoice_id = any(${ids})) as n,
                 (select count(*)::int from invoice_documents where seller_id = ${seller.sellerId} and invoice_id = any(${ids})) as d,
                 (select count(*)::int from invoice_transactions where seller_id = ${seller.sellerId} and invoice_id = any(${ids})) as x`.execute(
          t.db.database.db,
        )
      ).rows[0];
    await sql`delete from invoices where seller_id = ${seller.sellerId} and invoice_id = any(${ids})`.execute(
      t.db.database.db,
    );
    const oops = new Error('rolled back by the caller');
    await expect(
      store.transaction(async (tx) => {
        await tx.invoices.insertMany(rows);
        throw oops;
      }),
    ).rejects.toBe(oops);
    expect(await count()).toEqual({ n: 0, d: 0, x: 0 });
    await store.transaction((tx) => tx.invoices.insertMany(rows));
    expect(await count()).toEqual({ n: 25, d: 25, x: 25 });
    for (const [i, id] of ids.entries()) {
      const stored = await store.invoices.byId(seller.sellerId, id);
      expect(stored && invoiceView(stored)).toEqual(invoiceView(rows[i]?.record as InvoiceRecord));
      expect((await store.invoices.storedListings(seller.sellerId, [id]))[0]?.listing).toBe(rows[i]?.listing);
      expect(Buffer.from((await store.invoices.document(seller.sellerId, id)) ?? [])).toEqual(
        items[i]?.bytes,
      );
    }
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    'stores no chunk in part when its connection dies during a COPY, and the same batch again stores the rest',
    async () => {
      const { ingest } = t.deps.services;
      const db = t.db.database.db;
      const items = Array.from({ length: 3000 }, (_, i) => ({ bytes: doc(20_000 + i), meta }));
      const stored = async () =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from invoices
            where seller_id = ${seller.sellerId} and number::int between 20000 and 22999`.execute(db)
        ).rows[0]?.n;
      let finished = false;
      const outcome = ingest.ingestMany(items).then(
        () => 'finished',
        (err: unknown) => err,
      );
      void outcome.then(() => {
        finished = true;
      });
      // Terminate the backend of the first COPY seen (SQLSTATE 57P01, as when a server shuts down).
      let terminated = false;
      while (!terminated && !finished) {
        // This database's only: other test files run beside this one on the same server.
        const copying = await sql<{ pid: number }>`
          select pid from pg_stat_activity
          where datname = current_database() and state = 'active' and query like 'copy invoice%'`.execute(db);
        const pid = copying.rows[0]?.pid;
        if (pid)
          terminated =
            (await sql<{ done: boolean }>`select pg_terminate_backend(${pid}) as done`.execute(db)).rows[0]
              ?.done === true;
      }
      expect(terminated).toBe(true);
      const failure = await outcome;
      expect(failure).toBeInstanceOf(UnavailableError);
      const before = await stored();
      expect(before).toBeLessThan(3000);
      expect((before ?? 0) % 100).toBe(0); // whole chunks only
      expect(await orphans()).toEqual({ documents: 0, transactions: 0, bare: 0 });
      const again = await ingest.ingestMany(items);
      expect(again.every((r) => r.ok)).toBe(true);
      expect(await stored()).toBe(3000);
      expect(await orphans()).toEqual({ documents: 0, transactions: 0, bare: 0 });
    },
  );

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
