import { sql } from 'kysely';
import {
  type EventRecord,
  type InvoiceCursor,
  type InvoiceFilter,
  type InvoiceListRecord,
  type InvoiceRecord,
  LIST_FIELDS,
  type NewInvoice,
} from '../../../core/invoices/invoice-records.js';
import type { InvoicesRepository } from '../../../core/invoices/invoices-repository.js';
import type { DeflatedBytes } from '../../../core/ports/archives.js';
import type { Db } from '../database.js';
import { copyInvoicesQueries, insertInvoicesQuery } from './invoice-inserts.js';
import { priorUseQuery } from './invoice-probes.js';
import { epochMs, filtered } from './invoice-scan.js';
import { ListingPages } from './listing-pages.js';
import {
  base64Of,
  bytesParam,
  deflatedColumns,
  deflatedDocuments,
  stageDocuments,
  storedBytes,
  storedDocumentColumns,
  storedEntry,
} from './stored-documents.js';

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

/**
 * Invoices from which an insert goes by COPY on PostgreSQL: its transaction and three statements
 * are five round trips where the JSON statement is one, which pays off only for many rows.
 */
const COPY_FROM = 20;

/** Invoice columns as written: the JSON ones as text. */
function invoiceRow(r: Partial<InvoiceRecord>) {
  const { transaction_ids, discrepancies, ...rest } = r;
  return {
    ...rest,
    ...(transaction_ids ? { transaction_ids: JSON.stringify(transaction_ids) } : {}),
    ...(discrepancies ? { discrepancies: JSON.stringify(discrepancies) } : {}),
  };
}

export class KyselyInvoicesRepository implements InvoicesRepository {
  private readonly listing: ListingPages;

  /** `copy`: the store is PostgreSQL, where many invoices go in by COPY (copy-statements.ts). */
  constructor(
    private readonly db: Db,
    private readonly copy = false,
  ) {
    this.listing = new ListingPages(db);
  }

  byId(sellerId: string, invoiceId: string) {
    return this.db
      .selectFrom('invoices')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('invoice_id', '=', invoiceId)
      .executeTakeFirst();
  }

  async byAccessKey(sellerId: string, accessKey: string) {
    return (await this.byAccessKeys(sellerId, [accessKey]))[0];
  }

  byAccessKeys(sellerId: string, accessKeys: string[]) {
    if (!accessKeys.length) return Promise.resolve([]);
    return this.db
      .selectFrom('invoices')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('access_key', 'in', accessKeys)
      .execute();
  }

  sameNumberOtherKey(sellerId: string, model: string, series: string, number: string, accessKey: string) {
    return this.db
      .selectFrom('invoices')
      .select(['invoice_id', 'access_key'])
      .where('seller_id', '=', sellerId)
      .where('number', '=', number)
      .where('series', '=', series)
      .where('model', '=', model)
      .where('access_key', '!=', accessKey)
      .execute();
  }

  insert(invoice: NewInvoice): Promise<void> {
    return this.insertMany([invoice]);
  }

  stageDocuments(xmls: Uint8Array[]): void {
    stageDocuments(xmls);
  }

  async insertMany(invoices: NewInvoice[]): Promise<void> {
    if (!invoices.length) return;
    const deflated = await deflatedDocuments(invoices.map((r) => r.xml));
    if (!this.copy || invoices.length < COPY_FROM) {
      await insertInvoicesQuery(invoices, deflated).execute(this.db);
      return;
    }
    const copies = copyInvoicesQueries(invoices, deflated);
    const run = async (db: Db) => {
      for (const copy of copies) await copy.execute(db);
    };
    await (this.db.isTransaction ? run(this.db) : this.db.transaction().execute(run));
  }

  async priorUse(sellerId: string, keys: string[], numbers: string[]) {
    const found = { keys: new Set<string>(), numbers: new Set<string>() };
    if (!keys.length && !numbers.length) return found;
    for (const r of (await priorUseQuery(sellerId, keys, numbers).execute(this.db)).rows)
      (r.kind === 'key' ? found.keys : found.numbers).add(r.value);
    return found;
  }

  async replaceDocument(
    sellerId: string,
    invoiceId: string,
    changes: Partial<InvoiceRecord>,
    xml: Uint8Array | null,
  ): Promise<void> {
    await this.db
      .updateTable('invoices')
      .set(invoiceRow(changes))
      .where('seller_id', '=', sellerId)
      .where('invoice_id', '=', invoiceId)
      .execute();
    if (xml) {
      const [deflated] = await deflatedDocuments([xml]);
      await this.db
        .updateTable('invoice_documents')
        .set(deflatedColumns(deflated as DeflatedBytes))
        .where('seller_id', '=', sellerId)
        .where('invoice_id', '=', invoiceId)
        .execute();
    }
  }

  async document(sellerId: string, invoiceId: string): Promise<Uint8Array | undefined> {
    return (await this.documents(sellerId, [invoiceId])).get(invoiceId);
  }

