import { resolveWindow } from '../dates.js';
import { type FieldProblem, InvalidInputError, NotFoundError } from '../errors.js';
import { MARKETPLACES, type MarketplaceInvoiceAttributes, optionValues } from '../marketplaces.js';
import { assertSameFilters, type Keyset, type Page } from '../paging/keyset.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { isUuid } from '../text.js';
import type { InvoiceCursor, InvoiceFilter, InvoiceListRecord } from './invoice-records.js';
import { type InvoiceSummary, type InvoiceView, invoiceSummary, invoiceView } from './invoice-view.js';
import type { InvoicesRepository } from './invoices-repository.js';
import type { JoinedPage, ListingKeys, ListingRendering, ListingRow } from './listing-rendering.js';
import { RenderingCache } from './rendering-cache.js';
import { transactionIdentifierProblems } from './transaction-identifier.js';

/** The caller, as authenticated by a dialect. */
export interface SellerScope {
  sellerId: string;
  marketplaceIds: string[];
}

/** Filters as a client sends them (strings), shared by the invoice listing and exports. */
export interface InvoiceFilterInput {
  marketplaceId: string;
  dateStart?: string | undefined;
  dateEnd?: string | undefined;
  statuses?: string[] | undefined;
  invoiceType?: string | undefined;
  transactionType?: string | undefined;
  series?: string | undefined;
  externalInvoiceId?: string | undefined;
  transactionIdentifierName?: string | undefined;
  transactionIdentifierId?: string | undefined;
}

export interface GetInvoicesInput extends InvoiceFilterInput {
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
  pageSize?: number | undefined;
  nextToken?: string | undefined;
}

/** Invoices visible to sellers: a document without its protocol (PENDING) never is. */
export const VISIBLE_STATUSES = ['AUTHORIZED', 'REJECTED', 'CANCELED'];
const DAY_MS = 86_400_000;

/** The filter part of a page token: resolved values, so later pages never recompute defaults. */
type TokenFilter = Omit<InvoiceFilter, 'sellerId' | 'start' | 'end'> & {
  start: string;
  end: string;
  order: 'asc' | 'desc';
};

/** The listing a cursor belongs to. */
interface InvoicesScope {
  op: 'getInvoices';
  seller: string;
  filter: TokenFilter;
}

export function attributesOf(marketplaceId: string): MarketplaceInvoiceAttributes {
  const attributes = MARKETPLACES.get(marketplaceId)?.invoiceAttributes;
  if (!attributes) throw InvalidInputError.field('marketplaceId', `unknown marketplace "${marketplaceId}"`);
  return attributes;
}

/** 400 unless the caller participates in the marketplace (never an empty list instead). */
export function checkMarketplace(scope: SellerScope, marketplaceId: string | undefined): string {
  if (marketplaceId === undefined || marketplaceId === '') {
    throw InvalidInputError.field('marketplaceId', "Missing required parameter: 'marketplaceId'");
  }
  if (!scope.marketplaceIds.includes(marketplaceId)) {
    throw InvalidInputError.field(
      'marketplaceId',
      `The seller does not participate in marketplace "${marketplaceId}" (participates in ${scope.marketplaceIds.join(', ')})`,
    );
  }
  return marketplaceId;
}

/** Validates filters against the marketplace's attribute sets and resolves dates and defaults. */
export function resolveInvoiceFilter(
  scope: SellerScope,
  input: InvoiceFilterInput,
  now: Date,
): InvoiceFilter {
  const marketplaceId = checkMarketplace(scope, input.marketplaceId);
  const attributes = attributesOf(marketplaceId);
  const problems: FieldProblem[] = [];
  const oneOf = (field: string, value: string | undefined, options: string[]) => {
    if (value !== undefined && !options.includes(value)) {
      problems.push({ field, message: `"${value}" is not one of ${options.join(', ')}` });
    }
  };
  const statuses = input.statuses ?? VISIBLE_STATUSES;
  if (statuses.length === 0) problems.push({ field: 'statuses', message: 'must hold at least one status' });
  for (const s of statuses) oneOf('statuses', s, optionValues(attributes.invoiceStatusOptions));
  oneOf('invoiceType', input.invoiceType, optionValues(attributes.invoiceTypeOptions));
  oneOf('transactionType', input.transactionType, optionValues(attributes.transactionTypeOptions));
  oneOf(
    'transactionIdentifierName',
    input.transactionIdentifierName,
    optionValues(attributes.transactionIdentifierNameOptions),
  );
  const { transactionIdentifierName: name, transactionIdentifierId: id } = input;
  problems.push(...transactionIdentifierProblems(name, id));
  for (const [field, value] of [
    ['series', input.series],
    ['externalInvoiceId', input.externalInvoiceId],
  ] as const) {
    if (value !== undefined && !/^\d{1,9}$/.test(value))
      problems.push({ field, message: 'must be 1 to 9 digits' });
  }
  if (problems.length) throw new InvalidInputError('invalid filters', problems);
  const { start, end } = resolveWindow(input, now, DAY_MS);
  const stripZeros = (v: string | undefined) => (v === undefined ? undefined : String(Number(v)));
  return {
    sellerId: scope.sellerId,
    marketplaceId,
    start,
    end,
    statuses: [...new Set(statuses)].sort(),
    invoiceType: input.invoiceType,
    transactionType: input.transactionType,
    series: stripZeros(input.series),
    externalInvoiceId: stripZeros(input.externalInvoiceId),
    transaction: name !== undefined && id !== undefined ? { name, id } : undefined,
  };
}

