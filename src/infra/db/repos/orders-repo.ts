import { sql } from 'kysely';
import type {
  OrderItemRecord,
  OrderRecord,
  OrdersRepository,
} from '../../../core/orders/orders-repository.js';
import type { Db } from '../database.js';

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export class KyselyOrdersRepository implements OrdersRepository {
  constructor(private readonly db: Db) {}

  get(sellerId: string, orderId: string) {
    return this.db
      .selectFrom('orders')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .executeTakeFirst();
  }

  items(sellerId: string, orderId: string) {
    return this.db
      .selectFrom('order_items')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .orderBy('order_item_id')
      .execute();
  }

  /**
   * Inserts or replaces orders in three statements whatever their number; items keep what was
   * attached to them (access keys) across updates, and items no longer listed are removed.
   */
  async upsertMany(
    orders: OrderRecord[],
    items: Omit<OrderItemRecord, 'access_key'>[],
  ): Promise<Map<string, 'created' | 'updated'>> {
    const db = this.db;
    const outcomes = new Map<string, 'created' | 'updated'>();
    for (const chunk of chunks(orders, 1000)) {
      const rows = await db
        .insertInto('orders')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['seller_id', 'order_id']).doUpdateSet((eb) => ({
            marketplace_id: eb.ref('excluded.marketplace_id'),
            storefront: eb.ref('excluded.storefront'),
            order_number: eb.ref('excluded.order_number'),
            status: eb.ref('excluded.status'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        // xmax = 0 on a fresh insert, the updating transaction's id on a conflict update.
        .returning(['seller_id', 'order_id', sql<string>`xmax::text`.as('xmax')])
        .execute();
      for (const r of rows)
        outcomes.set(`${r.seller_id}/${r.order_id}`, r.xmax === '0' ? 'created' : 'updated');
      // Array parameters rather than long IN lists: PGlite's small stack overflows on deep OR trees.
      const keep = items.map((i) => `${i.seller_id}/${i.order_id}/${i.order_item_id}`);
      await sql`
        delete from order_items oi
        using unnest(${chunk.map((o) => o.seller_id)}::uuid[], ${chunk.map((o) => o.order_id)}::text[]) as o(seller_id, order_id)
        where oi.seller_id = o.seller_id and oi.order_id = o.order_id
          and not (oi.seller_id::text || '/' || oi.order_id || '/' || oi.order_item_id = any(${keep}::text[]))
      `.execute(db);
    }
    for (const chunk of chunks(items, 1000)) {
      await db
        .insertInto('order_items')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['seller_id', 'order_id', 'order_item_id']).doUpdateSet((eb) => ({
            sku: eb.ref('excluded.sku'),
            status: eb.ref('excluded.status'),
          })),
        )
        .execute();
    }
    return outcomes;
  }
}
