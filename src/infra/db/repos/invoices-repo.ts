import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { InvoicesTable, NfeEventsTable } from '../schema.js';

export type InvoiceRow = Selectable<InvoicesTable>;
export type InvoiceInsert = Insertable<InvoicesTable>;
export type EventRow = Omit<Selectable<NfeEventsTable>, 'xml'>;

/** Filters of getInvoices / exports, already validated and resolved. */
export interface InvoiceFilter {
  sellerId: string;
  marketplaceId: string;
  start: Date;
  end: Date;
  statuses: string[];
  invoiceType?: string | undefined;
  transactionType?: string | undefined;
  series?: string | undefined;
  externalInvoiceId?: string | undefined;
  transaction?: { name: string; id: string } | undefined;
}

export interface InvoiceCursor {
  issuedAt: string;
  invoiceId: string;
}

/** Event columns but the document itself (read back only by an operator, never on a hot path). */
const EVENT_COLUMNS = [
  'seller_id',
  'access_key',
  'event_type',
  'sequence',
  'status_code',
  'protocol',
  'registered_at',
  'xml_sha256',
  'received_at',
  'applied_at',
] as const;

/** Columns a listing needs: everything but the bulky bookkeeping. */
const LIST_COLUMNS = [
  'invoice_id',
  'issued_at',
  'status',
  'error_code',
  'gov_response',
  'invoice_type',
  'transaction_type',
  'transaction_ids',
  'series',
  'number',
] as const;

export type InvoiceListRow = Pick<InvoiceRow, (typeof LIST_COLUMNS)[number]>;

/**
 * Documents travel as base64 text: PGlite decodes bytea in JavaScript at about 1 ms per 3 KB row,
 * fifteen times slower than Node decodes base64 (PostgreSQL does not mind either way).
 */
function xmlAsBase64(column: 'xml' | 'd.xml') {
  return sql<string>`encode(${sql.ref(column)}, 'base64')`.as('xml');
}

/** A document as a parameter, sent as base64 for the same reason. */
export function xmlParam(bytes: Uint8Array) {
  return sql<Uint8Array>`decode(${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}, 'base64')`;
}

function fromBase64(text: string): Buffer {
  return Buffer.from(text, 'base64');
}

/** The filtered, ordered invoice scan shared by listings and exports. */
function filtered(db: Db, f: InvoiceFilter, order: 'asc' | 'desc', after?: InvoiceCursor) {
  let q = db
    .selectFrom('invoices as i')
    .where('i.seller_id', '=', f.sellerId)
    .where('i.marketplace_id', '=', f.marketplaceId)
    .where('i.issued_at', '>=', f.start)
    .where('i.issued_at', '<=', f.end)
    .where('i.status', 'in', f.statuses as InvoiceRow['status'][]);
  if (f.invoiceType) q = q.where('i.invoice_type', '=', f.invoiceType);
  if (f.transactionType) q = q.where('i.transaction_type', '=', f.transactionType);
  if (f.series) q = q.where('i.series', '=', f.series);
  if (f.externalInvoiceId) q = q.where('i.number', '=', f.externalInvoiceId);
  if (f.transaction) {
    const t = f.transaction;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('invoice_transactions as t')
          .select(sql`1`.as('one'))
          .where('t.seller_id', '=', f.sellerId)
          .where('t.name', '=', t.name)
          .where('t.value', '=', t.id)
          .whereRef('t.invoice_id', '=', 'i.invoice_id'),
      ),
    );
  }
  if (after) {
    const cmp = order === 'asc' ? '>' : '<';
    q = q.where((eb) =>
      eb(
        eb.refTuple('i.issued_at', 'i.invoice_id'),
        cmp,
        eb.tuple(new Date(after.issuedAt), after.invoiceId),
      ),
    );
  }
  return q.orderBy('i.issued_at', order).orderBy('i.invoice_id', order);
}