/** Where a listing row sits in the keyset order. */
function position(row: { issued_at: Date; invoice_id: string }): InvoiceCursor {
  return { issuedAt: new Date(row.issued_at).toISOString(), invoiceId: row.invoice_id };
}

function tokenFilter(f: InvoiceFilter, order: 'asc' | 'desc'): TokenFilter {
  const { sellerId: _seller, start, end, ...rest } = f;
  return { ...rest, start: start.toISOString(), end: end.toISOString(), order };
}

/** At most this share of a page's renderings is read by id to fill a page kept otherwise. */
const MAX_HOLES = 0.25;

export class InvoiceQueries {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keyset: Keyset,
    /** The dialect's rendering kept beside each invoice (renderedInvoices), when one registers it. */
    private readonly rendering?: ListingRendering,
    /** Renderings this process keeps in memory under their versions (renderedInvoices). */
    private readonly renderings = new RenderingCache(0),
  ) {}

  attributes(scope: SellerScope, marketplaceId: string | undefined): MarketplaceInvoiceAttributes {
    return attributesOf(checkMarketplace(scope, marketplaceId));
  }

  async getInvoice(
    scope: SellerScope,
    marketplaceId: string | undefined,
    invoiceId: string,
  ): Promise<InvoiceSummary> {
    const mkt = checkMarketplace(scope, marketplaceId);
    const row = isUuid(invoiceId) ? await this.store.invoices.byId(scope.sellerId, invoiceId) : undefined;
    if (!row || row.marketplace_id !== mkt || !VISIBLE_STATUSES.includes(row.status)) {
      throw new NotFoundError(`Invoice ${invoiceId} was not found.`);
    }
    return invoiceSummary(row);
  }

  /** The operator's view: any status, any marketplace. */
  async forOperator(sellerId: string, invoiceId: string): Promise<InvoiceView> {
    return invoiceView(await this.operatorLookup(sellerId, invoiceId, (r) => r.byId(sellerId, invoiceId)));
  }

  /** The stored document, byte for byte. */
  async documentForOperator(sellerId: string, invoiceId: string): Promise<Buffer> {
    const xml = await this.operatorLookup(sellerId, invoiceId, (r) => r.document(sellerId, invoiceId));
    return Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  }

  private async operatorLookup<T>(
    sellerId: string,
    invoiceId: string,
    find: (invoices: InvoicesRepository) => Promise<T | undefined>,
  ): Promise<T> {
    const found = isUuid(sellerId) && isUuid(invoiceId) ? await find(this.store.invoices) : undefined;
    if (!found) throw new NotFoundError(`invoice ${invoiceId} of seller ${sellerId} not found`);
    return found;
  }

  /** A page of the seller's visible invoices; `nextToken` continues a listing. */
  async getInvoices(scope: SellerScope, input: GetInvoicesInput): Promise<Page<InvoiceSummary>> {
    const q = this.listing(scope, input);
    const page = await this.keyset.page<InvoiceListRecord, InvoicesScope, InvoiceCursor>({
      ...q.paging,
      read: (limit, from) => this.store.invoices.page(q.filter, q.order, limit, from),
      position,
    });
    return { ...page, items: page.items.map(invoiceSummary) };
  }

  /**
   * The same page as `getInvoices`, each invoice as the registered ListingRendering renders it,
   * joined by its separator. When this process may keep the page (see RenderingCache), the store
   * is asked for the page's ids and rendering versions alone, and kept renderings at those
   * versions are joined here (a page kept joined under the same ids and versions is served as
   * is); when one is missing, the store gives the page again with its renderings, which are kept
   * for the next time. Otherwise (a seller whose pages keep missing, as in a walk through invoices
   * read once) the store joins the renderings itself. A page where one has none stored is read row
   * by row, the missing ones rendered (and their renderings stored).
   */
  async renderedInvoices(scope: SellerScope, input: GetInvoicesInput): Promise<JoinedPage> {
    const rendering = this.rendering;
    if (!rendering) throw new Error('no listing rendering is registered');
    const q = this.listing(scope, input);
    const { size, after } = q.paging;
    const cursor = (page: { more: boolean; last?: InvoiceCursor | undefined }) =>
      page.more && page.last ? this.keyset.cursor(q.paging, page.last) : undefined;
    if (this.renderings.worthAsking(scope.sellerId)) {
      const keys = await this.store.invoices.listingKeys(q.filter, q.order, size, after);
      const kept = await this.keptPage(scope.sellerId, keys, rendering.separator);
      this.renderings.asked(scope.sellerId, kept !== undefined);
      if (kept !== undefined) return { joined: kept, cursor: cursor(keys) };
      const stored = await this.store.invoices.listingRenderings(q.filter, q.order, size, after);
      if (stored.renderings) {
        for (const [i, text] of stored.renderings.entries()) {
          this.renderings.keep(stored.ids[i] as string, stored.versions[i] as number, text);
        }
        const joined = this.joinKept(stored, stored.renderings, rendering.separator);
        return { joined, cursor: cursor(stored) };
      }
    } else {
      const stored = await this.store.invoices.joinedListingPage(
        q.filter,
        q.order,
        size,
        after,
        rendering.separator,
      );
      if (stored.joined !== null) return { joined: stored.joined, cursor: cursor(stored) };
    }
    const page = await this.keyset.page<ListingRow, InvoicesScope, InvoiceCursor>({
      ...q.paging,
      read: (limit, from) => this.store.invoices.listingPage(q.filter, q.order, limit, from),
      position: (row) => ({ issuedAt: new Date(row.issued_ms).toISOString(), invoiceId: row.invoice_id }),
    });
    const missing = page.items.filter((r) => r.listing === null).map((r) => r.invoice_id);
    const rendered = new Map<string, string>();
    for (const record of await this.store.invoices.listFields(scope.sellerId, missing)) {
      const text = rendering.render(invoiceSummary(record));
      rendered.set(record.invoice_id, text);
      await this.store.invoices.keepListing(scope.sellerId, record, text);
    }
    const items: string[] = [];
    for (const r of page.items) {
      const text = r.listing ?? rendered.get(r.invoice_id);
      if (text === undefined) continue;
      items.push(text);
      // Kept under the version read with the row: a rendering of fields that changed after it
      // belongs to a later version, so the store's current version never matches this entry.
      this.renderings.keep(r.invoice_id, r.listing_version, text);
    }
    return { joined: items.join(rendering.separator), cursor: page.cursor };
  }

  /** The page from memory: kept whole under its signature, or joined from kept renderings. */
  private async keptPage(sellerId: string, keys: ListingKeys, separator: string) {
    const whole = this.renderings.joined(keys.signature);
    if (whole !== undefined) return whole;
    const texts = await this.fillHoles(sellerId, keys);
    return texts && this.joinKept(keys, texts, separator);
  }

  /** A page's renderings joined, and kept so under the page's signature. */
  private joinKept(keys: ListingKeys, texts: string[], separator: string): string {
    const joined = texts.join(separator);
    this.renderings.keepJoined(keys.signature, joined);
    return joined;
  }

  /**
   * The page's renderings from memory, the few missing (new invoices on a page read before) read
   * by id at the versions the page gave; undefined when too many are missing, or when one changed
   * or lost its stored rendering since (the page is then read whole).
   */
  private async fillHoles(sellerId: string, keys: ListingKeys): Promise<string[] | undefined> {
    const { texts, holes } = this.renderings.page(keys.ids, keys.versions);
    if (holes === 0) return texts as string[];
    if (holes > keys.ids.length * MAX_HOLES) return undefined;
    const missing = keys.ids.filter((_, i) => texts[i] === undefined);
    const found = new Map(
      (await this.store.invoices.storedListings(sellerId, missing)).map((r) => [r.invoice_id, r]),
    );
    for (const [i, id] of keys.ids.entries()) {
      if (texts[i] !== undefined) continue;
      const row = found.get(id);
      if (!row || row.listing === null || row.listing_version !== keys.versions[i]) return undefined;
      texts[i] = row.listing;
      this.renderings.keep(id, row.listing_version, row.listing);
    }
    return texts as string[];
  }

  /** Validates a listing call (first or continued) into its filter, order and paging. */
  private listing(scope: SellerScope, input: GetInvoicesInput) {
    let pageSize = input.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) {
      throw InvalidInputError.field('pageSize', 'must be an integer from 1 to 200');
    }
    if (input.sortBy !== undefined && input.sortBy !== 'START_DATE_TIME') {
      throw InvalidInputError.field('sortBy', `"${input.sortBy}" is not one of START_DATE_TIME`);
    }
    if (input.sortOrder !== undefined && input.sortOrder !== 'ASC' && input.sortOrder !== 'DESC') {
      throw InvalidInputError.field('sortOrder', `"${input.sortOrder}" is not one of ASC, DESC`);
    }
    let filter: InvoiceFilter;
    let order: 'asc' | 'desc';
    let after: InvoiceCursor | undefined;
    let signed: TokenFilter;
    if (input.nextToken !== undefined) {
      ({ filter, order, after, size: pageSize, signed } = this.continueFrom(scope, input));
    } else {
      filter = resolveInvoiceFilter(scope, input, this.clock.now());
      order = input.sortOrder === 'ASC' ? 'asc' : 'desc';
      signed = tokenFilter(filter, order);
    }
    const paging = {
      size: pageSize,
      scope: { op: 'getInvoices', seller: scope.sellerId, filter: signed } as InvoicesScope,
      after,
    };
    return { filter, order, paging };
  }

  /**
   * `marketplaceId` + `nextToken` alone is the normal call; the first call's arguments again are
   * accepted too; different filters with a token are an error (docs/sp-api.md).
   */
  private continueFrom(scope: SellerScope, input: GetInvoicesInput) {
    const token = this.keyset.resume<InvoicesScope, InvoiceCursor>(
      input.nextToken as string,
      'nextToken',
      (c) => c.op === 'getInvoices' && c.seller === scope.sellerId,
    );
    const f = token.filter;
    checkMarketplace(scope, input.marketplaceId);
    // The usual call repeats no filter: nothing to resolve and compare beyond the marketplace.
    const repeats = Object.entries(input).some(
      ([key, value]) => value !== undefined && !CONTINUATION.has(key),
    );
    const given = repeats ? resolveGivenArguments(scope, input, f) : { marketplaceId: input.marketplaceId };
    const mismatched = Object.entries(given)
      .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(f[key as keyof TokenFilter]))
      .map(([key]) => key);
    assertSameFilters(mismatched, 'nextToken');
    const { order, start, end, ...rest } = f;
    const filter: InvoiceFilter = {
      ...rest,
      sellerId: scope.sellerId,
      start: new Date(start),
      end: new Date(end),
    };
    return { filter, order, after: token.after, size: input.pageSize ?? token.size, signed: f };
  }
}

