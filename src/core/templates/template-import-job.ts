/**
 * The import feed's job, in two steps that each survive a crash:
 * 1. read: the uploaded file goes through the reader picked by its first bytes; every row's
 *    file-only verdict (`checkFilledRow`) is staged in template_feed_rows, a batch at a time. A
 *    per-file error voids the upload: the staged rows are dropped and the feed fails with the
 *    file's problems, nothing applied. A crash while reading starts the step again from scratch.
 * 2. apply: the accepted rows, in row order and in short transactions, each row checked against
 *    the database and stored or rejected (`assignKey`) together with its result and the job's
 *    checkpoint. A crash resumes after the last committed batch; a row is never applied twice, and
 *    a re-import of the same file finds every key in place (`unchanged`).
 */
import type { FieldProblem } from '../errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobContext } from '../ports/jobs.js';
import type { Store } from '../ports/store.js';
import { CONTROL_CHARS } from '../text.js';
import type { TemplateFormat, TemplateReader } from './access-key-template.js';
import { checkFilledRow } from './check-filled-row.js';
import { sniffFileKind } from './file-signature.js';
import { type ImportRowResult, rowResult } from './import-row-result.js';
import { assignKey } from './key-assignment.js';
import type { TemplateFeedRowRecord } from './template-records.js';

export interface TemplateImportPayload {
  sellerId: string;
  feedUuid: string;
}

interface ImportProgress {
  phase: 'apply';
  afterRow: number;
}

export interface TemplateImportJobDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  readers: Readonly<Record<TemplateFormat, TemplateReader>>;
  /** Rows staged per insert and applied per transaction. */
  batchSize?: number;
}