  async documents(sellerId: string, invoiceIds: string[]): Promise<Map<string, Uint8Array>> {
    if (!invoiceIds.length) return new Map();
    const rows = await this.db
      .selectFrom('invoice_documents')
      .select(['invoice_id', ...storedDocumentColumns('invoice_documents')])
      .where('seller_id', '=', sellerId)
      .where('invoice_id', 'in', invoiceIds)
      .execute();
    const found = new Map<string, Uint8Array>();
    for (const row of rows) found.set(row.invoice_id, await storedBytes(row, row.invoice_id));
    return found;
  }

  page(
    f: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after?: InvoiceCursor,
  ): Promise<InvoiceListRecord[]> {
    return filtered(this.db, f, order, after)
      .select(LIST_FIELDS.map((c) => `i.${c}` as const))
      .limit(limit)
      .execute();
  }

  // The listing index's page statements live in ListingPages; the port's names delegate to them.
  listingPage(...args: Parameters<ListingPages['rows']>) {
    return this.listing.rows(...args);
  }

  joinedListingPage(...args: Parameters<ListingPages['joined']>) {
    return this.listing.joined(...args);
  }

  listingKeys(...args: Parameters<ListingPages['keys']>) {
    return this.listing.keys(...args);
  }

  listingRenderings(...args: Parameters<ListingPages['renderings']>) {
    return this.listing.renderings(...args);
  }

  storedListings(sellerId: string, invoiceIds: string[]) {
    if (!invoiceIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('invoices')
      .select(['invoice_id', 'listing', 'listing_version'])
      .where('seller_id', '=', sellerId)
      .where('invoice_id', 'in', invoiceIds)
      .execute();
  }

  listFields(sellerId: string, invoiceIds: string[]): Promise<InvoiceListRecord[]> {
    if (!invoiceIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('invoices')
      .select(LIST_FIELDS)
      .where('seller_id', '=', sellerId)
      .where('invoice_id', 'in', invoiceIds)
      .execute();
  }

  async keepListing(sellerId: string, r: InvoiceListRecord, listing: string): Promise<void> {
    await this.db
      .updateTable('invoices')
      .set({ listing })
      .where('seller_id', '=', sellerId)
      .where('invoice_id', '=', r.invoice_id)
      .where('listing', 'is', null)
      // Dates travel with millisecond precision; a row written with microseconds must still match.
      .where(sql<Date>`date_trunc('milliseconds', issued_at)`, '=', r.issued_at)
      .where('status', '=', r.status)
      .where('error_code', '=', r.error_code)
      .where('gov_response', '=', r.gov_response)
      .where('invoice_type', '=', r.invoice_type)
      .where('transaction_type', '=', r.transaction_type)
      .where('series', '=', r.series)
      .where('number', '=', r.number)
      .where(sql<boolean>`transaction_ids = ${JSON.stringify(r.transaction_ids)}::jsonb`)
      .execute();
  }

  /** An export holds what existed when it was requested, however long it runs or how often it restarts. */
  async exportPage(f: InvoiceFilter, snapshot: Date, limit: number, after?: InvoiceCursor) {
    const rows = await filtered(this.db, f, 'asc', after)
      .innerJoin('invoice_documents as d', (join) =>
        join.onRef('d.seller_id', '=', 'i.seller_id').onRef('d.invoice_id', '=', 'i.invoice_id'),
      )
      .where('i.created_at', '<=', snapshot)
      .select([
        'i.invoice_id',
        epochMs(sql.ref('i.issued_at')).as('issued_ms'),
        ...storedDocumentColumns('d'),
      ])
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      invoice_id: r.invoice_id,
      issued_ms: r.issued_ms,
      xml: storedEntry(r, r.invoice_id),
    }));
  }

  async insertEvents(events: (EventRecord & { xml: Uint8Array })[]): Promise<void> {
    if (!events.length) return;
    await this.db
      .insertInto('nfe_events')
      .values(events.map((e) => ({ ...e, xml: bytesParam(e.xml) })))
      .onConflict((oc) => oc.columns(['seller_id', 'access_key', 'event_type', 'sequence']).doNothing())
      .execute();
  }

  async eventDocument(sellerId: string, accessKey: string, eventType: string, sequence: number) {
    const row = await this.db
      .selectFrom('nfe_events')
      .select(base64Of('xml').as('xml'))
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .where('event_type', '=', eventType)
      .where('sequence', '=', sequence)
      .executeTakeFirst();
    return row ? Buffer.from(row.xml, 'base64') : undefined;
  }

  eventsFor(sellerId: string, accessKeys: string[]) {
    if (!accessKeys.length) return Promise.resolve([]);
    return this.db
      .selectFrom('nfe_events')
      .select(EVENT_COLUMNS)
      .where('seller_id', '=', sellerId)
      .where('access_key', 'in', accessKeys)
      .orderBy('access_key')
      .orderBy('event_type')
      .orderBy('sequence')
      .execute();
  }

  async markEventsApplied(sellerId: string, accessKeys: string[], at: Date): Promise<void> {
    if (!accessKeys.length) return;
    await this.db
      .updateTable('nfe_events')
      .set({ applied_at: at })
      .where('seller_id', '=', sellerId)
      .where('access_key', 'in', accessKeys)
      .where('applied_at', 'is', null)
      .execute();
  }

  async countBySeller(sellerId: string): Promise<number> {
    const r = await this.db
      .selectFrom('invoices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('seller_id', '=', sellerId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
