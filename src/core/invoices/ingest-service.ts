import { ConflictError, type FieldProblem, InvalidInputError, UniqueViolationError } from '../errors.js';
import { requestUpkeep, UPKEEP_AFTER_INVOICES } from '../housekeeping/upkeep.js';
import { parseAccessKey } from '../nfe/access-key.js';
import { nfeField, nfeProblem } from '../nfe/field-names.js';
import { nfeElement } from '../nfe/join-proc.js';
import { readNfeDocument } from '../nfe/read.js';
import { readHere } from '../nfe/read-many.js';
import { deriveStatus } from '../nfe/status.js';
import type {
  InvoiceStatus,
  NfeAnswerDocument,
  NfeEventDocument,
  NfeEventPart,
  NfeInvoiceDocument,
  NfeProtocolPart,
} from '../nfe/types.js';
import type { ArchiveReader } from '../ports/archives.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentsReader } from '../ports/documents-reader.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import type { SellerRecord } from '../sellers/seller-records.js';
import { applyEvent, applyProtocol, type EventView, eventFromRow, STATUS_RANK } from './apply-parts.js';
import { type BatchItem, type BatchResult, eventResult, ingestBatch } from './batch-ingest.js';
import { type BulkItemResult, ingestZip } from './bulk-ingest.js';
import { type IngestMeta, resolveClassification } from './classification.js';
import { documentFields, newInvoiceRow, sha256 } from './invoice-from-document.js';
import type { InvoiceRecord } from './invoice-records.js';
import { type InvoiceView, invoiceSummary, invoiceView } from './invoice-view.js';
import type { ListingRendering } from './listing-rendering.js';

export type IngestOutcome =
  | 'created'
  | 'unchanged'
  | 'updated'
  | 'applied'
  | 'event-applied'
  | 'event-pending'
  | 'event-unchanged';

export type { EventView };

/** One protocol or event of an answer (retConsSitNFe, retEnvEvento, ...) and what it did. */
export interface AnswerItem {
  kind: 'protocol' | 'event';
  accessKey: string;
  outcome: 'updated' | 'unchanged' | 'event-applied' | 'event-pending' | 'event-unchanged';
  invoiceId?: string;
  status?: InvoiceStatus;
  eventType?: string;
  sequence?: number;
}

