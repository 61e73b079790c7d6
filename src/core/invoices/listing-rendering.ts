import type { InvoiceCursor } from './invoice-records.js';
import type { InvoiceSummary } from './invoice-view.js';

/**
 * A dialect's rendering of one invoice as its listing shows it (the SP-API dialect: the JSON of
 * its `Invoice`). The store keeps it beside the invoice so a page is built by joining stored
 * strings; the core never reads its format. It is derived from the summary alone, and the store
 * drops it and raises its version whenever a summary column changes (migrations/0010, 0012), so it
 * is never stale.
 */
export interface ListingRendering {
  render(invoice: InvoiceSummary): string;
  /** What goes between two renderings on a page (the SP-API dialect: a JSON array's comma). */
  separator: string;
}

/** A listing row as the index holds it: the rendering, or null when it must be rendered again. */
export interface ListingRow {
  invoice_id: string;
  /**
   * Milliseconds since the epoch: a number the drivers read for free, where a timestamp would be
   * parsed into a Date for every row of every page (a tenth of a page's CPU) to use only the last.
   */
  issued_ms: number;
  listing: string | null;
  /** Which rendering of the invoice is current (raised by the store whenever the rendering is dropped). */
  listing_version: number;
}

/** A page of the listing as the index holds it without the renderings: ids and their versions. */
export interface ListingKeys {
  /**
   * The page's ids and versions (and the id read beyond it) as one string: two pages with the same
   * signature hold the same renderings in the same order.
   */
  signature: string;
  /** The page's invoice ids, in listing order. */
  ids: string[];
  /** The current rendering version of each id. */
  versions: number[];
  /** Whether an invoice follows the page. */
  more: boolean;
  /** The position of the page's last invoice, when `more`. */
  last?: InvoiceCursor | undefined;
}

/**
 * A page of stored renderings joined by the store itself: one value to read instead of a row per
 * invoice (reading rows was most of a page's CPU).
 */
export interface JoinedListing {
  /** The page's renderings joined by the separator, in listing order; null when one has none stored. */
  joined: string | null;
  /** Whether an invoice follows the page. */
  more: boolean;
  /** The position of the page's last invoice, when `more`. */
  last?: InvoiceCursor | undefined;
}

/** The same page with its stored renderings, read in one row too. */
export interface ListingRenderings extends ListingKeys {
  /** The renderings in listing order; null when one of the page's invoices has none stored. */
  renderings: string[] | null;
}

/** A page as the listing's renderings joined, and the cursor of the next page unless it is the last. */
export interface JoinedPage {
  joined: string;
  cursor?: string | undefined;
}
