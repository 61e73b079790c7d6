import { ConflictError, type FieldProblem, InvalidInputError, UniqueViolationError } from '../errors.js';
import { parseAccessKey } from '../nfe/access-key.js';
import { readNfeDocument } from '../nfe/read.js';
import { deriveStatus } from '../nfe/status.js';
import type { InvoiceStatus, NfeEvent, NfeEventDocument, NfeInvoiceDocument } from '../nfe/types.js';
import type { ArchiveReader } from '../ports/archives.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import type { SellerRecord } from '../sellers/seller-records.js';
import { type BatchItem, type BatchResult, ingestBatch } from './batch-ingest.js';
import { type BulkItemResult, ingestZip } from './bulk-ingest.js';
import { type IngestMeta, resolveClassification } from './classification.js';
import { documentFields, newInvoiceRow, sha256 } from './invoice-from-document.js';
import type { EventRecord, InvoiceRecord } from './invoice-records.js';
import { type InvoiceView, invoiceView } from './invoice-view.js';

export type IngestOutcome =
  | 'created'
  | 'unchanged'
  | 'updated'
  | 'event-applied'
  | 'event-pending'
  | 'event-unchanged';

export interface EventView {
  accessKey: string;
  eventType: string;
  sequence: number;
  statusCode: string;
  protocol: string | null;
  registeredAt: string | null;
  applied: boolean;
}

export interface IngestResult {
  outcome: IngestOutcome;
  invoice?: InvoiceView;
  event?: EventView;
  /** Accepted oddities: key/document disagreements, duplicate numbers. */
  warnings: FieldProblem[];
}

/** Later documents may only move an invoice forward; anything else is a conflict. */
const STATUS_RANK: Record<InvoiceStatus, number> = { PENDING: 0, REJECTED: 1, AUTHORIZED: 2, CANCELED: 3 };

function eventFromRow(row: EventRecord): NfeEvent {
  return {
    accessKey: row.access_key,
    eventType: row.event_type,
    sequence: row.sequence,
    statusCode: row.status_code,
    statusReason: '',
    protocol: row.protocol,
    registeredAt: row.registered_at ? new Date(row.registered_at) : null,
  };
}

function eventView(e: NfeEvent, applied: boolean): EventView {
  return {
    accessKey: e.accessKey,
    eventType: e.eventType,
    sequence: e.sequence,
    statusCode: e.statusCode,
    protocol: e.protocol,
    registeredAt: e.registeredAt ? e.registeredAt.toISOString() : null,
    applied,
  };
}

/**
 * NF-e ingestion: one document in, one invoice (or event) stored with its original bytes, in one
 * transaction. The same document twice is a no-op; a later document for a known key may only move
 * the invoice forward (pending → rejected → authorized → cancelled).
 */
