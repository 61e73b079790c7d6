import type { InvoiceCursor, InvoiceFilter } from '../invoices/invoice-records.js';
import type { InvoicesRepository } from '../invoices/invoices-repository.js';
import type { ArchiveWriterFactory } from '../ports/archives.js';
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

/**
 * The export job. Each part is a ZIP streamed straight into the blob store under a fixed key, read
 * from the database in short keyset pages; its document row and the job's checkpoint commit together.
 * Killed at any point, a re-run resumes after the last committed part and rewrites the part in
 * flight under the same key: nothing lost, nothing duplicated, no orphaned blob. Invoices stored
 * after the export was requested are not part of it, so every re-run sees the same set.
 */
export function exportJobHandler(deps: ExportJobDeps) {
  const { store, blobs, clock, ids, limits } = deps;

  async function finish(sellerId: string, exportId: string, status: 'DONE' | 'ERROR', message = '') {
    await store.transaction(async (tx) => {
      await tx.exports.update(sellerId, exportId, {
        status,
        error_message: message,
        finished_at: clock.now(),
      });
      await deps.onFinished(tx, sellerId, exportId, status);
    });
  }

  async function writePart(
    job: JobContext<ExportJobPayload>,
    filter: InvoiceFilter,
    snapshot: Date,
    part: number,
    first: ExportRows,
    start: InvoiceCursor | undefined,
  ): Promise<{ cursor: InvoiceCursor | undefined; exhausted: boolean }> {
    const { sellerId, exportId } = job.payload;
    const key = partKey(sellerId, exportId, part);
    const writer = deps.zipWriter({ mtime: snapshot });
    const upload = blobs.put(key, writer.stream, { contentType: 'application/zip', signal: job.signal });
    // A store that fails while entries are still being added stops reading: abort the writer at once
    // (its next add throws instead of waiting for room that never comes). Handling the rejection here
    // also keeps it from surfacing as an unhandled rejection, which would kill the whole process.
    upload.catch((err: unknown) => writer.abort(err as Error));
    let cursor = start;
    let exhausted = false;
    try {
      let rows = first;
      fill: while (true) {
        for (const row of rows) {
          const full =
            writer.entryCount >= limits.maxEntries ||
            (writer.entryCount > 0 && writer.bytesIn + row.xml.byteLength > limits.maxBytes);
          if (full) break fill;
          await writer.add(`${row.invoice_id}.xml`, row.xml);
          cursor = { issuedAt: new Date(row.issued_at).toISOString(), invoiceId: row.invoice_id };
        }
        if (rows.length < limits.pageSize) {
          exhausted = true;
          break;
        }
        job.signal.throwIfAborted();
        rows = await store.invoices.exportPage(filter, snapshot, limits.pageSize, cursor);
      }
      await writer.finish();
    } catch (err) {
      writer.abort(err as Error);
      await upload.catch(() => {});
      throw err;
    }
    const info = await upload;
    await store.transaction(async (tx) => {
      await tx.exports.insertDocument({
        seller_id: sellerId,
        document_id: ids.uuid(),
        export_id: exportId,
        part,
        blob_key: key,
        size_bytes: info.size,
        entries: writer.entryCount,
        created_at: clock.now(),
      });
      await job.checkpoint({ part, after: cursor } satisfies ExportProgress, tx);
    });
    return { cursor, exhausted };
  }

  return async (job: JobContext<ExportJobPayload>): Promise<void> => {
    const { sellerId, exportId } = job.payload;
    const row = await store.exports.get(sellerId, exportId);
    if (!row || row.status === 'DONE' || row.status === 'ERROR') return; // gone or already finished
    if (row.status === 'REQUESTED') {
      await store.exports.update(sellerId, exportId, { status: 'PROCESSING', started_at: clock.now() });
    }
    try {
      const filter: InvoiceFilter = row.filter;
      const snapshot = new Date(row.created_at);
      const progress = job.progress as ExportProgress | null;
      let part = (progress?.part ?? 0) + 1;
      let after = progress?.after;
      while (true) {
        const rows = await store.invoices.exportPage(filter, snapshot, limits.pageSize, after);
        // An export matching nothing still gets one (empty) document; a later part never is empty.
        if (rows.length === 0 && part > 1) break;
        const { cursor, exhausted } = await writePart(job, filter, snapshot, part, rows, after);
        if (exhausted) break;
        after = cursor;
        part++;
      }
      await finish(sellerId, exportId, 'DONE');
    } catch (err) {
      if (job.attempt >= job.maxAttempts && !job.signal.aborted) {
        // Out of retries: report it, and drop the parts written so far.
        await blobs.deletePrefix(exportPrefix(sellerId, exportId));
        await finish(
          sellerId,
          exportId,
          'ERROR',
          `The export could not be generated: ${(err as Error).message}`,
        );
        return;
      }
      throw err;
    }
  };
}
