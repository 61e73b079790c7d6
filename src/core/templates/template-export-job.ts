/**
 * The asynchronous template: the same streamed file as the synchronous download, written into the
 * blob store under the export's fixed key. A crash re-runs it whole and rewrites that key (a blob
 * appears only when complete), so there is never a half file and never an orphan.
 */
import { PassThrough } from 'node:stream';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobContext } from '../ports/jobs.js';
import type { Store } from '../ports/store.js';
import type { TemplateFormat, TemplateWriter } from './access-key-template.js';
import type { AccessKeyTemplateService } from './template-service.js';

export interface TemplateExportPayload {
  sellerId: string;
  exportUuid: string;
}

export interface TemplateExportJobDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  writers: Readonly<Record<TemplateFormat, TemplateWriter>>;
  templates: AccessKeyTemplateService;
}

export function templateExportJobHandler(deps: TemplateExportJobDeps) {
  return async (job: JobContext<TemplateExportPayload>): Promise<void> => {
    const { store, blobs, clock } = deps;
    const { sellerId, exportUuid } = job.payload;
    const row = await store.templateFiles.exportByUuid(sellerId, exportUuid);
    if (!row || row.status === 'finished' || row.status === 'failed') return;
    if (row.status === 'queued')
      await store.templateFiles.updateExport(sellerId, exportUuid, { status: 'processing' });
    const writer = deps.writers[row.format];
    try {
      const out = new PassThrough();
      const upload = blobs.put(row.blob_key, out, { contentType: writer.contentType, signal: job.signal });
      // A store that stops reading fails the writer at once instead of leaving it waiting.
      upload.catch((err: unknown) => out.destroy(err as Error));
      let written: { rows: number };
      try {
        written = await writer.write(deps.templates.rows(sellerId), out);
      } catch (err) {
        await upload.catch(() => {});
        throw err;
      }
      const info = await upload;
      job.report(written.rows, 'rows');
      await store.templateFiles.updateExport(sellerId, exportUuid, {
        status: 'finished',
        row_count: written.rows,
        size_bytes: info.size,
        finished_at: clock.now(),
      });
    } catch (err) {
      if (job.attempt < job.maxAttempts || job.signal.aborted) throw err;
      await blobs.delete(row.blob_key);
      await store.templateFiles.updateExport(sellerId, exportUuid, {
        status: 'failed',
        error_message: `The template could not be generated: ${(err as Error).message}`,
        finished_at: clock.now(),
      });
    }
  };
}
