import type { FieldProblem } from '../errors.js';
import type { InvoiceStatus } from '../nfe/types.js';
import type { InvoiceListRecord, InvoiceRecord, TransactionId } from './invoice-records.js';

/** The operator's view of an invoice: everything we index. */
export interface InvoiceView {
  id: string;
  sellerId: string;
  accessKey: string;
  status: InvoiceStatus;
  marketplaceId: string;
  model: string;
  series: string;
  number: string;
  issuedAt: string;
  invoiceType: string;
  transactionType: string;
  transactionIds: TransactionId[];
  orderId: string | null;
  errorCode: string;
  govResponse: string;
  protocol: string | null;
  recipientDoc: string | null;
  totalAmount: string | null;
  layoutVersion: string;
  discrepancies: FieldProblem[];
  xmlSha256: string;
  xmlSize: number;
  createdAt: string;
  updatedAt: string;
}

/** What a seller's listing shows of an invoice; each dialect presents it in its own shape. */
export interface InvoiceSummary {
  id: string;
  issuedAt: string;
  status: InvoiceStatus;
  errorCode: string;
  govResponse: string;
  invoiceType: string;
  transactionType: string;
  transactionIds: TransactionId[];
  series: string;
  number: string;
}

/** jsonb arrives parsed from both drivers; a string only if someone stored JSON text. */
export function jsonArray<T>(value: unknown): T[] {
  if (typeof value === 'string') return JSON.parse(value) as T[];
  return (value as T[] | null) ?? [];
}

export function invoiceView(row: InvoiceRecord): InvoiceView {
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
    transactionIds: jsonArray<TransactionId>(row.transaction_ids),
    orderId: row.order_id,
    errorCode: row.error_code,
    govResponse: row.gov_response,
    protocol: row.protocol,
    recipientDoc: row.recipient_doc,
    totalAmount: row.total_amount,
    layoutVersion: row.layout_version,
    discrepancies: jsonArray<FieldProblem>(row.discrepancies),
    xmlSha256: row.xml_sha256,
    xmlSize: row.xml_size,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function invoiceSummary(row: InvoiceListRecord): InvoiceSummary {
  return {
    id: row.invoice_id,
    issuedAt: new Date(row.issued_at).toISOString(),
    status: row.status,
    errorCode: row.error_code,
    govResponse: row.gov_response,
    invoiceType: row.invoice_type,
    transactionType: row.transaction_type,
    transactionIds: jsonArray<TransactionId>(row.transaction_ids).map((t) => ({ name: t.name, id: t.id })),
    series: row.series,
    number: row.number,
  };
}
