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
 * The store joins a page of renderings itself (one value instead of a row per invoice) and cuts the
 * row read beyond the page off the end by its length in bytes. Held here to the row-by-row read
 * of the same page, with renderings of every UTF-8 length (1 to 4 bytes, surrogate pairs in
 * JavaScript), on both databases.
 */
describe('pages joined by the store', () => {
  let t: TestApp;
  let filter: InvoiceFilter;
  const texts = ['plain', 'ação', '€ 12,00', '😀 emoji', '', 'a😀b€cç', 'x'.repeat(900)];

  beforeAll(async () => {
    t = await startTestApp({}, 'listing-join');
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

  it('gives the renderings, the next position and whether more follow, as row by row', async () => {
    const invoices = t.deps.store.invoices;
    let pages = 0;
    for (const order of ['asc', 'desc'] as const) {
      for (const [limit, separator] of [
        [1, ','],
        [3, ','],
        [7, '\n--\n'],
        [16, '€'],
        [200, ','],
      ] as const) {
        let after: InvoiceCursor | undefined;
        for (;;) {
          const rows = await invoices.listingPage(filter, order, limit + 1, after);
          const page = rows.slice(0, limit);
          const joined = await invoices.joinedListingPage(filter, order, limit, after, separator);
          pages++;
          expect(joined.joined).toBe(page.map((r) => r.listing).join(separator));
          expect(joined.more).toBe(rows.length > limit);
          const last = page.at(-1);
          if (!joined.more || !last) {
            expect(joined.last).toBeUndefined();
            break;
          }
          after = { issuedAt: new Date(last.issued_ms).toISOString(), invoiceId: last.invoice_id };
          expect(joined.last).toEqual(after);
        }
      }
    }
    expect(pages).toBeGreaterThan(100);
  });

  it('answers null for a page where an invoice has no rendering stored, and an empty page', async () => {
    const invoices = t.deps.store.invoices;
    const [first] = await invoices.listingPage(filter, 'desc', 1);
    await sql`update invoices set listing = null where invoice_id = ${first?.invoice_id}`.execute(
      t.db.database.db,
    );
    expect((await invoices.joinedListingPage(filter, 'desc', 5, undefined, ',')).joined).toBeNull();
    expect((await invoices.joinedListingPage(filter, 'asc', 5, undefined, ',')).joined).not.toBeNull();
    const none = {
      ...filter,
      start: new Date('1990-01-01T00:00:00Z'),
      end: new Date('1991-01-01T00:00:00Z'),
    };
    expect(await invoices.joinedListingPage(none, 'desc', 5, undefined, ',')).toEqual({
      joined: '',
      more: false,
      last: undefined,
    });
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
