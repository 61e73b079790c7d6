/**
 * The order items behind the access-key template, as the database knows them: which ones need a
 * key, and what a key assignment must check (the item, its order, a key used elsewhere).
 */
import type { AccessKeyTemplateRow } from './access-key-template.js';

/** The order statuses whose items need the NF-e's access key (the goods are leaving or left). */
export const KEYED_ORDER_STATUSES = ['ready_to_ship', 'shipped', 'delivered'] as const;

/** A keyset position in the template's order: (order created_at, order_id, order_item_id). */
export interface TemplateRowCursor {
  createdAt: string;
  orderId: string;
  orderItemId: string;
}

export interface MissingKeyQuery {
  sellerId: string;
  marketplaceId: string;
  statuses: readonly string[];
}

/** An order item with what decides whether a key may be set on it. */
export interface KeyTarget {
  orderId: string;
  orderItemId: string;
  accessKey: string | null;
  orderStatus: string;
  marketplaceId: string | null;
  /** The key of an ingested NF-e linked to the order (`orderId` at ingestion), if any. */
  linkedInvoiceKey: string | null;
}

export interface AccessKeyItemsRepository {
  /** One keyset page of the items needing a key, in (created_at, order_id, order_item_id) order. */
  missingKeyPage(
    query: MissingKeyQuery,
    limit: number,
    after?: TemplateRowCursor,
  ): Promise<AccessKeyTemplateRow[]>;
  target(sellerId: string, orderId: string, orderItemId: string): Promise<KeyTarget | undefined>;
  /** Order ids of the seller's items with this id (at most `limit`). */
  ordersOfItem(sellerId: string, orderItemId: string, limit: number): Promise<string[]>;
  /** Another order of the seller that already uses `accessKey` (an item's key or a linked NF-e). */
  orderUsingKey(sellerId: string, accessKey: string, exceptOrderId: string): Promise<string | undefined>;
  /** Sets the key of an item that has none; false when it has one by now. */
  setKey(sellerId: string, orderId: string, orderItemId: string, accessKey: string): Promise<boolean>;
  /**
   * Serializes key assignments of one seller until the transaction ends, so two feeds cannot give
   * one key to two orders at once.
   */
  lockSeller(sellerId: string): Promise<void>;
}