/** Replays the first chunks after the sniff, so the reader sees every byte. */
async function* replay(head: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* head;
  while (true) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** No database keeps NUL in text or JSON: shown as U+FFFD instead. */
const storable = (s: string) => s.replace(/\u0000/g, '\uFFFD');

/**
 * A row's file verdict as stored. Ids with control characters are no ids of ours: rejected here,
 * so they never reach a query.
 */
function stagedRow(sellerId: string, feedUuid: string, result: ImportRowResult): TemplateFeedRowRecord {
  const problems = [...result.problems];
  let outcome = result.outcome;
  for (const field of ['orderId', 'orderItemId'] as const) {
    if (CONTROL_CHARS.test(result[field] ?? '')) {
      outcome = 'rejected';
      problems.push({ field, message: `${field}: holds control characters; keep the column as downloaded` });
    }
  }
  return {
    seller_id: sellerId,
    feed_uuid: feedUuid,
    row_number: result.rowNumber,
    order_id: result.orderId === undefined ? null : storable(result.orderId),
    order_item_id: result.orderItemId === undefined ? null : storable(result.orderItemId),
    access_key: result.accessKey === undefined ? null : storable(result.accessKey),
    outcome,
    problems: problems.map((p) => ({ field: p.field, message: storable(p.message) })),
  };
}

export function templateImportJobHandler(deps: TemplateImportJobDeps) {
  const batchSize = deps.batchSize ?? 500;

  async function read(job: JobContext<TemplateImportPayload>, blobKey: string): Promise<FieldProblem[]> {
    const { store, blobs, clock } = deps;
    const { sellerId, feedUuid } = job.payload;
    const seller = await store.sellers.byId(sellerId);
    if (!seller) return [{ field: 'file', message: 'the seller no longer exists' }];
    await store.templateFiles.deleteFeedRows(sellerId, feedUuid);
    const blob = await blobs.get(blobKey);
    if (!blob) return [{ field: 'file', message: 'the uploaded file is no longer stored' }];
    const chunks = (blob.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let headBytes = 0;
    while (headBytes < 8) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.length;
    }
    const first = Buffer.concat(head).subarray(0, 512);
    const reader = sniffFileKind(first) === 'zip' ? deps.readers.xlsx : deps.readers.csv;
    const now = clock.now();
    let staged: TemplateFeedRowRecord[] = [];
    let rows = 0;
    const flush = async () => {
      if (staged.length) await store.templateFiles.insertFeedRows(staged);
      staged = [];
    };
    try {
      for await (const event of reader.read(replay(head, chunks))) {
        if (event.type === 'file-error') return event.problems;
        if (event.type === 'header') {
          await store.templateFiles.updateFeed(sellerId, feedUuid, {
            description: event.description,
            ignored_columns: event.ignored,
          });
          continue;
        }
        const result = rowResult(event.rowNumber, checkFilledRow(event.cells, { cnpj: seller.cnpj }, now));
        rows++;
        staged.push(stagedRow(sellerId, feedUuid, result));
        if (staged.length >= batchSize) {
          job.signal.throwIfAborted();
          await flush();
        }
      }
      await flush();
    } finally {
      blob.stream.destroy();
    }
    await store.transaction(async (tx) => {
      await tx.templateFiles.updateFeed(sellerId, feedUuid, { row_count: rows });
      await job.checkpoint({ phase: 'apply', afterRow: 0 } satisfies ImportProgress, tx);
    });
    return [];
  }

  async function apply(job: JobContext<TemplateImportPayload>, from: number): Promise<void> {
    const { store } = deps;
    const { sellerId, feedUuid } = job.payload;
    let afterRow = from;
    while (true) {
      job.signal.throwIfAborted();
      const batch = await store.templateFiles.feedRows(sellerId, feedUuid, afterRow, batchSize, 'accepted');
      if (batch.length === 0) return;
      await store.transaction(async (tx) => {
        await tx.accessKeyItems.lockSeller(sellerId);
        for (const row of batch) {
          const outcome = await assignKey(
            tx,
            sellerId,
            row.order_id as string,
            row.order_item_id as string,
            row.access_key as string,
          );
          const problems =
            outcome.outcome === 'rejected'
              ? [outcome.problem]
              : outcome.outcome === 'unchanged'
                ? [{ field: 'accessKey', message: outcome.reason }]
                : [];
          await tx.templateFiles.setFeedRowOutcome(
            sellerId,
            feedUuid,
            row.row_number,
            outcome.outcome,
            problems,
          );
        }
        afterRow = (batch.at(-1) as TemplateFeedRowRecord).row_number;
        await job.checkpoint({ phase: 'apply', afterRow } satisfies ImportProgress, tx);
      });
      job.report(afterRow, 'rows');
    }
  }

  return async (job: JobContext<TemplateImportPayload>): Promise<void> => {
    const { store, blobs, clock } = deps;
    const { sellerId, feedUuid } = job.payload;
    const feed = await store.templateFiles.feedByUuid(sellerId, feedUuid);
    if (!feed || feed.status === 'finished' || feed.status === 'failed') return;
    if (feed.status === 'queued') {
      await store.templateFiles.updateFeed(sellerId, feedUuid, {
        status: 'processing',
        started_at: clock.now(),
      });
    }
    const progress = job.progress as ImportProgress | null;
    // Before the apply step nothing is stored: a failure drops the staged rows. During it, rows
    // already decided keep their (committed) results.
    const fail = async (problems: FieldProblem[], applying: boolean) => {
      if (!applying) await store.templateFiles.deleteFeedRows(sellerId, feedUuid);
      const { rows, ...counts } = await store.templateFiles.feedCounts(sellerId, feedUuid);
      await store.templateFiles.updateFeed(sellerId, feedUuid, {
        status: 'failed',
        file_problems: problems,
        ...counts,
        row_count: rows,
        finished_at: clock.now(),
      });
      await blobs.delete(feed.blob_key);
    };
    let applying = progress?.phase === 'apply';
    try {
      if (!applying) {
        const problems = await read(job, feed.blob_key);
        if (problems.length > 0) return await fail(problems, false);
        applying = true;
      }
      await apply(job, progress?.phase === 'apply' ? progress.afterRow : 0);
      const counts = await store.templateFiles.feedCounts(sellerId, feedUuid);
      await store.templateFiles.updateFeed(sellerId, feedUuid, {
        status: 'finished',
        row_count: counts.rows,
        applied: counts.applied,
        unchanged: counts.unchanged,
        rejected: counts.rejected,
        finished_at: clock.now(),
      });
      await blobs.delete(feed.blob_key);
    } catch (err) {
      if (job.attempt < job.maxAttempts || job.signal.aborted) throw err;
      await fail(
        [{ field: 'file', message: `the file could not be processed: ${(err as Error).message}` }],
        applying,
      );
    }
  };
}
