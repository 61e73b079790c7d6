import { ConflictError, DomainError, type FieldProblem, UniqueViolationError } from '../errors.js';
import { parseAccessKey } from '../nfe/access-key.js';
import { nfeField } from '../nfe/field-names.js';
import { deriveStatus } from '../nfe/status.js';
import type { NfeInvoiceDocument } from '../nfe/types.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentsReader, ReadOutcome } from '../ports/documents-reader.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import type { SellerRecord } from '../sellers/seller-records.js';
import { timeSlicer } from '../time-slices.js';
import { applyEvents, type EventApplied, type EventInput } from './apply-parts.js';
import { type Classification, type IngestMeta, resolveClassification } from './classification.js';
import type { IngestResult, IngestService } from './ingest-service.js';
import { documentFields, newInvoiceRow, sha256 } from './invoice-from-document.js';
import { invoiceSummary, invoiceView } from './invoice-view.js';
import type { ListingRendering } from './listing-rendering.js';

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

/** An event document of the batch, read and its seller found. */
interface EventCandidate {
  index: number;
  input: EventInput;
  sellerId: string;
}

/** What a chunk's reading found: new-invoice candidates, events, and indexes for the single path. */
interface ReadChunk {
  candidates: Candidate[];
  events: EventCandidate[];
  careful: number[];
}

/** An applied event as an ingestion result. */
export function eventResult(r: EventApplied): IngestResult {
  return {
    outcome: r.outcome,
    ...(r.invoice ? { invoice: invoiceView(r.invoice) } : {}),
    event: r.event,
    warnings: [],
  };
}

function refused(message: string, problems: FieldProblem[]): BatchResult {
  return { ok: false, message, errors: problems.length ? problems : [{ field: 'xml', message }] };
}

function failure(err: unknown): BatchResult {
  if (!(err instanceof DomainError)) throw err;
  return refused(err.message, err.problems);
}

/** What a batch needs besides its documents; the careful path is the single-document ingestion. */
export interface BatchContext {
  single: Pick<IngestService, 'ingest' | 'sellerLookup'>;
  store: Store;
  clock: Clock;
  ids: Ids;
  maxXmlBytes: number;
  /** How the batch's documents are read (on this thread, or another; see DocumentsReader). */
  read: DocumentsReader;
  rendering?: ListingRendering | undefined;
}

/**
 * Documents per chunk of a batch. Reading chunks (XML parsing, on the reader's thread) overlaps
 * storing an earlier one (this thread's and the database's work), so a batch costs about the
 * larger of the two instead of their sum.
 */
const CHUNK = 100;
/**
 * Chunks read ahead of the one being stored. Storing a chunk is a chain of round trips; with only
 * the next chunk to read, this thread ran out of work and idled in that chain (20k NF-e on
 * PostgreSQL: 3 ahead against 1, 1.07x docs/s).
 */
const READ_AHEAD = 3;

/**
 * Many documents at once (bulk ZIPs, the CLI, demo data). The common case, a new invoice with no
 * history, goes in with one atomic insert per chunk (insertMany); event documents next to each
 * other apply together, in one transaction (see applyEvents); anything else with history (a key or
 * number seen before, an event waiting, a twin inside the chunk, a SEFAZ answer) takes the careful
 * single path.
 * A chunk is judged against the store only once the chunks before it are stored, so a document
 * repeated across chunks is seen as such. Results come back in input order, one per item; a bad
 * document never stops the batch.
 */
