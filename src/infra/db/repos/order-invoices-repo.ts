import type { Selectable } from 'kysely';
import type {
  NewOrderInvoice,
  OrderInvoiceFilter,
  OrderInvoiceRecord,
} from '../../../core/order-invoices/order-invoice-records.js';
import type { OrderInvoicesRepository } from '../../../core/order-invoices/order-invoices-repository.js';
import type { Db } from '../database.js';
import type { OrderInvoicesTable } from '../schema.js';

function record(row: Selectable<OrderInvoicesTable>): OrderInvoiceRecord {
  return { ...row, invoice_id: Number(row.invoice_id), size_bytes: Number(row.size_bytes) };
}

export class KyselyOrderInvoicesRepository implements OrderInvoicesRepository {
  constructor(private readonly db: Db) {}

  async insert(invoice: NewOrderInvoice): Promise<OrderInvoiceRecord> {
    const row = await this.db
      .insertInto('order_invoices')
      .values(invoice)
      .returningAll()
      .executeTakeFirstOrThrow();
    return record(row);
  }

  async get(sellerId: string, orderId: string, invoiceId: number) {
    const row = await this.db
      .selectFrom('order_invoices')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .where('invoice_id', '=', String(invoiceId) as never)
      .executeTakeFirst();
    return row && record(row);
  }

  async page(sellerId: string, filter: OrderInvoiceFilter, limit: number, offset: number) {
    let q = this.db.selectFrom('order_invoices').where('seller_id', '=', sellerId);
    if (filter.storefront) q = q.where('storefront', '=', filter.storefront);
    if (filter.createdFrom) q = q.where('created_at', '>=', filter.createdFrom);
    const [rows, count] = await Promise.all([
      q
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('invoice_id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows: rows.map(record), total: Number(count.n) };
  }

  async byFileId(fileId: string) {
    const row = await this.db
      .selectFrom('order_invoices')
      .selectAll()
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    return row && record(row);
  }

  async delete(sellerId: string, orderId: string, invoiceId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('order_invoices')
      .where('seller_id', '=', sellerId)
      .where('order_id', '=', orderId)
      .where('invoice_id', '=', String(invoiceId) as never)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
