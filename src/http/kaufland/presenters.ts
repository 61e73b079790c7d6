import type { Static } from '@sinclair/typebox';
import type { OrderInvoiceRecord } from '../../core/order-invoices/order-invoice-records.js';
import type { OrderInvoice } from './schemas.js';

/** Where an order invoice downloads from, under the dialect's prefix. */
export const DOWNLOAD_PATH = '/kaufland/files/order-invoices';

/** `2021-07-24T19:26:05Z`: Kaufland's timestamps have whole seconds. */
export function kauflandTimestamp(at: Date): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function orderInvoiceUrl(baseUrl: string, fileId: string, accessToken: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${DOWNLOAD_PATH}/${fileId}?access_token=${accessToken}`;
}

/** An `OrderInvoice` exactly as Kaufland's document describes it: every field, nothing else. */
export function kauflandOrderInvoice(row: OrderInvoiceRecord, url: string): Static<typeof OrderInvoice> {
  return {
    id_invoice: row.invoice_id,
    id_order: row.order_id,
    storefront: row.storefront as Static<typeof OrderInvoice>['storefront'],
    is_marketplace_deemed_supplier: row.deemed_supplier,
    original_name: row.original_name,
    mime_type: row.mime_type,
    url,
    ts_created_iso: kauflandTimestamp(row.created_at),
  };
}