export interface IngestResult {
  outcome: IngestOutcome;
  invoice?: InvoiceView;
  event?: EventView;
  /** An answer's root element, and one entry per protocol and event it held (in that order). */
  envelope?: string;
  items?: AnswerItem[];
  /** Accepted oddities: key/document disagreements, duplicate numbers. */
  warnings: FieldProblem[];
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
    /** The dialect's listing rendering, stored with each new invoice (see listing-rendering.ts). */
    private readonly rendering?: ListingRendering,
    /** How `ingestMany` reads its documents: on this thread unless given a reader on another. */
    private readonly read: DocumentsReader = readHere,
  ) {}

  /** Invoices created by `ingestMany` since it last asked for the store's upkeep. */
  private createdSinceUpkeep = 0;

  async ingest(bytes: Uint8Array, meta: IngestMeta = {}): Promise<IngestResult> {
    const doc = readNfeDocument(bytes, { maxBytes: this.maxXmlBytes });
    if (doc.kind === 'event') return this.ingestEvent(doc, bytes);
    if (doc.kind === 'answer') return this.ingestAnswer(doc);
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

  /**
   * Many documents at once, with a fast path for new invoices (see batch-ingest.ts). Every
   * UPKEEP_AFTER_INVOICES invoices it creates, it asks for the store's upkeep (see upkeep.ts).
   */
  async ingestMany(items: BatchItem[]): Promise<BatchResult[]> {
    const results = await ingestBatch(
      {
        single: this,
        store: this.store,
        clock: this.clock,
        ids: this.ids,
        maxXmlBytes: this.maxXmlBytes,
        read: this.read,
        rendering: this.rendering,
      },
      items,
    );
    this.createdSinceUpkeep += results.filter((r) => r.ok && r.result.outcome === 'created').length;
    if (this.createdSinceUpkeep >= UPKEEP_AFTER_INVOICES) {
      // The invoices are stored: failing to ask must not report them as failed. The next batch asks
      // again, and the hourly housekeeping runs anyway.
      await requestUpkeep(this.store.jobs, this.clock).then(
        () => {
          this.createdSinceUpkeep = 0;
        },
        () => {},
      );
    }
    return results;
  }

  private async sellerFor(cnpj: string, field: string): Promise<SellerRecord> {
    const seller = await this.store.sellers.byCnpj(cnpj);
    if (!seller) throw InvalidInputError.field(field, `no seller is registered with CNPJ ${cnpj}`);
    return seller;
  }

  /** `sellerFor`, each CNPJ looked up once (for the documents of one batch or answer). */
  sellerLookup(): (cnpj: string, field: string) => Promise<SellerRecord> {
    const sellers = new Map<string, SellerRecord>();
    return async (cnpj, field) => {
      const seller = sellers.get(cnpj) ?? (await this.sellerFor(cnpj, field));
      sellers.set(cnpj, seller);
      return seller;
    };
  }

  private async ingestInvoice(
    doc: NfeInvoiceDocument,
    bytes: Uint8Array,
    meta: IngestMeta,
  ): Promise<IngestResult> {
    const seller = await this.sellerFor(doc.emitterCnpj, nfeField('emit/CNPJ'));
    const cls = resolveClassification(seller, doc, meta);
    const hash = sha256(bytes);
    const now = this.clock.now();
    const warnings: FieldProblem[] = doc.discrepancies.map((d) => ({ field: d.field, message: d.message }));

    return this.store.transaction(async (tx) => {
      const events = (await tx.invoices.eventsFor(seller.seller_id, [doc.accessKey])).map(eventFromRow);
      const derived = deriveStatus(doc, events);
      const existing = await tx.invoices.byAccessKey(seller.seller_id, doc.accessKey);
      const fields = documentFields(doc, derived, hash, bytes.byteLength, now);

      if (existing) {
        if (existing.xml_sha256 === hash)
          return { outcome: 'unchanged', invoice: invoiceView(existing), warnings };
        // The bare NFe again, after its protocol arrived: the stored nfeProc holds this very NFe.
        if (doc.root === 'NFe' && existing.status !== 'PENDING') {
          const stored = (await tx.invoices.document(seller.seller_id, existing.invoice_id)) as Uint8Array;
          if (nfeElement(stored) === nfeElement(bytes))
            return { outcome: 'unchanged', invoice: invoiceView(existing), warnings };
        }
        if (STATUS_RANK[derived.status] <= STATUS_RANK[existing.status]) {
          throw new ConflictError(
            `invoice ${existing.invoice_id} already holds a different document with access key ${doc.accessKey} ` +
              `(status ${existing.status}); this one (status ${derived.status}) would not move it forward`,
            [nfeProblem('infNFe/@Id', 'another document with this access key is already stored')],
          );
        }
        await tx.invoices.replaceDocument(seller.seller_id, existing.invoice_id, fields, bytes);
        await tx.invoices.markEventsApplied(seller.seller_id, [doc.accessKey], now);
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
          field: nfeField('ide/nNF'),
          message: `invoice ${twin.invoice_id} has the same model, series and number under key ${twin.access_key} (contingency re-issue or duplicate)`,
        });
      }
      const invoiceId = this.ids.uuid();
      const record = newInvoiceRow(seller.seller_id, invoiceId, doc, cls, fields, now);
      await tx.invoices.insert({
        record,
        xml: bytes,
        transactions: cls.transactionIds,
        listing: this.rendering?.render(invoiceSummary(record)) ?? null,
      });
      await tx.invoices.markEventsApplied(seller.seller_id, [doc.accessKey], now);
      const created = (await tx.invoices.byId(seller.seller_id, invoiceId)) as InvoiceRecord;
      return { outcome: 'created', invoice: invoiceView(created), warnings };
    });
  }

  private async ingestEvent(doc: NfeEventDocument, bytes: Uint8Array): Promise<IngestResult> {
    const e = doc.event;
    const seller = await this.sellerFor(parseAccessKey(e.accessKey).cnpj, nfeField('chNFe'));
    const now = this.clock.now();
    return eventResult(await this.store.transaction((tx) => applyEvent(tx, seller.seller_id, e, bytes, now)));
  }

  /**
   * Every protocol, then every event, of one answer, in one transaction: all of it applies or
   * nothing does. `applied` when anything changed, `unchanged` when everything was known already,
   * `event-pending` when it only held events of invoices not stored yet.
   */
  private async ingestAnswer(doc: NfeAnswerDocument): Promise<IngestResult> {
    const lookup = this.sellerLookup();
    const sellerOf = async (key: string, field: string) =>
      (await lookup(parseAccessKey(key).cnpj, nfeField(field))).seller_id;
    const protocols: { part: NfeProtocolPart; sellerId: string }[] = [];
    for (const p of doc.protocols)
      protocols.push({ part: p, sellerId: await sellerOf(p.accessKey, p.field) });
    const events: { part: NfeEventPart; sellerId: string }[] = [];
    for (const e of doc.events)
      events.push({ part: e, sellerId: await sellerOf(e.event.accessKey, 'chNFe') });
    const now = this.clock.now();
    const encoder = new TextEncoder();

    return this.store.transaction(async (tx) => {
      const items: AnswerItem[] = [];
      const warnings: FieldProblem[] = [];
      const touched = new Map<string, { sellerId: string; invoiceId: string }>();
      const unknown: NfeProtocolPart[] = [];
      for (const { part, sellerId } of protocols)
        if (!(await tx.invoices.byAccessKey(sellerId, part.accessKey))) unknown.push(part);
      if (unknown.length > 0) {
        throw new InvalidInputError(
          `${doc.root} holds the protocol of NF-e that are not stored: ${unknown.map((p) => p.accessKey).join(', ')} ` +
            '(a protocol completes an NF-e stored before: send the NFe, or its nfeProc, first); nothing was applied',
          unknown.map((p) => nfeProblem(p.field, `no NF-e with access key ${p.accessKey} is stored`)),
        );
      }
      for (const { part, sellerId } of protocols) {
        const r = await applyProtocol(tx, sellerId, part, now);
        warnings.push(...r.warnings);
        touched.set(r.invoice.invoice_id, { sellerId, invoiceId: r.invoice.invoice_id });
        items.push({
          kind: 'protocol',
          accessKey: part.accessKey,
          outcome: r.outcome,
          invoiceId: r.invoice.invoice_id,
          status: r.invoice.status,
        });
      }
      let lastEvent: EventView | undefined;
      for (const { part, sellerId } of events) {
        const r = await applyEvent(tx, sellerId, part.event, encoder.encode(part.xml), now);
        if (r.invoice) touched.set(r.invoice.invoice_id, { sellerId, invoiceId: r.invoice.invoice_id });
        lastEvent = r.event;
        items.push({
          kind: 'event',
          accessKey: part.event.accessKey,
          outcome: r.outcome,
          eventType: part.event.eventType,
          sequence: part.event.sequence,
          ...(r.invoice ? { invoiceId: r.invoice.invoice_id, status: r.invoice.status } : {}),
        });
      }
      // Later items may have moved an invoice an earlier item reported: report where each ended.
      const finals = new Map<string, InvoiceRecord>();
      for (const { sellerId, invoiceId } of touched.values())
        finals.set(invoiceId, (await tx.invoices.byId(sellerId, invoiceId)) as InvoiceRecord);
      for (const item of items) {
        const final = item.invoiceId ? finals.get(item.invoiceId) : undefined;
        if (final) item.status = final.status;
      }
      const changed = items.filter((i) => i.outcome !== 'unchanged' && i.outcome !== 'event-unchanged');
      const outcome: IngestOutcome =
        changed.length === 0
          ? 'unchanged'
          : changed.length === items.length && items.every((i) => i.outcome === 'event-pending')
            ? 'event-pending'
            : 'applied';
      const only = finals.size === 1 ? [...finals.values()][0] : undefined;
      return {
        outcome,
        ...(only ? { invoice: invoiceView(only) } : {}),
        ...(events.length === 1 && lastEvent ? { event: lastEvent } : {}),
        envelope: doc.root,
        items,
        warnings,
      };
    });
  }
}