export async function ingestBatch(ctx: BatchContext, items: BatchItem[]): Promise<BatchResult[]> {
  const results: (BatchResult | undefined)[] = new Array(items.length);
  // Chunk k's reading: its documents go to the reader at once (a reader on another thread works
  // through them in order); what was read is sorted out here, chunk after chunk.
  const readings: Promise<ReadChunk>[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  const readUpTo = (last: number) => {
    for (let k = readings.length; k <= last && k * CHUNK < items.length; k++) {
      const chunk = items.slice(k * CHUNK, (k + 1) * CHUNK);
      const outcomes = ctx.read(
        chunk.map((item) => item.bytes),
        { maxBytes: ctx.maxXmlBytes },
      );
      const from = k * CHUNK;
      const reading = previous.then(async () => sortOut(ctx, chunk, from, await outcomes, results));
      reading.catch(() => {}); // awaited below, unless storing a chunk before it failed first
      readings.push(reading);
      previous = reading.catch(() => {});
    }
  };
  for (let k = 0; k * CHUNK < items.length; k++) {
    readUpTo(k + READ_AHEAD);
    await storeChunk(ctx, items, await (readings[k] as Promise<ReadChunk>), results);
  }
  return results as BatchResult[];
}

async function storeChunk(
  ctx: BatchContext,
  items: BatchItem[],
  { candidates, events, careful }: ReadChunk,
  results: (BatchResult | undefined)[],
): Promise<void> {
  const { fast, seen } = await partition(ctx.store, candidates);
  careful.push(...seen);
  careful.push(...(await insertFast(ctx, fast, results)));
  // In input order: a run of events between two single ingestions applies at once.
  const work: (EventCandidate | { index: number })[] = [...careful.map((index) => ({ index })), ...events];
  work.sort((a, b) => a.index - b.index);
  const slice = timeSlicer();
  let run: EventCandidate[] = [];
  for (const w of work) {
    if ('input' in w) {
      run.push(w);
      continue;
    }
    await applyEventRun(ctx, run, results);
    run = [];
    await slice();
    await ingestOne(ctx, items, w.index, results);
  }
  await applyEventRun(ctx, run, results);
}

async function ingestOne(
  ctx: BatchContext,
  items: BatchItem[],
  index: number,
  results: (BatchResult | undefined)[],
): Promise<void> {
  const item = items[index] as BatchItem;
  try {
    results[index] = { ok: true, result: await ctx.single.ingest(item.bytes, item.meta ?? {}) };
  } catch (err) {
    results[index] = failure(err);
  }
}

/** A run of events, in one transaction (see applyEvents), grouped by seller. */
async function applyEventRun(
  ctx: BatchContext,
  run: EventCandidate[],
  results: (BatchResult | undefined)[],
): Promise<void> {
  if (!run.length) return;
  const now = ctx.clock.now();
  const applied = await ctx.store.transaction(async (tx) => {
    const done = new Map<number, EventApplied | ConflictError>();
    for (const [sellerId, group] of groupBy(run, (c) => c.sellerId)) {
      const outcomes = await applyEvents(
        tx,
        sellerId,
        group.map((c) => c.input),
        now,
      );
      for (const [i, c] of group.entries()) done.set(c.index, outcomes[i] as EventApplied | ConflictError);
    }
    return done;
  });
  for (const [index, r] of applied)
    results[index] = r instanceof ConflictError ? failure(r) : { ok: true, result: eventResult(r) };
}

function groupBy<T>(list: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of list) {
    const key = keyOf(t);
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  return groups;
}

/**
 * What reading `chunk` (items from `from` on) gave, sorted out: new-invoice candidates with their
 * sellers, events, answers for the careful path; refusals go to `results`.
 */
async function sortOut(
  ctx: BatchContext,
  chunk: BatchItem[],
  from: number,
  outcomes: ReadOutcome[],
  results: (BatchResult | undefined)[],
): Promise<ReadChunk> {
  const sellerOf = ctx.single.sellerLookup();
  const candidates: Candidate[] = [];
  const events: EventCandidate[] = [];
  const careful: number[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const index = from + i;
    const item = chunk[i] as BatchItem;
    try {
      if (!outcome.ok) {
        results[index] = refused(outcome.message, outcome.problems);
        continue;
      }
      const { doc } = outcome;
      if (doc.kind === 'answer') {
        careful.push(index);
        continue;
      }
      if (doc.kind === 'event') {
        const seller = await sellerOf(parseAccessKey(doc.event.accessKey).cnpj, nfeField('chNFe'));
        events.push({ index, input: { event: doc.event, bytes: item.bytes }, sellerId: seller.seller_id });
        continue;
      }
      const seller = await sellerOf(doc.emitterCnpj, nfeField('emit/CNPJ'));
      const cls = resolveClassification(seller, doc, item.meta ?? {});
      candidates.push({ index, doc, seller, cls, bytes: item.bytes });
    } catch (err) {
      results[index] = failure(err);
    }
  }
  // Their compression starts now, on its own thread, and is done by the time they are inserted.
  ctx.store.invoices.stageDocuments(candidates.map((c) => c.bytes));
  return { candidates, events, careful };
}

/** New invoices without history (fast) apart from those whose key or number was seen before. */
async function partition(store: Store, candidates: Candidate[]) {
  const fast: Candidate[] = [];
  const seen: number[] = [];
  for (const [sellerId, group] of groupBy(candidates, (c) => c.seller.seller_id)) {
    const prior = await store.invoices.priorUse(
      sellerId,
      group.map((c) => c.doc.accessKey),
      group.map((c) => c.doc.number),
    );
    const seenKeys = new Set<string>();
    const seenNumbers = new Set<string>();
    for (const c of group) {
      const number = `${c.doc.model}/${c.doc.series}/${c.doc.number}`;
      const known =
        prior.keys.has(c.doc.accessKey) ||
        prior.numbers.has(number) ||
        seenKeys.has(c.doc.accessKey) ||
        seenNumbers.has(number);
      if (known) seen.push(c.index);
      else fast.push(c);
      seenKeys.add(c.doc.accessKey);
      seenNumbers.add(number);
    }
  }
  return { fast, seen };
}

/** One atomic insert (insertMany); returns the indexes to retry carefully if a concurrent writer won a key. */
async function insertFast(
  ctx: BatchContext,
  fast: Candidate[],
  results: (BatchResult | undefined)[],
): Promise<number[]> {
  if (!fast.length) return [];
  const now = ctx.clock.now();
  const rows = fast.map((c) => {
    const fields = documentFields(c.doc, deriveStatus(c.doc), sha256(c.bytes), c.bytes.byteLength, now);
    const record = newInvoiceRow(c.seller.seller_id, ctx.ids.uuid(), c.doc, c.cls, fields, now);
    return {
      record,
      xml: c.bytes,
      transactions: c.cls.transactionIds,
      listing: ctx.rendering?.render(invoiceSummary(record)) ?? null,
    };
  });
  try {
    await ctx.store.invoices.insertMany(rows);
  } catch (err) {
    if (!(err instanceof UniqueViolationError)) throw err;
    return fast.map((c) => c.index);
  }
  for (const [i, c] of fast.entries()) {
    const warnings = c.doc.discrepancies.map((d) => ({ ...d }));
    results[c.index] = {
      ok: true,
      result: { outcome: 'created', invoice: invoiceView(rows[i]!.record), warnings },
    };
  }
  return [];
}
