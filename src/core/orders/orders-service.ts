import { parseApiDate } from '../dates.js';
import { type FieldProblem, InvalidInputError, NotFoundError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { SellerRecord } from '../sellers/seller-records.js';
import { CONTROL_CHARS, isUuid } from '../text.js';

export const ORDER_STATUSES = [
  'pending',
  'ready_to_ship',
  'shipped',
  'delivered',
  'canceled',
  'returned',
] as const;
export const MAX_ORDERS_PER_CALL = 1000;

export interface OrderInput {
  orderId: string;
  sellerId: string;
  marketplaceId?: string | undefined;
  storefront?: string | undefined;
  orderNumber?: string | undefined;
  createdAt: string;
  status: string;
  items: { orderItemId: string; sku?: string | undefined; status?: string | undefined }[];
}

export interface OrderView {
  orderId: string;
  sellerId: string;
  marketplaceId: string | null;
  storefront: string | null;
  orderNumber: string | null;
  createdAt: string;
  status: string;
  items: { orderItemId: string; sku: string | null; status: string | null; accessKey: string | null }[];
}

/** Order and item ids: what the marketplaces use (Kaufland's `MXE5BY1`, SellerCenter's numbers, UUIDs). */
export const ID_RE = /^[\w.:-]{1,128}$/;

/** Orders as the marketplace loads them; later dialects (Kaufland, SellerCenter) read them. */
export class OrdersService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** All orders are validated first and stored in one transaction: all or nothing. */
  async upsertMany(orders: OrderInput[], fieldPrefix = ''): Promise<{ orderId: string; outcome: string }[]> {
    if (orders.length === 0) throw InvalidInputError.field(fieldPrefix || 'body', 'holds no order');
    if (orders.length > MAX_ORDERS_PER_CALL) {
      throw InvalidInputError.field(fieldPrefix || 'body', `at most ${MAX_ORDERS_PER_CALL} orders per call`);
    }
    const sellers = new Map<string, SellerRecord | undefined>();
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    for (const [i, order] of orders.entries()) {
      const at = orders.length > 1 || fieldPrefix ? `${fieldPrefix}[${i}].` : '';
      if (!sellers.has(order.sellerId)) {
        sellers.set(
          order.sellerId,
          isUuid(order.sellerId) ? await this.store.sellers.byId(order.sellerId) : undefined,
        );
      }
      problems.push(...validateOrder(order, sellers.get(order.sellerId), at));
      const key = `${order.sellerId}/${order.orderId}`;
      if (seen.has(key)) problems.push({ field: `${at}orderId`, message: 'appears twice in this call' });
      seen.add(key);
    }
    if (problems.length) throw new InvalidInputError('invalid orders', problems);
    const now = this.clock.now();
    const rows = orders.map((order) => {
      const seller = sellers.get(order.sellerId) as SellerRecord;
      return {
        seller_id: order.sellerId,
        order_id: order.orderId,
        marketplace_id: order.storefront ? null : (order.marketplaceId ?? seller.marketplace_ids[0] ?? null),
        storefront: order.storefront ?? null,
        order_number: order.orderNumber ?? null,
        status: order.status,
        created_at: parseApiDate('createdAt', order.createdAt),
        updated_at: now,
      };
    });
    const items = orders.flatMap((order) =>
      order.items.map((item) => ({
        seller_id: order.sellerId,
        order_id: order.orderId,
        order_item_id: item.orderItemId,
        sku: item.sku ?? null,
        status: item.status ?? null,
      })),
    );
    const outcomes = await this.store.transaction((tx) => tx.orders.upsertMany(rows, items));
    return orders.map((o) => ({
      orderId: o.orderId,
      outcome: outcomes.get(`${o.sellerId}/${o.orderId}`) ?? 'updated',
    }));
  }

  async get(sellerId: string, orderId: string): Promise<OrderView> {
    const order =
      isUuid(sellerId) && ID_RE.test(orderId) ? await this.store.orders.get(sellerId, orderId) : undefined;
    if (!order) throw new NotFoundError(`order ${orderId} of seller ${sellerId} not found`);
    const items = await this.store.orders.items(sellerId, orderId);
    return {
      orderId: order.order_id,
      sellerId: order.seller_id,
      marketplaceId: order.marketplace_id,
      storefront: order.storefront,
      orderNumber: order.order_number,
      createdAt: new Date(order.created_at).toISOString(),
      status: order.status,
      items: items.map((i) => ({
        orderItemId: i.order_item_id,
        sku: i.sku,
        status: i.status,
        accessKey: i.access_key,
      })),
    };
  }
}

function validateOrder(order: OrderInput, seller: SellerRecord | undefined, at: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: at + field, message });
  if (!seller) add('sellerId', `no seller ${order.sellerId}`);
  if (!ID_RE.test(order.orderId)) add('orderId', 'must be 1 to 128 characters of letters, digits, _ . : -');
  if (order.marketplaceId !== undefined && order.storefront !== undefined) {
    add('storefront', 'give marketplaceId or storefront, not both');
  }
  if (seller && order.marketplaceId !== undefined && !seller.marketplace_ids.includes(order.marketplaceId)) {
    add('marketplaceId', `seller does not participate in marketplace "${order.marketplaceId}"`);
  }
  if (seller && order.storefront !== undefined && !seller.storefronts.includes(order.storefront)) {
    add(
      'storefront',
      `seller does not sell on storefront "${order.storefront}" (sells on: ${seller.storefronts.join(', ') || 'none'})`,
    );
  }
  if (order.orderNumber !== undefined && (order.orderNumber.length === 0 || order.orderNumber.length > 64)) {
    add('orderNumber', 'must be 1 to 64 characters');
  }
  if (order.orderNumber !== undefined && CONTROL_CHARS.test(order.orderNumber)) {
    add('orderNumber', 'must not contain control characters');
  }
  try {
    parseApiDate('createdAt', order.createdAt);
  } catch (err) {
    add('createdAt', (err as InvalidInputError).problems[0]?.message ?? 'invalid date');
  }
  if (!(ORDER_STATUSES as readonly string[]).includes(order.status)) {
    add('status', `"${order.status}" is not one of ${ORDER_STATUSES.join(', ')}`);
  }
  if (order.items.length === 0) add('items', 'must hold at least one item');
  const itemIds = new Set<string>();
  order.items.forEach((item, j) => {
    if (!ID_RE.test(item.orderItemId))
      add(`items[${j}].orderItemId`, 'must be 1 to 128 characters of letters, digits, _ . : -');
    if (itemIds.has(item.orderItemId)) add(`items[${j}].orderItemId`, 'appears twice in this order');
    itemIds.add(item.orderItemId);
    if (item.sku !== undefined && CONTROL_CHARS.test(item.sku))
      add(`items[${j}].sku`, 'must not contain control characters');
    if (item.status !== undefined && !(ORDER_STATUSES as readonly string[]).includes(item.status)) {
      add(`items[${j}].status`, `"${item.status}" is not one of ${ORDER_STATUSES.join(', ')}`);
    }
  });
  return problems;
}
