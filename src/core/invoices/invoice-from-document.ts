import { createHash } from 'node:crypto';
import type { DerivedStatus, NfeInvoiceDocument } from '../nfe/types.js';
import type { Classification } from './classification.js';
import type { InvoiceRecord } from './invoice-records.js';

/** The columns a document determines (on insert and on replacement). */
export function documentFields(
  doc: NfeInvoiceDocument,
  derived: DerivedStatus,
  hash: string,
  size: number,
  now: Date,
) {
  return {
    status: derived.status,
    error_code: derived.errorCode,
    gov_response: derived.govResponse,
    protocol: doc.protocol?.nProt ?? null,
    issued_at: doc.issuedAt,
    discrepancies: doc.discrepancies.map((d) => ({ field: d.field, message: d.message })),
    xml_sha256: hash,
    xml_size: size,
    layout_version: doc.layoutVersion,
    updated_at: now,
  };
}

export function newInvoiceRow(
  sellerId: string,
  invoiceId: string,
  doc: NfeInvoiceDocument,
  cls: Classification,
  fields: ReturnType<typeof documentFields>,
  now: Date,
): InvoiceRecord {
  return {
    seller_id: sellerId,
    invoice_id: invoiceId,
    access_key: doc.accessKey,
    marketplace_id: cls.marketplaceId,
    model: doc.model,
    series: doc.series,
    number: doc.number,
    invoice_type: cls.invoiceType,
    transaction_type: cls.transactionType,
    transaction_ids: cls.transactionIds,
    order_id: cls.orderId,
    recipient_doc: doc.recipientDoc,
    total_amount: doc.totalAmount,
    created_at: now,
    ...fields,
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
