import type { InvoiceCursor, InvoiceFilter } from '../invoices/invoice-records.js';
import type { InvoicesRepository } from '../invoices/invoices-repository.js';
import { type ArchiveWriter, type ArchiveWriterFactory, uncompressedSize } from '../ports/archives.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { JobContext } from '../ports/jobs.js';
import type { Repositories, Store } from '../ports/store.js';

export interface ExportJobPayload {
  sellerId: string;
  exportId: string;
}

/** Saved after each finished part: a re-run resumes with the next part from this cursor. */
interface ExportProgress {
  part: number;
  after: InvoiceCursor | undefined;
  /** Invoices in the parts written so far (absent in checkpoints of older versions). */
  written?: number;
}

export interface ExportLimits {
  /** Entries per ZIP document. */
  maxEntries: number;
  /** Uncompressed bytes per ZIP document (one bigger invoice still gets a document of its own). */
  maxBytes: number;
  /** Invoices read per database round trip. */
  pageSize: number;
}

export interface ExportJobDeps {
  store: Store;
  blobs: BlobStore;
  zipWriter: ArchiveWriterFactory;
  clock: Clock;
  ids: Ids;
  limits: ExportLimits;
  /** Called inside the transaction that finishes an export (DONE or ERROR): webhooks enqueue here. */
  onFinished: (
    tx: Repositories,
    sellerId: string,
    exportId: string,
    status: 'DONE' | 'ERROR',
  ) => Promise<void>;
}

export function exportPrefix(sellerId: string, exportId: string): string {
  return `exports/${sellerId}/${exportId}/`;
}

function partKey(sellerId: string, exportId: string, part: number): string {
  return `${exportPrefix(sellerId, exportId)}part-${String(part).padStart(5, '0')}.zip`;
}

type ExportRows = Awaited<ReturnType<InvoicesRepository['exportPage']>>;
type ExportRow = ExportRows[number];

function positionOf(row: { issued_ms: number; invoice_id: string }): InvoiceCursor {
  return { issuedAt: new Date(row.issued_ms).toISOString(), invoiceId: row.invoice_id };
}

/** What one part ended with: where the next part starts, and whether the invoices ran out. */
interface PartEnd {
  cursor: InvoiceCursor | undefined;
  exhausted: boolean;
}

/**
 * The export job. Each part is a ZIP streamed straight into the blob store under a fixed key, read
 * from the database in short keyset pages; its document row and the job's checkpoint commit together.
 * Killed at any point, a re-run resumes after the last committed part and rewrites the part in
 * flight under the same key: nothing lost, nothing duplicated, no orphaned blob. Invoices stored
 * after the export was requested are not part of it, so every re-run sees the same set.
 */
export function exportJobHandler(deps: ExportJobDeps) {
  const job = new ExportJob(deps);
  return (context: JobContext<ExportJobPayload>) => job.run(context);
}

class ExportJob {
  constructor(private readonly deps: ExportJobDeps) {}

  async run(job: JobContext<ExportJobPayload>): Promise<void> {
    const { store, clock } = this.deps;
    const { sellerId, exportId } = job.payload;
    const row = await store.exports.get(sellerId, exportId);
    if (!row || row.status === 'DONE' || row.status === 'ERROR') return; // gone or already finished
    if (row.status === 'REQUESTED') {
      await store.exports.update(sellerId, exportId, { status: 'PROCESSING', started_at: clock.now() });
    }
    try {
      await this.writeParts(job, row.filter, new Date(row.created_at));
      await this.finish(sellerId, exportId, 'DONE');
    } catch (err) {
      if (job.attempt < job.maxAttempts || job.signal.aborted) throw err;
      // Out of retries: report it, and drop the parts written so far.
      await this.deps.blobs.deletePrefix(exportPrefix(sellerId, exportId));
      await this.finish(
        sellerId,
        exportId,
        'ERROR',
        `The export could not be generated: ${(err as Error).message}`,
      );
    }
  }

  /** Parts from the last checkpoint on, until the invoices run out. */
  private async writeParts(job: JobContext<ExportJobPayload>, filter: InvoiceFilter, snapshot: Date) {
    const progress = job.progress as ExportProgress | null;
    let part = (progress?.part ?? 0) + 1;
    let after = progress?.after;
    let written = progress?.written ?? 0;
    while (true) {
      const rows = await this.page(filter, snapshot, after);
      // An export matching nothing still gets one (empty) document; a later part never is empty.
      if (rows.length === 0 && part > 1) return;
      const end = await this.writePart(job, filter, snapshot, { part, written }, rows, after);
      written = end.written;
      if (end.exhausted) return;
      after = end.cursor;
      part++;
    }
  }