export const invoicesRepo = {
  byId(db: Db, sellerId: string, invoiceId: string) {
    return db
      .selectFrom('invoices')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('invoice_id', '=', invoiceId)
      .executeTakeFirst();
  },

  byAccessKey(db: Db, sellerId: string, accessKey: string) {
    return db
      .selectFrom('invoices')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .executeTakeFirst();
  },

  /** Another key for the same (model, series, number): a contingency re-issue or a duplicate. */
  sameNumberOtherKey(
    db: Db,
    sellerId: string,
    model: string,
    series: string,
    number: string,
    accessKey: string,
  ) {
    return db
      .selectFrom('invoices')
      .select(['invoice_id', 'access_key'])
      .where('seller_id', '=', sellerId)
      .where('number', '=', number)
      .where('series', '=', series)
      .where('model', '=', model)
      .where('access_key', '!=', accessKey)
      .execute();
  },

  async insert(db: Db, row: InvoiceInsert, xml: Uint8Array, transactions: { name: string; id: string }[]) {
    await db.insertInto('invoices').values(row).execute();
    await db
      .insertInto('invoice_documents')
      .values({ seller_id: row.seller_id, invoice_id: row.invoice_id, xml: xmlParam(xml) })
      .execute();
    if (transactions.length) {
      await db
        .insertInto('invoice_transactions')
        .values(
          transactions.map((t) => ({
            seller_id: row.seller_id,
            name: t.name,
            value: t.id,
            invoice_id: row.invoice_id,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  },

  /** Multi-row insert of new invoices (the batch ingestion fast path). */
  async insertMany(
    db: Db,
    rows: { row: InvoiceInsert; xml: Uint8Array; transactions: { name: string; id: string }[] }[],
  ) {
    if (!rows.length) return;
    await db
      .insertInto('invoices')
      .values(rows.map((r) => r.row))
      .execute();
    await db
      .insertInto('invoice_documents')
      .values(
        rows.map((r) => ({ seller_id: r.row.seller_id, invoice_id: r.row.invoice_id, xml: xmlParam(r.xml) })),
      )
      .execute();
    const txs = rows.flatMap((r) =>
      r.transactions.map((t) => ({
        seller_id: r.row.seller_id,
        name: t.name,
        value: t.id,
        invoice_id: r.row.invoice_id,
      })),
    );
    if (txs.length)
      await db
        .insertInto('invoice_transactions')
        .values(txs)
        .onConflict((oc) => oc.doNothing())
        .execute();
  },

  /** Of these keys, the ones that already have an invoice or an event: they take the careful path. */
  async keysWithHistory(db: Db, sellerId: string, keys: string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const invoices = await db
      .selectFrom('invoices')
      .select('access_key')
      .where('seller_id', '=', sellerId)
      .where('access_key', 'in', keys)
      .execute();
    const events = await db
      .selectFrom('nfe_events')
      .select('access_key')
      .where('seller_id', '=', sellerId)
      .where('access_key', 'in', keys)
      .execute();
    return new Set([...invoices, ...events].map((r) => r.access_key));
  },

  /** `model/series/number` triples already stored among these numbers. */
  async takenNumbers(db: Db, sellerId: string, numbers: string[]): Promise<Set<string>> {
    if (!numbers.length) return new Set();
    const rows = await db
      .selectFrom('invoices')
      .select(['model', 'series', 'number'])
      .where('seller_id', '=', sellerId)
      .where('number', 'in', [...new Set(numbers)])
      .execute();
    return new Set(rows.map((r) => `${r.model}/${r.series}/${r.number}`));
  },

  async replaceDocument(
    db: Db,
    sellerId: string,
    invoiceId: string,
    changes: Partial<InvoiceInsert>,
    xml: Uint8Array | null,
  ) {
    await db
      .updateTable('invoices')
      .set(changes)
      .where('seller_id', '=', sellerId)
      .where('invoice_id', '=', invoiceId)
      .execute();
    if (xml) {
      await db
        .updateTable('invoice_documents')
        .set({ xml: xmlParam(xml) })
        .where('seller_id', '=', sellerId)
        .where('invoice_id', '=', invoiceId)
        .execute();
    }
  },

  async document(db: Db, sellerId: string, invoiceId: string): Promise<Uint8Array | undefined> {
    const row = await db
      .selectFrom('invoice_documents')
      .select(xmlAsBase64('xml'))
      .where('seller_id', '=', sellerId)
      .where('invoice_id', '=', invoiceId)
      .executeTakeFirst();
    return row ? fromBase64(row.xml) : undefined;
  },

  /** One keyset page of a filtered listing, `limit` rows, ordered by (issued_at, invoice_id). */
  page(db: Db, f: InvoiceFilter, order: 'asc' | 'desc', limit: number, after?: InvoiceCursor) {
    return filtered(db, f, order, after)
      .select(LIST_COLUMNS.map((c) => `i.${c}` as const))
      .limit(limit)
      .execute();
  },

  /**
   * A page of an export: ids and original bytes, ascending, of invoices stored before `snapshot`
   * (an export holds what existed when it was requested, however long it runs or how often it restarts).
   */
  exportPage(db: Db, f: InvoiceFilter, snapshot: Date, limit: number, after?: InvoiceCursor) {
    return filtered(db, f, 'asc', after)
      .innerJoin('invoice_documents as d', (join) =>
        join.onRef('d.seller_id', '=', 'i.seller_id').onRef('d.invoice_id', '=', 'i.invoice_id'),
      )
      .where('i.created_at', '<=', snapshot)
      .select(['i.invoice_id', 'i.issued_at', xmlAsBase64('d.xml')])
      .limit(limit)
      .execute()
      .then((rows) =>
        rows.map((r) => ({ invoice_id: r.invoice_id, issued_at: r.issued_at, xml: fromBase64(r.xml) })),
      );
  },

  insertEvent(db: Db, row: Insertable<NfeEventsTable>) {
    return db
      .insertInto('nfe_events')
      .values({ ...row, xml: xmlParam(row.xml) })
      .onConflict((oc) => oc.columns(['seller_id', 'access_key', 'event_type', 'sequence']).doNothing())
      .executeTakeFirst();
  },

  event(db: Db, sellerId: string, accessKey: string, eventType: string, sequence: number) {
    return db
      .selectFrom('nfe_events')
      .select(EVENT_COLUMNS)
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .where('event_type', '=', eventType)
      .where('sequence', '=', sequence)
      .executeTakeFirst();
  },

  eventsFor(db: Db, sellerId: string, accessKey: string) {
    return db
      .selectFrom('nfe_events')
      .select(EVENT_COLUMNS)
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .orderBy('event_type')
      .orderBy('sequence')
      .execute();
  },

  markEventsApplied(db: Db, sellerId: string, accessKey: string, at: Date) {
    return db
      .updateTable('nfe_events')
      .set({ applied_at: at })
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .where('applied_at', 'is', null)
      .execute();
  },

  countBySeller(db: Db, sellerId: string) {
    return db
      .selectFrom('invoices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('seller_id', '=', sellerId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  },
};
