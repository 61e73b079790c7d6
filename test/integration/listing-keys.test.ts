import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/core/demo/demo-data.js';
import type { InvoiceCursor, InvoiceFilter } from '../../src/core/invoices/invoice-records.js';
import { BRAZIL } from '../../src/core/marketplaces.js';
import { CompiledShapes } from '../../src/infra/db/compiled-shapes.js';
import { withoutLast } from '../../src/infra/db/repos/invoice-scan.js';
import { demoDeps } from '../../src/main/deps.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * A page read from the listing index in one row (a few strings instead of a row per invoice): its
 * renderings joined by the store (the row beyond the page cut off the end by its length in bytes),
 * its ids and rendering versions, and both. Held to the row-by-row read of the same page on both
 * databases, with renderings of every UTF-8 length; and the versions the store raises whenever a
 * rendering goes stale (migrations/0012).
 */
describe('listing keys and rendering versions', () => {
  let t: TestApp;
  let filter: InvoiceFilter;
  const texts = ['plain', 'ação', '€ 12,00', '😀 emoji', '', 'a😀b€cç', 'x'.repeat(900)];
  const SEPARATORS = [',', '\n--\n', '€', '😀'];

  beforeAll(async () => {
    t = await startTestApp({}, 'listing-keys');
    const { credentials } = await seedDemo({ ...demoDeps(t.deps), clock: t.clock }, 40);
    // The store treats renderings as opaque text: give them every kind of character.
    await sql`update invoices set listing = (${JSON.stringify(texts)}::jsonb ->> (number::int % ${texts.length}))`.execute(
      t.db.database.db,
    );
    filter = {
      sellerId: credentials.sellerId,
      marketplaceId: BRAZIL,
      start: new Date('2000-01-01T00:00:00Z'),
      end: new Date('2100-01-01T00:00:00Z'),
      statuses: ['AUTHORIZED', 'CANCELED', 'PENDING', 'REJECTED'],
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  const versionOf = async (invoiceId: string) =>
    (
      await sql<{
        v: number;
      }>`select listing_version as v from invoices where invoice_id = ${invoiceId}`.execute(t.db.database.db)
    ).rows[0]?.v;

  it('gives the ids, versions, next position and whether more follow, as row by row', async () => {
    const invoices = t.deps.store.invoices;
    // Versions of several digits, different per invoice.
    await sql`update invoices set listing_version = number::int * 37`.execute(t.db.database.db);
    let pages = 0;
    const seen: number[] = [];
    for (const order of ['asc', 'desc'] as const) {
      for (const limit of [1, 3, 7, 16, 200]) {
        let after: InvoiceCursor | undefined;
        const signatures = new Set<string>();
        for (;;) {
          const rows = await invoices.listingPage(filter, order, limit + 1, after);
          const page = rows.slice(0, limit);
          const keys = await invoices.listingKeys(filter, order, limit, after);
          const stored = await invoices.listingRenderings(filter, order, limit, after);
          pages++;
          const separator = SEPARATORS[pages % SEPARATORS.length] as string;
          const joined = await invoices.joinedListingPage(filter, order, limit, after, separator);
          expect(joined).toEqual({
            joined: page.map((r) => r.listing).join(separator),
            more: keys.more,
            last: keys.last,
          });
          expect(stored).toEqual({ ...keys, renderings: page.map((r) => r.listing) });
          // The same page read twice has one signature; another page of the walk has another.
          expect(stored.signature).toBe(keys.signature);
          expect(signatures.has(keys.signature)).toBe(false);
          signatures.add(keys.signature);
          expect(keys.ids).toEqual(page.map((r) => r.invoice_id));
          expect(keys.versions).toEqual(page.map((r) => r.listing_version));
          seen.push(...keys.versions);
          expect(keys.more).toBe(rows.length > limit);
          const last = page.at(-1);
          if (!keys.more || !last) {
            expect(keys.last).toBeUndefined();
            break;
          }
          after = { issuedAt: new Date(last.issued_ms).toISOString(), invoiceId: last.invoice_id };
          expect(keys.last).toEqual(after);
        }
      }
    }
    expect(pages).toBeGreaterThan(100);
    expect(Math.max(...seen)).toBeGreaterThan(999);
    const none = {
      ...filter,
      start: new Date('1990-01-01T00:00:00Z'),
      end: new Date('1991-01-01T00:00:00Z'),
    };
    expect(await invoices.listingKeys(none, 'desc', 5, undefined)).toEqual({
      signature: '/',
      ids: [],
      versions: [],
      more: false,
      last: undefined,
    });
    expect((await invoices.listingRenderings(none, 'desc', 5, undefined)).renderings).toEqual([]);
    // A new version of one invoice of a page (or of the one read beyond it) is a new signature.
    const before = await invoices.listingKeys(filter, 'desc', 3, undefined);
    const beyond = (await invoices.listingKeys(filter, 'desc', 4, undefined)).ids[3] as string;
    for (const invoiceId of [before.ids[1] as string, beyond]) {
      const signature = (await invoices.listingKeys(filter, 'desc', 3, undefined)).signature;
      await sql`update invoices set listing_version = listing_version + 1 where invoice_id = ${invoiceId}`.execute(
        t.db.database.db,
      );
      const after = await invoices.listingKeys(filter, 'desc', 3, undefined);
      expect(after.ids).toEqual(before.ids);
      expect(after.signature).not.toBe(signature);
    }
  });

  it('gives no renderings for a page where one is not stored, or holds the boundary character', async () => {
    const invoices = t.deps.store.invoices;
    const [first, second] = await invoices.listingPage(filter, 'desc', 2);
    const db = t.db.database.db;
    await sql`update invoices set listing = ${'a\u0001b'} where invoice_id = ${first?.invoice_id}`.execute(
      db,
    );
    expect((await invoices.listingRenderings(filter, 'desc', 5, undefined)).renderings).toBeNull();
    expect((await invoices.listingRenderings(filter, 'asc', 5, undefined)).renderings).not.toBeNull();
    // The store's own join keeps it: it splits nothing.
    expect((await invoices.joinedListingPage(filter, 'desc', 5, undefined, ','))?.joined).toContain(
      'a\u0001b',
    );
    await sql`update invoices set listing = 'fine' where invoice_id = ${first?.invoice_id}`.execute(db);
    await sql`update invoices set listing = null where invoice_id = ${second?.invoice_id}`.execute(db);
    const page = await invoices.listingRenderings(filter, 'desc', 5, undefined);
    expect(page.renderings).toBeNull();
    expect((await invoices.joinedListingPage(filter, 'desc', 5, undefined, ',')).joined).toBeNull();
    expect(page.ids.slice(0, 2)).toEqual([first?.invoice_id, second?.invoice_id]);
    await sql`update invoices set listing = 'back' where invoice_id = ${second?.invoice_id}`.execute(db);
  });

  it('raises a version with every change of what the rendering shows, and only then', async () => {
    const [row] = await t.deps.store.invoices.listingPage(filter, 'desc', 1);
    const id = row?.invoice_id as string;
    const before = (await versionOf(id)) as number;
    const db = t.db.database.db;
    await sql`update invoices set listing = 'kept again', order_id = 'elsewhere' where invoice_id = ${id}`.execute(
      db,
    );
    expect(await versionOf(id)).toBe(before);
    await sql`update invoices set error_code = 'X1' where invoice_id = ${id}`.execute(db);
    expect(await versionOf(id)).toBe(before + 1);
    await sql`update invoices set status = 'CANCELED', listing_version = 0 where invoice_id = ${id}`.execute(
      db,
    );
    expect(await versionOf(id)).toBe(before + 2);
    const listing = await sql<{
      l: string | null;
    }>`select listing as l from invoices where invoice_id = ${id}`.execute(db);
    expect(listing.rows[0]?.l).toBeNull();
  });

  it('cuts the last element by its UTF-8 length, whole characters only', () => {
    const bytes = (s: string) => Buffer.byteLength(s);
    for (const head of ['', 'a', 'ç😀', '€,€']) {
      for (const tail of ['', 'b', 'ç', '€', '😀', 'z😀€çq']) {
        for (const sep of [',', '😀', '--']) {
          const joined = head === '' && tail === '' ? sep : `${head}${sep}${tail}`;
          expect(withoutLast(joined, bytes(tail), sep)).toBe(head);
        }
      }
    }
  });

  it('compiles a statement once per shape, refusing values out of step with its parameters', () => {
    const shapes = new CompiledShapes();
    const build = () =>
      t.db.database.db
        .selectFrom('invoices')
        .select('invoice_id')
        .where('seller_id', '=', 'a')
        .where('number', '=', '1');
    expect(() => shapes.query('s', ['1', 'a'], build)).toThrow(/not the query's parameters/);
    expect(shapes.query('s', ['a', '1'], build).sql).toContain('"seller_id" = $1');
    const again = shapes.query('s', ['b', '2'], () => {
      throw new Error('built again');
    });
    expect(again.parameters).toEqual(['b', '2']);
  });
});
