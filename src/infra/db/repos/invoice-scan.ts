import { type Expression, sql } from 'kysely';
import type { InvoiceCursor, InvoiceFilter, InvoiceRecord } from '../../../core/invoices/invoice-records.js';
import type { Db } from '../database.js';

/** The filtered, ordered scan of a seller's invoices (listings, exports) and how a page of it is read. */

/**
 * A timestamp as milliseconds since the epoch (float8): a number the drivers read for free, where a
 * timestamp is parsed into a Date.
 */
export function epochMs(timestamp: Expression<unknown>) {
  return sql<number>`(extract(epoch from date_trunc('milliseconds', ${timestamp})) * 1000)::float8`;
}

/** `joined` without its last element, `bytes` long in UTF-8, and the separator before it. */
export function withoutLast(joined: string, bytes: number, separator: string): string {
  let end = joined.length;
  for (let left = bytes; left > 0 && end > 0; end--) {
    const c = joined.charCodeAt(end - 1);
    if (c >= 0xdc00 && c <= 0xdfff && end > 1) {
      const high = joined.charCodeAt(end - 2);
      if (high >= 0xd800 && high <= 0xdbff) {
        left -= 4;
        end--;
        continue;
      }
    }
    left -= c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return joined.slice(0, Math.max(0, end - separator.length));
}

/** The filtered, ordered invoice scan shared by listings and exports. */
export function filtered(db: Db, f: InvoiceFilter, order: 'asc' | 'desc', after?: InvoiceCursor) {
  let q = db
    .selectFrom('invoices as i')
    .where('i.seller_id', '=', f.sellerId)
    .where('i.marketplace_id', '=', f.marketplaceId)
    .where('i.issued_at', '>=', f.start)
    .where('i.issued_at', '<=', f.end)
    .where('i.status', 'in', f.statuses as InvoiceRecord['status'][]);
  if (f.invoiceType) q = q.where('i.invoice_type', '=', f.invoiceType);
  if (f.transactionType) q = q.where('i.transaction_type', '=', f.transactionType);
  if (f.series) q = q.where('i.series', '=', f.series);
  if (f.externalInvoiceId) q = q.where('i.number', '=', f.externalInvoiceId);
  if (f.transaction) {
    const t = f.transaction;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('invoice_transactions as t')
          .select(sql`1`.as('one'))
          .where('t.seller_id', '=', f.sellerId)
          .where('t.name', '=', t.name)
          .where('t.value', '=', t.id)
          .whereRef('t.invoice_id', '=', 'i.invoice_id'),
      ),
    );
  }
  if (after) {
    const cmp = order === 'asc' ? '>' : '<';
    q = q.where((eb) =>
      eb(
        eb.refTuple('i.issued_at', 'i.invoice_id'),
        cmp,
        eb.tuple(new Date(after.issuedAt), after.invoiceId),
      ),
    );
  }
  return q.orderBy('i.issued_at', order).orderBy('i.invoice_id', order);
}

/** What tells one statement text of `filtered` from another: the filters present, order, cursor. */
export function filterShape(f: InvoiceFilter, order: 'asc' | 'desc', after?: InvoiceCursor): string {
  const has = (v: unknown) => (v ? '+' : '-');
  return `${order}${has(after)}${has(f.invoiceType)}${has(f.transactionType)}${has(f.series)}${has(f.externalInvoiceId)}${has(f.transaction)}${f.statuses.length}`;
}

/** The parameters of `filtered`, in the order its text holds them. */
export function filterValues(f: InvoiceFilter, after?: InvoiceCursor): unknown[] {
  const values: unknown[] = [f.sellerId, f.marketplaceId, f.start, f.end, ...f.statuses];
  for (const v of [f.invoiceType, f.transactionType, f.series, f.externalInvoiceId]) if (v) values.push(v);
  if (f.transaction) values.push(f.sellerId, f.transaction.name, f.transaction.id);
  if (after) values.push(new Date(after.issuedAt), after.invoiceId);
  return values;
}