/** Arguments of a continuation call that are not filters (sortBy has one value, checked before). */
const CONTINUATION = new Set(['marketplaceId', 'nextToken', 'pageSize', 'sortBy']);

/** The arguments a continuation call repeated, normalized as the first call normalized them. */
function resolveGivenArguments(
  scope: SellerScope,
  input: GetInvoicesInput,
  f: TokenFilter,
): Partial<TokenFilter> {
  const given: Partial<TokenFilter> = { marketplaceId: input.marketplaceId };
  // Dates absent from a repeated call fall back to the token's; given ones must resolve identically.
  const resolved = resolveInvoiceFilter(
    scope,
    { ...input, dateStart: input.dateStart ?? f.start, dateEnd: input.dateEnd ?? f.end },
    new Date(f.end),
  );
  if (input.dateStart !== undefined) given.start = resolved.start.toISOString();
  if (input.dateEnd !== undefined) given.end = resolved.end.toISOString();
  if (input.statuses !== undefined) given.statuses = resolved.statuses;
  if (input.invoiceType !== undefined) given.invoiceType = resolved.invoiceType;
  if (input.transactionType !== undefined) given.transactionType = resolved.transactionType;
  if (input.series !== undefined) given.series = resolved.series;
  if (input.externalInvoiceId !== undefined) given.externalInvoiceId = resolved.externalInvoiceId;
  if (input.transactionIdentifierId !== undefined) given.transaction = resolved.transaction;
  if (input.sortOrder !== undefined) given.order = input.sortOrder === 'ASC' ? 'asc' : 'desc';
  return given;
}
