import type { EntryBytes } from '../ports/archives.js';
import type {
  EventRecord,
  InvoiceCursor,
  InvoiceFilter,
  InvoiceListRecord,
  InvoiceRecord,
  NewInvoice,
} from './invoice-records.js';
import type { JoinedListing, ListingKeys, ListingRenderings, ListingRow } from './listing-rendering.js';

/** The invoice store: invoices, their original documents and NF-e events. Every call is tenant-first. */
export interface InvoicesRepository {
  byId(sellerId: string, invoiceId: string): Promise<InvoiceRecord | undefined>;
  byAccessKey(sellerId: string, accessKey: string): Promise<InvoiceRecord | undefined>;
  /** The stored invoices among these keys, in no particular order. */
  byAccessKeys(sellerId: string, accessKeys: string[]): Promise<InvoiceRecord[]>;
  /** Other keys with the same (model, series, number): a contingency re-issue or a duplicate. */
  sameNumberOtherKey(
    sellerId: string,
    model: string,
    series: string,
    number: string,
    accessKey: string,
  ): Promise<{ invoice_id: string; access_key: string }[]>;
  insert(invoice: NewInvoice): Promise<void>;
  /**
   * Hints that these documents are about to be inserted: the store may start preparing them
   * (compressing, on another thread) so that it overlaps what comes before insertMany.
   */
  stageDocuments(xmls: Uint8Array[]): void;
  /** New invoices with their documents, all or none (the batch ingestion fast path). */
  insertMany(invoices: NewInvoice[]): Promise<void>;
  /**
   * Of these keys, the ones that already have an invoice or an event; of these numbers, the
   * `model/series/number` triples already stored.
   */
  priorUse(
    sellerId: string,
    keys: string[],
    numbers: string[],
  ): Promise<{ keys: Set<string>; numbers: Set<string> }>;
  /** Updates the invoice's fields, and its document when `xml` is given. */
  replaceDocument(
    sellerId: string,
    invoiceId: string,
    changes: Partial<InvoiceRecord>,
    xml: Uint8Array | null,
  ): Promise<void>;
  document(sellerId: string, invoiceId: string): Promise<Uint8Array | undefined>;
  /** The original documents of these invoices, by invoice id (absent ids are left out). */
  documents(sellerId: string, invoiceIds: string[]): Promise<Map<string, Uint8Array>>;
  /** One keyset page of a filtered listing, ordered by (issued_at, invoice_id). */
  page(
    filter: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after?: InvoiceCursor,
  ): Promise<InvoiceListRecord[]>;
  /** The same page as `page`, as the listing index holds it: ids, dates, stored renderings, versions. */
  listingPage(
    filter: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after?: InvoiceCursor,
  ): Promise<ListingRow[]>;
  /**
   * The same page as `listingPage`, its stored renderings joined by `separator` in the store
   * (`joined` is null when one of the page's invoices has no rendering stored).
   */
  joinedListingPage(
    filter: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
    separator: string,
  ): Promise<JoinedListing>;
  /** The same page as `listingPage`, without the renderings: ids and versions, in one row. */
  listingKeys(
    filter: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
  ): Promise<ListingKeys>;
  /** The same page as `listingKeys` with the stored renderings (null when one has none), in one row. */
  listingRenderings(
    filter: InvoiceFilter,
    order: 'asc' | 'desc',
    limit: number,
    after: InvoiceCursor | undefined,
  ): Promise<ListingRenderings>;
  /** The stored renderings and versions of these invoices (absent ids are left out). */
  storedListings(
    sellerId: string,
    invoiceIds: string[],
  ): Promise<Pick<ListingRow, 'invoice_id' | 'listing' | 'listing_version'>[]>;
  /** The listed fields of these invoices (to render those without a stored rendering). */
  listFields(sellerId: string, invoiceIds: string[]): Promise<InvoiceListRecord[]>;
  /**
   * Stores the rendering of `rendered`, unless the invoice changed since it was read (the stored
   * listed fields must still equal `rendered`'s) or already has one.
   */
  keepListing(sellerId: string, rendered: InvoiceListRecord, listing: string): Promise<void>;
  /** Ids and original documents (maybe as stored, deflated), ascending, of invoices stored before `snapshot`. */
  exportPage(
    filter: InvoiceFilter,
    snapshot: Date,
    limit: number,
    after?: InvoiceCursor,
  ): Promise<{ invoice_id: string; issued_ms: number; xml: EntryBytes }[]>;
  /** Inserts each event unless the same (key, type, sequence) is already stored. */
  insertEvents(events: (EventRecord & { xml: Uint8Array })[]): Promise<void>;
  /** The document an event was stored with. */
  eventDocument(
    sellerId: string,
    accessKey: string,
    eventType: string,
    sequence: number,
  ): Promise<Uint8Array | undefined>;
  /** The events stored for these keys, ordered by key, type and sequence. */
  eventsFor(sellerId: string, accessKeys: string[]): Promise<EventRecord[]>;
  markEventsApplied(sellerId: string, accessKeys: string[], at: Date): Promise<void>;
  countBySeller(sellerId: string): Promise<number>;
}