export class IngestService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly maxXmlBytes: number,
    private readonly zipEntries: ArchiveReader,
  ) {}

  async ingest(bytes: Uint8Array, meta: IngestMeta = {}): Promise<IngestResult> {
    const doc = readNfeDocument(bytes, { maxBytes: this.maxXmlBytes });
    if (doc.kind === 'event') return this.ingestEvent(doc, bytes);
    try {
      return await this.ingestInvoice(doc, bytes, meta);
    } catch (err) {
      // A concurrent ingestion of the same key won the unique index: answer as if we came second.
      if (err instanceof UniqueViolationError) return this.ingestInvoice(doc, bytes, meta);
      throw err;
    }
  }

  /** Every `.xml` entry of a ZIP file, in batches, one result per entry. */
  ingestZip(zipFile: string, meta: IngestMeta = {}): AsyncGenerator<BulkItemResult> {
    return ingestZip(this, this.zipEntries, zipFile, this.maxXmlBytes, meta);
  }

  /** Many documents at once, with a fast path for new invoices (see batch-ingest.ts). */
  ingestMany(items: BatchItem[]): Promise<BatchResult[]> {
    return ingestBatch(
      { single: this, store: this.store, clock: this.clock, ids: this.ids, maxXmlBytes: this.maxXmlBytes },
      items,
    );
  }

  async sellerFor(cnpj: string, field: string): Promise<SellerRecord> {
    const seller = await this.store.sellers.byCnpj(cnpj);
    if (!seller) throw InvalidInputError.field(field, `no seller is registered with CNPJ ${cnpj}`);
    return seller;
  }

  private async ingestInvoice(
    doc: NfeInvoiceDocument,
    bytes: Uint8Array,
    meta: IngestMeta,
  ): Promise<IngestResult> {
    const seller = await this.sellerFor(doc.emitterCnpj, 'emit/CNPJ');
    const cls = resolveClassification(seller, doc, meta);
    const hash = sha256(bytes);
    const now = this.clock.now();
    const warnings: FieldProblem[] = doc.discrepancies.map((d) => ({ field: d.field, message: d.message }));

    return this.store.transaction(async (tx) => {
      const events = (await tx.invoices.eventsFor(seller.seller_id, doc.accessKey)).map(eventFromRow);
      const derived = deriveStatus(doc, events);
      const existing = await tx.invoices.byAccessKey(seller.seller_id, doc.accessKey);
      const fields = documentFields(doc, derived, hash, bytes.byteLength, now);

      if (existing) {
        if (existing.xml_sha256 === hash)
          return { outcome: 'unchanged', invoice: invoiceView(existing), warnings };
        if (STATUS_RANK[derived.status] <= STATUS_RANK[existing.status]) {
          throw new ConflictError(
            `invoice ${existing.invoice_id} already holds a different document with access key ${doc.accessKey} ` +
              `(status ${existing.status}); this one (status ${derived.status}) would not move it forward`,
            [{ field: 'infNFe/@Id', message: 'another document with this access key is already stored' }],
          );
        }
        await tx.invoices.replaceDocument(seller.seller_id, existing.invoice_id, fields, bytes);
        await tx.invoices.markEventsApplied(seller.seller_id, doc.accessKey, now);
        const updated = (await tx.invoices.byId(seller.seller_id, existing.invoice_id)) as InvoiceRecord;
        return { outcome: 'updated', invoice: invoiceView(updated), warnings };
      }

      const twins = await tx.invoices.sameNumberOtherKey(
        seller.seller_id,
        doc.model,
        doc.series,
        doc.number,
        doc.accessKey,
      );
      for (const twin of twins) {
        warnings.push({
          field: 'ide/nNF',
          message: `invoice ${twin.invoice_id} has the same model, series and number under key ${twin.access_key} (contingency re-issue or duplicate)`,
        });
      }
      const invoiceId = this.ids.uuid();
      await tx.invoices.insert({
        record: newInvoiceRow(seller.seller_id, invoiceId, doc, cls, fields, now),
        xml: bytes,
        transactions: cls.transactionIds,
      });
      await tx.invoices.markEventsApplied(seller.seller_id, doc.accessKey, now);
      const created = (await tx.invoices.byId(seller.seller_id, invoiceId)) as InvoiceRecord;
      return { outcome: 'created', invoice: invoiceView(created), warnings };
    });
  }

  private async ingestEvent(doc: NfeEventDocument, bytes: Uint8Array): Promise<IngestResult> {
    const e = doc.event;
    const seller = await this.sellerFor(parseAccessKey(e.accessKey).cnpj, 'chNFe');
    const hash = sha256(bytes);
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const known = await tx.invoices.event(seller.seller_id, e.accessKey, e.eventType, e.sequence);
      if (known && known.xml_sha256 !== hash) {
        throw new ConflictError(
          `event ${e.eventType} #${e.sequence} for ${e.accessKey} is already stored with different content`,
          [{ field: 'nSeqEvento', message: 'this event sequence is already stored with different content' }],
        );
      }
      if (!known) {
        await tx.invoices.insertEvent({
          seller_id: seller.seller_id,
          access_key: e.accessKey,
          event_type: e.eventType,
          sequence: e.sequence,
          status_code: e.statusCode,
          protocol: e.protocol,
          registered_at: e.registeredAt,
          xml: bytes,
          xml_sha256: hash,
          received_at: now,
          applied_at: null,
        });
      }
      const invoice = await tx.invoices.byAccessKey(seller.seller_id, e.accessKey);
      if (!invoice) {
        return { outcome: 'event-pending', event: eventView(e, false), warnings: [] };
      }
      const xml = (await tx.invoices.document(seller.seller_id, invoice.invoice_id)) as Uint8Array;
      const invoiceDoc = readNfeDocument(xml, { maxBytes: Number.MAX_SAFE_INTEGER });
      if (invoiceDoc.kind !== 'invoice')
        throw new Error(`stored document of ${invoice.invoice_id} is not an invoice`);
      const events = (await tx.invoices.eventsFor(seller.seller_id, e.accessKey)).map(eventFromRow);
      const derived = deriveStatus(invoiceDoc, events);
      let current = invoice;
      if (derived.status !== invoice.status) {
        await tx.invoices.replaceDocument(
          seller.seller_id,
          invoice.invoice_id,
          {
            status: derived.status,
            error_code: derived.errorCode,
            gov_response: derived.govResponse,
            updated_at: now,
          },
          null,
        );
        current = (await tx.invoices.byId(seller.seller_id, invoice.invoice_id)) as InvoiceRecord;
      }
      await tx.invoices.markEventsApplied(seller.seller_id, e.accessKey, now);
      return {
        outcome: known ? 'event-unchanged' : 'event-applied',
        invoice: invoiceView(current),
        event: eventView(e, true),
        warnings: [],
      };
    });
  }
}
