/** An order as the marketplace loaded it. */
export interface OrderRecord {
  seller_id: string;
  order_id: string;
  marketplace_id: string | null;
  storefront: string | null;
  order_number: string | null;
  status: string;
  created_at: Date;
  updated_at: Date;
}

export interface OrderItemRecord {
  seller_id: string;
  order_id: string;
  order_item_id: string;
  sku: string | null;
  status: string | null;
  /** The NF-e access key attached to the item, once known. */
  access_key: string | null;
}

export interface OrdersRepository {
  get(sellerId: string, orderId: string): Promise<OrderRecord | undefined>;
  items(sellerId: string, orderId: string): Promise<OrderItemRecord[]>;
  /**
   * Inserts or replaces orders; items keep what was attached to them (access keys) across updates,
   * and items no longer listed are removed. Returns 'created' or 'updated' per `sellerId/orderId`.
   */
  upsertMany(
    orders: OrderRecord[],
    items: Omit<OrderItemRecord, 'access_key'>[],
  ): Promise<Map<string, 'created' | 'updated'>>;
}
