import { sql } from 'kysely';
import type {
  AccessKeyItemsRepository,
  KeyTarget,
  MissingKeyQuery,
  TemplateRowCursor,
} from '../../../core/templates/access-key-items.js';
import type { AccessKeyTemplateRow } from '../../../core/templates/access-key-template.js';
import type { Db } from '../database.js';

/** Any constant: `pg_advisory_xact_lock(ACCESS_KEY_LOCK, hashtext(seller))` serializes one seller's assignments. */
const ACCESS_KEY_LOCK = 727_274_007;

export class KyselyAccessKeyItemsRepository implements AccessKeyItemsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Items of the seller's orders in the marketplace and statuses, without a key and without an
   * NF-e linked to their order, walked on orders_by_created (seller_id, created_at, order_id).
   */
  async missingKeyPage(
    query: MissingKeyQuery,
    limit: number,
    after?: TemplateRowCursor,
  ): Promise<AccessKeyTemplateRow[]> {
    let q = this.db
      .selectFrom('orders as o')
      .innerJoin('order_items as oi', (j) =>
        j.onRef('oi.seller_id', '=', 'o.seller_id').onRef('oi.order_id', '=', 'o.order_id'),
      )
      .select(['o.order_number', 'o.order_id', 'oi.order_item_id', 'oi.sku', 'o.created_at', 'o.status'])
      .where('o.seller_id', '=', query.sellerId)
      .where('oi.seller_id', '=', query.sellerId)
      .where('o.marketplace_id', '=', query.marketplaceId)
      .where('o.status', 'in', [...query.statuses])
      .where('oi.access_key', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('invoices as i')
              .select(sql.lit(1).as('one'))
              .where('i.seller_id', '=', query.sellerId)
              .whereRef('i.order_id', '=', 'o.order_id'),
          ),
        ),
      );
    if (after) {
      const at = new Date(after.createdAt);
      // The two-column bound is a range on orders_by_created, so each page starts where the last
      // one ended instead of scanning from the start (pages would cost O(n) each, O(n²) in all);
      // the three-column one then skips the items of the boundary order already sent.
      q = q
        .where(sql<boolean>`(o.created_at, o.order_id) >= (${at}, ${after.orderId})`)
        .where(
          sql<boolean>`(o.created_at, o.order_id, oi.order_item_id) > (${at}, ${after.orderId}, ${after.orderItemId})`,
        );
    }
    const rows = await q
      .orderBy('o.created_at')
      .orderBy('o.order_id')
      .orderBy('oi.order_item_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      orderNumber: r.order_number,
      orderId: r.order_id,
      orderItemId: r.order_item_id,
      sku: r.sku,
      orderDate: new Date(r.created_at),
      status: r.status,
      invoiceNumber: null,
      invoiceSeries: null,
    }));
  }

  async target(sellerId: string, orderId: string, orderItemId: string): Promise<KeyTarget | undefined> {
    const row = await this.db
      .selectFrom('order_items as oi')
      .innerJoin('orders as o', (j) =>
        j.onRef('o.seller_id', '=', 'oi.seller_id').onRef('o.order_id', '=', 'oi.order_id'),
      )
      .select([
        'oi.order_id',
        'oi.order_item_id',
        'oi.access_key',
        'o.status',
        'o.marketplace_id',
        (eb) =>
          eb
            .selectFrom('invoices as i')
            .select('i.access_key')
            .where('i.seller_id', '=', sellerId)
            .whereRef('i.order_id', '=', 'o.order_id')
            .orderBy('i.issued_at', 'desc')
            .limit(1)
            .as('linked_key'),
      ])
      .where('oi.seller_id', '=', sellerId)
      .where('oi.order_id', '=', orderId)
      .where('oi.order_item_id', '=', orderItemId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      orderId: row.order_id,
      orderItemId: row.order_item_id,
      accessKey: row.access_key,
      orderStatus: row.status,
      marketplaceId: row.marketplace_id,
      linkedInvoiceKey: row.linked_key ?? null,
    };
  }

  async ordersOfItem(sellerId: string, orderItemId: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('order_items')
      .select('order_id')
      .where('seller_id', '=', sellerId)
      .where('order_item_id', '=', orderItemId)
      .orderBy('order_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.order_id);
  }

  async orderUsingKey(
    sellerId: string,
    accessKey: string,
    exceptOrderId: string,
  ): Promise<string | undefined> {
    const item = await this.db
      .selectFrom('order_items')
      .select('order_id')
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .where('order_id', '<>', exceptOrderId)
      .limit(1)
      .executeTakeFirst();
    if (item) return item.order_id;
    const invoice = await this.db
      .selectFrom('invoices')
      .select('order_id')
      .where('seller_id', '=', sellerId)
      .where('access_key', '=', accessKey)
      .where('order_id', 'is not', null)
      .where('order_id', '<>', exceptOrderId)
      .executeTakeFirst();
    return invoice?.order_id ?? undefined;
  }

  async setKey(sellerId: string, orderId: string, orderItemId: string, accessKey: string): Promise<boolean> {
    const result = await this.db
      .updateTable('order_items')
      .set({ access_key: accessKey })
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .where('order_item_id', '=', orderItemId)
      .where('access_key', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async lockSeller(sellerId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(${sql.lit(ACCESS_KEY_LOCK)}, hashtext(${sellerId}))`.execute(
      this.db,
    );
  }
}
