import { DomainError, type FieldProblem, UniqueViolationError } from '../errors.js';
import { readNfeDocument } from '../nfe/read.js';
import { deriveStatus } from '../nfe/status.js';
import type { NfeInvoiceDocument } from '../nfe/types.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import type { SellerRecord } from '../sellers/seller-records.js';
import { type Classification, type IngestMeta, resolveClassification } from './classification.js';
import {
  documentFields,
  type IngestResult,
  type IngestService,
  newInvoiceRow,
  sha256,
} from './ingest-service.js';
import { invoiceView } from './invoice-view.js';

export interface BatchItem {
  bytes: Uint8Array;
  meta?: IngestMeta;
}

export type BatchResult =
  | { ok: true; result: IngestResult }
  | { ok: false; errors: FieldProblem[]; message: string };

interface Candidate {
  index: number;
  doc: NfeInvoiceDocument;
  seller: SellerRecord;
  cls: Classification;
  bytes: Uint8Array;
}

function failure(err: unknown): BatchResult {
  if (!(err instanceof DomainError)) throw err;
  const { problems } = err;
  return {
    ok: false,
    message: err.message,
    errors: problems.length ? problems : [{ field: 'xml', message: err.message }],
  };
}

/**
 * Many documents at once (bulk ZIPs, the CLI, demo data). The common case, a new invoice with no
 * history, goes in with multi-row inserts, one transaction per batch; anything with history (a key
 * or number seen before, an event waiting, a twin inside the batch) takes the careful single path.
 * Results come back in input order, one per item; a bad document never stops the batch.
 */
export async function ingestBatch(
  single: IngestService,
  store: Store,
  clock: Clock,
  ids: Ids,
  items: BatchItem[],
  maxXmlBytes: number,
): Promise<BatchResult[]> {
  const results: (BatchResult | undefined)[] = new Array(items.length);
  const sellers = new Map<string, SellerRecord>();
  const candidates: Candidate[] = [];
  const careful: number[] = [];

  for (const [index, item] of items.entries()) {
    try {
      const doc = readNfeDocument(item.bytes, { maxBytes: maxXmlBytes });
      if (doc.kind !== 'invoice') {
        careful.push(index);
        continue;
      }
      let seller = sellers.get(doc.emitterCnpj);
      if (!seller) {
        seller = await single.sellerFor(doc.emitterCnpj, 'emit/CNPJ');
        sellers.set(doc.emitterCnpj, seller);
      }
      candidates.push({
        index,
        doc,
        seller,
        cls: resolveClassification(seller, doc, item.meta ?? {}),
        bytes: item.bytes,
      });
    } catch (err) {
      results[index] = failure(err);
    }
  }

  const fast: Candidate[] = [];
  const bySeller = new Map<string, Candidate[]>();
  for (const c of candidates)
    bySeller.set(c.seller.seller_id, [...(bySeller.get(c.seller.seller_id) ?? []), c]);
  for (const [sellerId, group] of bySeller) {
    const history = await store.invoices.keysWithHistory(
      sellerId,
      group.map((c) => c.doc.accessKey),
    );
    const taken = await store.invoices.takenNumbers(
      sellerId,
      group.map((c) => c.doc.number),
    );
    const seenKeys = new Set<string>();
    const seenNumbers = new Set<string>();
    for (const c of group) {
      const number = `${c.doc.model}/${c.doc.series}/${c.doc.number}`;
      if (
        history.has(c.doc.accessKey) ||
        taken.has(number) ||
        seenKeys.has(c.doc.accessKey) ||
        seenNumbers.has(number)
      ) {
        careful.push(c.index);
      } else fast.push(c);
      seenKeys.add(c.doc.accessKey);
      seenNumbers.add(number);
    }
  }

  if (fast.length) {
    const now = clock.now();
    const rows = fast.map((c) => {
      const fields = documentFields(c.doc, deriveStatus(c.doc), sha256(c.bytes), c.bytes.byteLength, now);
      return {
        record: newInvoiceRow(c.seller.seller_id, ids.uuid(), c.doc, c.cls, fields, now),
        xml: c.bytes,
        transactions: c.cls.transactionIds,
      };
    });
    try {
      await store.transaction((tx) => tx.invoices.insertMany(rows));
      for (const [i, c] of fast.entries()) {
        const view = invoiceView(rows[i]!.record);
        results[c.index] = {
          ok: true,
          result: { outcome: 'created', invoice: view, warnings: c.doc.discrepancies.map((d) => ({ ...d })) },
        };
      }
    } catch (err) {
      // A concurrent writer took one of the keys: let the careful path sort each one out.
      if (!(err instanceof UniqueViolationError)) throw err;
      careful.push(...fast.map((c) => c.index));
    }
  }

  careful.sort((a, b) => a - b);
  for (const index of careful) {
    const item = items[index] as BatchItem;
    try {
      results[index] = { ok: true, result: await single.ingest(item.bytes, item.meta ?? {}) };
    } catch (err) {
      results[index] = failure(err);
    }
  }
  return results as BatchResult[];
}
