import { BRAZIL } from '../marketplaces.js';
import type { OrderInput } from '../orders/orders-service.js';
import { KEYED_ORDER_STATUSES } from '../templates/access-key-items.js';

const SKUS = ['LIV-001', 'FON-220', 'CAF-500', 'CAM-M', 'PAN-24', 'LUM-LED'];

/**
 * Orders of the demo seller whose items still need an NF-e access key (no NF-e was ingested for
 * them): what the SellerCenter template lists on a fresh demo. Deterministic, spread over the last
 * `count` hours, one to three items each.
 */
export function demoOrdersMissingKeys(sellerId: string, now: Date, count = 25): OrderInput[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const items = 1 + (i % 3);
    return {
      orderId: `703-${String(n).padStart(7, '0')}`,
      sellerId,
      marketplaceId: BRAZIL,
      orderNumber: String(500_000 + n),
      createdAt: new Date(Math.floor(now.getTime() / 1000) * 1000 - (count - i) * 3_600_000).toISOString(),
      status: KEYED_ORDER_STATUSES[i % KEYED_ORDER_STATUSES.length] as string,
      items: Array.from({ length: items }, (_, j) => ({
        orderItemId: `SC${String(n).padStart(5, '0')}-${j + 1}`,
        sku: SKUS[(i + j) % SKUS.length] as string,
      })),
    };
  });
}
