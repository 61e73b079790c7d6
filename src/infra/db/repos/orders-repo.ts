import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { OrderItemsTable, OrdersTable } from '../schema.js';

export type OrderRow = Selectable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;

export const ordersRepo = {
  get(db: Db, sellerId: string, orderId: string) {
    return db
      .selectFrom('orders')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .executeTakeFirst();
  },

  items(db: Db, sellerId: string, orderId: string) {
    return db
      .selectFrom('order_items')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .orderBy('order_item_id')
      .execute();
  },

  /** Inserts or replaces an order; items keep what was attached to them (access keys) across updates. */
  async upsert(
    db: Db,
    order: Insertable<OrdersTable>,
    items: Omit<Insertable<OrderItemsTable>, 'access_key'>[],
  ) {
    const res = await db
      .insertInto('orders')
      .values(order)
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
      .returning(sql<string>`xmax::text`.as('xmax'))
      .executeTakeFirstOrThrow();
    const ids = items.map((i) => i.order_item_id);
    let del = db
      .deleteFrom('order_items')
      .where('seller_id', '=', order.seller_id)
      .where('order_id', '=', order.order_id);
    if (ids.length) del = del.where('order_item_id', 'not in', ids);
    await del.execute();
    if (items.length) {
      await db
        .insertInto('order_items')
        .values(items)
        .onConflict((oc) =>
          oc.columns(['seller_id', 'order_id', 'order_item_id']).doUpdateSet((eb) => ({
            sku: eb.ref('excluded.sku'),
            status: eb.ref('excluded.status'),
          })),
        )
        .execute();
    }
    // xmax = 0 on a fresh insert, the updating transaction's id on a conflict update.
    return String(res.xmax) === '0' ? 'created' : 'updated';
  },
};
