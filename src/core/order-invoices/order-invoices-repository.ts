import type { NewOrderInvoice, OrderInvoiceFilter, OrderInvoiceRecord } from './order-invoice-records.js';

export interface OrderInvoicesRepository {
  /** Stores the row and returns it with its new invoice id. */
  insert(invoice: NewOrderInvoice): Promise<OrderInvoiceRecord>;
  get(sellerId: string, orderId: string, invoiceId: number): Promise<OrderInvoiceRecord | undefined>;
  /** Newest first (created_at, then invoice id); `total` counts every match of the filter. */
  page(
    sellerId: string,
    filter: OrderInvoiceFilter,
    limit: number,
    offset: number,
  ): Promise<{ rows: OrderInvoiceRecord[]; total: number }>;
  byFileId(fileId: string): Promise<OrderInvoiceRecord | undefined>;
  /** Deletes the row; false when it was not there (a concurrent delete won). */
  delete(sellerId: string, orderId: string, invoiceId: number): Promise<boolean>;
}
