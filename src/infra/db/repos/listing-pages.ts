import { sql } from 'kysely';
import type { InvoiceCursor, InvoiceFilter } from '../../../core/invoices/invoice-records.js';
import type {
  JoinedListing,
  ListingKeys,
  ListingRenderings,
  ListingRow,
} from '../../../core/invoices/listing-rendering.js';
import { CompiledShapes } from '../compiled-shapes.js';
import type { Db } from '../database.js';
import { PREPARED } from '../prepared-statements.js';
import { epochMs, filtered, filterShape, filterValues, withoutLast } from './invoice-scan.js';

/** A UUID as PostgreSQL writes it: 8-4-4-4-12 hexadecimal digits. */
const UUID_LENGTH = 36;
/** Between two renderings of a page as the store joins them (`chr(1)`): JSON always escapes U+0001. */
const BOUNDARY = '\u0001';

/** Whether an invoice follows a page read one row beyond its `limit`, and where the page ends. */
function pageEnd(
  row: { n: number; last_id: string | null; last_ms: number | null },
  limit: number,
): { more: boolean; last: InvoiceCursor | undefined } {
  const more = row.n > limit;
  const last =
    more && row.last_id !== null && row.last_ms !== null
      ? { issuedAt: new Date(row.last_ms).toISOString(), invoiceId: row.last_id }
      : undefined;
  return { more, last };
}

/**
 * The statements that read a page of the listing index (getInvoices): row by row, or as one row
 * of aggregates (renderings joined by the store; ids and versions; both). The aggregates read the
 * limited, ordered scan in its order (PostgreSQL feeds an aggregate the rows of a sorted subquery
 * as sorted; an ORDER BY inside each aggregate would sort the page again), and one row beyond the
 * page tells whether another follows. Each is compiled once per filter shape.
 */
export class ListingPages {
  private readonly joinedPages = new CompiledShapes();
  private readonly keyPages = new CompiledShapes();
  private readonly renderingPages = new CompiledShapes();

  constructor(private readonly db: Db) {}

  rows(f: InvoiceFilter, order: 'asc' | 'desc', limit: number, after?: InvoiceCursor) {
    return filtered(this.db, f, order, after)
      .select([
        'i.invoice_id',
        epochMs(sql.ref('i.issued_at')).as('issued_ms'),
        'i.listing',
        'i.listing_version',
      ])
      .limit(limit)
      .modifyEnd(PREPARED)
      .execute() as Promise<ListingRow[]>;
  }

  /** The page's renderings joined by `separator`; the one read beyond it cut off the end by its length in bytes. */
  async joined(
    f: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
    separator: string,
  ): Promise<JoinedListing> {
    const values = [separator, limit, limit, limit + 1, ...filterValues(f, after), limit + 1];
    const query = this.joinedPages.query(filterShape(f, order, after), values, () =>
      this.db
        .selectFrom(
          filtered(this.db, f, order, after)
            .select(['i.invoice_id', 'i.issued_at', 'i.listing'])
            .limit(limit + 1)
            .as('s'),
        )
        .select([
          sql<number>`count(*)::int`.as('n'),
          sql<number>`count(s.listing)::int`.as('stored'),
          sql<string | null>`string_agg(s.listing, ${separator})`.as('joined'),
          sql<string | null>`(array_agg(s.invoice_id))[${limit}]`.as('last_id'),
          epochMs(sql`(array_agg(s.issued_at))[${limit}]`).as('last_ms'),
          sql<number | null>`(array_agg(octet_length(s.listing)))[${limit + 1}]`.as('tail_bytes'),
        ])
        .modifyEnd(PREPARED),
    );
    const [row] = (await this.db.executeQuery(query)).rows;
    if (!row) throw new Error('an aggregate answered no row');
    const { more, last } = pageEnd(row, limit);
    if (row.stored < row.n) return { joined: null, more, last };
    const joined = row.joined ?? '';
    return { joined: more ? withoutLast(joined, row.tail_bytes ?? 0, separator) : joined, more, last };
  }

  async keys(
    f: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
  ): Promise<ListingKeys> {
    return (await this.keysRow(this.keyPages, false, f, order, limit, after)).keys;
  }

  async renderings(
    f: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
  ): Promise<ListingRenderings> {
    const { row, keys } = await this.keysRow(this.renderingPages, true, f, order, limit, after);
    // Assigned onto the keys themselves: a copy would read (and split) the lazy ids and versions.
    const page = (renderings: string[] | null) => Object.assign(keys, { renderings });
    if (row.stored < row.n) return page(null);
    // Told apart by a character JSON never leaves unescaped; one that holds it is read row by row.
    const renderings = row.n ? (row.joined ?? '').split(BOUNDARY) : [];
    if (renderings.length !== row.n) return page(null);
    return page(renderings.slice(0, keys.ids.length));
  }

  /**
   * Ids as one string of 36-character UUIDs, versions (and renderings) as one string each: a few
   * values to read instead of a row per invoice.
   */
  private async keysRow(
    shapes: CompiledShapes,
    withRenderings: boolean,
    f: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
  ) {
    const values = [limit, limit, ...filterValues(f, after), limit + 1];
    const query = shapes.query(filterShape(f, order, after), values, () =>
      this.db
        .selectFrom(
          filtered(this.db, f, order, after)
            .select(['i.invoice_id', 'i.issued_at', 'i.listing_version'])
            .$if(withRenderings, (q) => q.select('i.listing'))
            .limit(limit + 1)
            .as('s'),
        )
        .select([
          sql<number>`count(*)::int`.as('n'),
          sql<string | null>`string_agg(s.invoice_id::text, '')`.as('ids'),
          sql<string | null>`string_agg(s.listing_version::text, ',')`.as('versions'),
          sql<string | null>`(array_agg(s.invoice_id))[${limit}]`.as('last_id'),
          epochMs(sql`(array_agg(s.issued_at))[${limit}]`).as('last_ms'),
          withRenderings ? sql<number>`count(s.listing)::int`.as('stored') : sql<number>`0`.as('stored'),
          withRenderings
            ? sql<string | null>`string_agg(s.listing, chr(1))`.as('joined')
            : sql<string | null>`null`.as('joined'),
        ])
        .modifyEnd(PREPARED),
    );
    const [row] = (await this.db.executeQuery(query)).rows;
    if (!row) throw new Error('an aggregate answered no row');
    const n = Math.min(row.n, limit);
    const text = { ids: row.ids ?? '', versions: row.versions ?? '' };
    // Split on first use: a page whose signature is kept whole never needs them.
    let ids: string[] | undefined;
    let versions: number[] | undefined;
    const keys = {
      signature: `${text.ids}/${text.versions}`,
      get ids(): string[] {
        if (ids === undefined) {
          ids = new Array(n);
          for (let i = 0; i < n; i++) ids[i] = text.ids.slice(i * UUID_LENGTH, (i + 1) * UUID_LENGTH);
        }
        return ids;
      },
      get versions(): number[] {
        versions ??= n ? text.versions.split(',', n).map(Number) : [];
        return versions;
      },
      ...pageEnd(row, limit),
    };
    return { keys, row };
  }
}