  private page(filter: InvoiceFilter, snapshot: Date, after: InvoiceCursor | undefined): Promise<ExportRows> {
    return this.deps.store.invoices.exportPage(filter, snapshot, this.deps.limits.pageSize, after);
  }

  /** One ZIP, streamed into the blob store; its row and the checkpoint commit together. */
  private async writePart(
    job: JobContext<ExportJobPayload>,
    filter: InvoiceFilter,
    snapshot: Date,
    { part, written }: { part: number; written: number },
    first: ExportRows,
    start: InvoiceCursor | undefined,
  ): Promise<PartEnd & { written: number }> {
    const { sellerId, exportId } = job.payload;
    const key = partKey(sellerId, exportId, part);
    const writer = this.deps.zipWriter({ mtime: snapshot });
    const upload = this.deps.blobs.put(key, writer.stream, {
      contentType: 'application/zip',
      signal: job.signal,
    });
    // A store that fails while entries are still being added stops reading: abort the writer at once
    // (its next add throws instead of waiting for room that never comes). Handling the rejection here
    // also keeps it from surfacing as an unhandled rejection, which would kill the whole process.
    upload.catch((err: unknown) => writer.abort(err as Error));
    let end: PartEnd;
    try {
      end = await this.fill(writer, job.signal, filter, snapshot, first, start, () =>
        job.report(written + writer.entryCount, 'invoices'),
      );
      await writer.finish();
    } catch (err) {
      writer.abort(err as Error);
      await upload.catch(() => {});
      throw err;
    }
    const info = await upload;
    await this.deps.store.transaction(async (tx) => {
      await tx.exports.insertDocument({
        seller_id: sellerId,
        document_id: this.deps.ids.uuid(),
        export_id: exportId,
        part,
        blob_key: key,
        size_bytes: info.size,
        entries: writer.entryCount,
        created_at: this.deps.clock.now(),
      });
      await job.checkpoint(
        { part, after: end.cursor, written: written + writer.entryCount } satisfies ExportProgress,
        tx,
      );
    });
    job.report(written + writer.entryCount, 'invoices');
    return { ...end, written: written + writer.entryCount };
  }

  /** Adds invoices, page after page, until the part is full or the invoices run out. */
  private async fill(
    writer: ArchiveWriter,
    signal: AbortSignal,
    filter: InvoiceFilter,
    snapshot: Date,
    first: ExportRows,
    start: InvoiceCursor | undefined,
    /** Called after each page of invoices is added. */
    onPage: () => void,
  ): Promise<PartEnd> {
    const { maxEntries, maxBytes, pageSize } = this.deps.limits;
    /** After the last invoice of the pages written whole (positions are computed per page, not per row). */
    let cursor = start;
    let rows = first;
    while (true) {
      // The next page is read while this one is written: the database and the writer work at once.
      // When the part fills up first, the page read ahead is dropped (read again next part).
      const last = rows.at(-1);
      const next =
        rows.length === pageSize && last ? this.page(filter, snapshot, positionOf(last)) : undefined;
      next?.catch(() => {}); // awaited below, or dropped
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as ExportRow;
        const full =
          writer.entryCount >= maxEntries ||
          (writer.entryCount > 0 && writer.bytesIn + uncompressedSize(row.xml) > maxBytes);
        // Where the part ends: after the last invoice written (the one before this row).
        if (full) return { cursor: i > 0 ? positionOf(rows[i - 1] as ExportRow) : cursor, exhausted: false };
        await writer.add(`${row.invoice_id}.xml`, row.xml);
      }
      onPage();
      if (last) cursor = positionOf(last);
      if (!next) return { cursor, exhausted: true };
      signal.throwIfAborted();
      rows = await next;
    }
  }

  private async finish(sellerId: string, exportId: string, status: 'DONE' | 'ERROR', message = '') {
    await this.deps.store.transaction(async (tx) => {
      await tx.exports.update(sellerId, exportId, {
        status,
        error_message: message,
        finished_at: this.deps.clock.now(),
      });
      await this.deps.onFinished(tx, sellerId, exportId, status);
    });
  }
}
