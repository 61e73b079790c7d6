import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CNPJ, generateDemo, seedDemo } from '../../src/core/demo/demo-data.js';
import { localDemoSink } from '../../src/core/demo/demo-sink.js';
import { IngestService } from '../../src/core/invoices/ingest-service.js';
import { demoDeps } from '../../src/main/deps.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createSeller, invoiceXml } from '../support/fixtures.js';

/**
 * Housekeeping vacuums what autovacuum does not reach: every table on PGlite, tables with
 * autovacuum off on PostgreSQL. Without it, pages written since the last VACUUM stay not
 * all-visible, so every getInvoices page visits the table row by row instead of reading the index.
 */
describe('store upkeep', () => {
  let t: TestApp;

  async function visibility(table: string) {
    const { rows } = await sql<{ pages: number; visible: number }>`
      select (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
             c.relallvisible::int as visible
        from pg_class c where c.relname = ${table}`.execute(t.db.database.db);
    return rows[0] as { pages: number; visible: number };
  }

  beforeAll(async () => {
    t = await startTestApp({}, 'upkeep');
    await seedDemo({ ...demoDeps(t.deps), clock: t.clock }, 1200);
    const db = t.db.database.db;
    // A table autovacuum is told to leave alone, on either database.
    await sql`create table upkeep_probe (id int primary key, note text) with (autovacuum_enabled = false)`.execute(
      db,
    );
    await sql`insert into upkeep_probe select i, repeat('x', 200) from generate_series(1, 20000) i`.execute(
      db,
    );
  });

  async function upkeepJobs(): Promise<{ status: string; run_at: Date }[]> {
    const { rows } = await sql<{ status: string; run_at: Date }>`
      select status, run_at from jobs where queue = 'store-upkeep' order by created_at`.execute(
      t.db.database.db,
    );
    return rows;
  }

  afterAll(async () => {
    await t?.close();
  });

  it('vacuums tables written since their last VACUUM, then leaves them until they change again', async () => {
    const before = await visibility('upkeep_probe');
    expect(before.pages).toBeGreaterThan(100);
    expect(before.visible).toBe(0);

    const first = await t.deps.services.housekeeping.run();
    expect(first.vacuumed).toContain('upkeep_probe');
    expect(await visibility('upkeep_probe')).toEqual({ pages: before.pages, visible: before.pages });
    if (t.db.database.kind === 'pglite') {
      // PGlite runs no autovacuum at all: the invoices the demo wrote are tended too.
      expect(first.vacuumed).toContain('invoices');
      const invoices = await visibility('invoices');
      expect(invoices.visible).toBe(invoices.pages);
    }

    expect((await t.deps.services.housekeeping.run()).vacuumed).toEqual([]);

    // Updated rows are new row versions: once they fill enough new pages, the table is tended again.
    await sql`update upkeep_probe set note = repeat('z', 300) where id % 2 = 0`.execute(t.db.database.db);
    expect((await t.deps.services.housekeeping.run()).vacuumed).toContain('upkeep_probe');
    const after = await visibility('upkeep_probe');
    expect(after.visible).toBe(after.pages);
  });

  it('asks for the upkeep after a bulk load, which the worker runs a minute later', async () => {
    const db = t.db.database.db;
    // Left to us on either database, whatever the server's autovacuum does.
    await sql`alter table invoices set (autovacuum_enabled = false)`.execute(db);
    // The beforeAll's demo already asked once (still queued: the clock has not moved).
    expect((await upkeepJobs()).map((j) => j.status)).toEqual(['queued']);
    const seller = (await t.deps.store.sellers.byCnpj(DEMO_CNPJ)) as { seller_id: string };
    await generateDemo(
      { sink: localDemoSink(t.deps.services), clock: t.clock },
      seller.seller_id,
      DEMO_CNPJ,
      {
        invoices: 1500,
        startAt: 1200,
        seed: 1201,
      },
    );
    const loaded = await visibility('invoices');
    expect(loaded.visible).toBeLessThan(loaded.pages);
    // Both loads ask within the same minute: one job.
    const [job] = await upkeepJobs();
    expect(job?.run_at.getTime()).toBeGreaterThan(t.clock.now().getTime());

    t.clock.advance(61_000);
    t.deps.wakeWorker.current();
    for (let i = 0; i < 200 && (await upkeepJobs())[0]?.status !== 'succeeded'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await upkeepJobs()).map((j) => j.status)).toEqual(['succeeded']);
    const tended = await visibility('invoices');
    expect(tended.visible).toBe(tended.pages);
  });

  it('keeps a bulk load whose request for the upkeep fails, and asks again with the next batch', async () => {
    let asked = 0;
    const jobs = {
      ...t.deps.store.jobs,
      enqueue: async () => {
        asked++;
        throw new Error('queue unavailable');
      },
    };
    const unusedZips = (() => {
      throw new Error('not used by ingestMany');
    }) as never;
    const ingest = new IngestService({ ...t.deps.store, jobs }, t.clock, t.deps.ids, 1_000_000, unusedZips);
    const seller = await createSeller(t);
    const doc = (n: number) => ({
      bytes: Buffer.from(
        invoiceXml(seller.cnpj, { number: n, issuedAt: new Date(Date.UTC(2026, 10, 1, 0, n)) }).xml,
      ),
    });
    const results = await ingest.ingestMany(Array.from({ length: 1000 }, (_, i) => doc(i + 1)));
    expect(results.filter((r) => r.ok && r.result.outcome === 'created')).toHaveLength(1000);
    expect(asked).toBe(1);
    expect(await t.deps.store.invoices.countBySeller(seller.sellerId)).toBe(1000);
    await ingest.ingestMany([doc(1001)]);
    expect(asked).toBe(2);
  });
});
