import type { FieldProblem } from '../errors.js';
import type { InvoiceStatus } from '../nfe/types.js';

export interface TransactionId {
  name: string;
  id: string;
}

/** An invoice as the store keeps it (one row per NF-e; the document bytes live beside it). */
export interface InvoiceRecord {
  seller_id: string;
  invoice_id: string;
  access_key: string;
  marketplace_id: string;
  model: string;
  series: string;
  number: string;
  issued_at: Date;
  status: InvoiceStatus;
  error_code: string;
  gov_response: string;
  invoice_type: string;
  transaction_type: string;
  transaction_ids: TransactionId[];
  order_id: string | null;
  recipient_doc: string | null;
  total_amount: string | null;
  protocol: string | null;
  layout_version: string;
  discrepancies: FieldProblem[];
  xml_sha256: string;
  xml_size: number;
  created_at: Date;
  updated_at: Date;
}

/** What a listing reads of an invoice: everything but the bulky bookkeeping. */
export const LIST_FIELDS = [
  'invoice_id',
  'issued_at',
  'status',
  'error_code',
  'gov_response',
  'invoice_type',
  'transaction_type',
  'transaction_ids',
  'series',
  'number',
] as const;

export type InvoiceListRecord = Pick<InvoiceRecord, (typeof LIST_FIELDS)[number]>;

/** An NF-e event (cancellation, correction letter) as stored; the document itself is not read back. */
export interface EventRecord {
  seller_id: string;
  access_key: string;
  event_type: string;
  sequence: number;
  status_code: string;
  protocol: string | null;
  registered_at: Date | null;
  xml_sha256: string;
  received_at: Date;
  applied_at: Date | null;
}

/** Filters of a listing or an export, validated and resolved. */
export interface InvoiceFilter {
  sellerId: string;
  marketplaceId: string;
  start: Date;
  end: Date;
  statuses: string[];
  invoiceType?: string | undefined;
  transactionType?: string | undefined;
  series?: string | undefined;
  externalInvoiceId?: string | undefined;
  transaction?: TransactionId | undefined;
}

/** A keyset position in the (issued_at, invoice_id) order. */
export interface InvoiceCursor {
  issuedAt: string;
  invoiceId: string;
}

/** A new invoice with its document and transaction identifiers. */
export interface NewInvoice {
  record: InvoiceRecord;
  xml: Uint8Array;
  transactions: TransactionId[];
  /** The dialect's listing rendering of the record (ListingRendering), when one is registered. */
  listing?: string | null;
}
