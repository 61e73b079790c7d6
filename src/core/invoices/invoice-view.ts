import type { InvoiceListRow, InvoiceRow } from '../../infra/db/repos/invoices-repo.js';
import type { DiscrepancyRow, TransactionIdRow } from '../../infra/db/schema.js';

/** The operator API's view of an invoice: everything we index. */
export interface InvoiceView {
  id: string;
  sellerId: string;
  accessKey: string;
  status: InvoiceRow['status'];
  marketplaceId: string;
  model: string;
  series: string;
  number: string;
  issuedAt: string;
  invoiceType: string;
  transactionType: string;
  transactionIds: TransactionIdRow[];
  orderId: string | null;
  errorCode: string;
  govResponse: string;
  protocol: string | null;
  recipientDoc: string | null;
  totalAmount: string | null;
  layoutVersion: string;
  discrepancies: DiscrepancyRow[];
  xmlSha256: string;
  xmlSize: number;
  createdAt: string;
  updatedAt: string;
}

/** jsonb arrives parsed from both drivers; a string only if someone stored JSON text. */
export function jsonArray<T>(value: unknown): T[] {
  if (typeof value === 'string') return JSON.parse(value) as T[];
  return (value as T[] | null) ?? [];
}

export function invoiceView(row: InvoiceRow): InvoiceView {
  return {
    id: row.invoice_id,
    sellerId: row.seller_id,
    accessKey: row.access_key,
    status: row.status,
    marketplaceId: row.marketplace_id,
    model: row.model,
    series: row.series,
    number: row.number,
    issuedAt: new Date(row.issued_at).toISOString(),
    invoiceType: row.invoice_type,
    transactionType: row.transaction_type,
    transactionIds: jsonArray<TransactionIdRow>(row.transaction_ids),
    orderId: row.order_id,
    errorCode: row.error_code,
    govResponse: row.gov_response,
    protocol: row.protocol,
    recipientDoc: row.recipient_doc,
    totalAmount: row.total_amount,
    layoutVersion: row.layout_version,
    discrepancies: jsonArray<DiscrepancyRow>(row.discrepancies),
    xmlSha256: row.xml_sha256,
    xmlSize: row.xml_size,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** SP-API's Invoice shape (InvoicesApiModel_2024-06-19 `Invoice`). */
export interface SpApiInvoice {
  date: string;
  errorCode: string;
  externalInvoiceId: string;
  govResponse: string;
  id: string;
  invoiceType: string;
  series: string;
  status: string;
  transactionIds: TransactionIdRow[];
  transactionType: string;
}

export function spApiInvoice(row: InvoiceListRow): SpApiInvoice {
  return {
    date: new Date(row.issued_at).toISOString(),
    errorCode: row.error_code,
    externalInvoiceId: row.number,
    govResponse: row.gov_response,
    id: row.invoice_id,
    invoiceType: row.invoice_type,
    series: row.series,
    status: row.status,
    transactionIds: jsonArray<TransactionIdRow>(row.transaction_ids).map((t) => ({ name: t.name, id: t.id })),
    transactionType: row.transaction_type,
  };
}
