/**
 * The access-key template as a core service any dialect can offer: the template itself (streamed),
 * its asynchronous export to a file, the import of a filled template as a feed processed by a job,
 * and setting one item's key. Dialects only parse and present; every rule lives here and in the
 * functions it calls (`checkFilledRow`, `assignKey`).
 */
import { Readable, type Writable } from 'node:stream';
import { ConflictError, InvalidInputError, NotFoundError, TooLargeError } from '../errors.js';
import { BRAZIL } from '../marketplaces.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import { CONTROL_CHARS, isUuid } from '../text.js';
import { KEYED_ORDER_STATUSES, type TemplateRowCursor } from './access-key-items.js';
import {
  type AccessKeyTemplateRow,
  DEFAULT_TEMPLATE_FORMAT,
  EMPTY_CELL,
  type TemplateCells,
  type TemplateFormat,
  type TemplateWriter,
} from './access-key-template.js';
import { checkFilledRow } from './check-filled-row.js';
import { assignKey } from './key-assignment.js';
import { exportView, feedView, type TemplateExportView, type TemplateFeedView } from './template-views.js';

export const TEMPLATE_EXPORT_QUEUE = 'access-key-template-export';
export const TEMPLATE_IMPORT_QUEUE = 'access-key-template-import';

/** Items read per round trip while writing a template: short queries, flat memory. */
export const TEMPLATE_PAGE_SIZE = 1000;
const FEED_RESULTS_DEFAULT = 1000;
const FEED_RESULTS_MAX = 10_000;

export interface TemplateServiceOptions {
  /** Exports and feeds (with their files) are deleted after this many days. */
  retentionDays: number;
  /** Largest filled template accepted, in bytes. */
  maxUploadBytes: number;
  /** Nudges a worker in this process once a job is committed. */
  wake: () => void;
}

export interface TemplateFile {
  contentType: string;
  fileName: string;
  /** Streams the template into `out` and ends it (destroys it on failure). */
  write(out: Writable): Promise<{ rows: number }>;
}

export interface SetKeyResult {
  orderId: string;
  orderItemId: string;
  accessKey: string;
  status: 'applied' | 'unchanged';
}

export function parseTemplateFormat(raw: string | undefined): TemplateFormat {
  if (raw === undefined || raw === '') return DEFAULT_TEMPLATE_FORMAT;
  const format = raw.toLowerCase();
  if (format !== 'csv' && format !== 'xlsx') {
    throw InvalidInputError.field('format', `"${raw}" is not one of csv, xlsx`);
  }
  return format;
}

export function templateFileName(at: Date, extension: string, suffix = ''): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `missing-invoice-access-key-${stamp}${suffix}.${extension}`;
}

/** `123` or a uuid: the two ids SellerCenter answers with; anything else names nothing. */
function parseId(raw: string): { id: number } | { uuid: string } | undefined {
  if (/^[1-9][0-9]{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647) return { id: Number(raw) };
  if (isUuid(raw)) return { uuid: raw.toLowerCase() };
  return undefined;
}

export async function* limitBytes(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  counted: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    counted.bytes += chunk.length;
    if (counted.bytes > maxBytes) {
      throw new TooLargeError(`the file is larger than ${maxBytes} bytes`, maxBytes);
    }
    yield chunk;
  }
}

export class AccessKeyTemplateService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly blobs: BlobStore,
    private readonly writers: Readonly<Record<TemplateFormat, TemplateWriter>>,
    private readonly opts: TemplateServiceOptions,
  ) {}

  /** The seller's items needing a key, read in keyset pages: never all at once. */
  async *rows(sellerId: string, pageSize = TEMPLATE_PAGE_SIZE): AsyncGenerator<AccessKeyTemplateRow> {
    const query = { sellerId, marketplaceId: BRAZIL, statuses: KEYED_ORDER_STATUSES };
    let after: TemplateRowCursor | undefined;
    while (true) {
      const page = await this.store.accessKeyItems.missingKeyPage(query, pageSize, after);
      yield* page;
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      after = {
        createdAt: last.orderDate.toISOString(),
        orderId: last.orderId,
        orderItemId: last.orderItemId,
      };
    }
  }

  /** The template of `sellerId` in `format`, ready to stream. */
  template(sellerId: string, format: TemplateFormat): TemplateFile {
    const writer = this.writers[format];
    return {
      contentType: writer.contentType,
      fileName: templateFileName(this.clock.now(), writer.extension),
      write: (out) => writer.write(this.rows(sellerId), out),
    };
  }

  /** Records the export and enqueues its job in one transaction. */
  async requestExport(
    sellerId: string,
    format: TemplateFormat,
  ): Promise<{ exportItemId: number; uuid: string }> {
    const now = this.clock.now();
    const uuid = this.ids.uuid();
    const writer = this.writers[format];
    const exportItemId = await this.store.transaction(async (tx) => {
      const id = await tx.templateFiles.insertExport({
        seller_id: sellerId,
        export_uuid: uuid,
        format,
        status: 'queued',
        error_message: '',
        row_count: null,
        file_name: templateFileName(now, writer.extension),
        blob_key: `templates/${sellerId}/exports/${uuid}.${writer.extension}`,
        size_bytes: null,
        created_at: now,
        finished_at: null,
        expires_at: new Date(now.getTime() + this.opts.retentionDays * 86_400_000),
      });
      await tx.jobs.enqueue({
        queue: TEMPLATE_EXPORT_QUEUE,
        sellerId,
        payload: { sellerId, exportUuid: uuid },
        maxAttempts: 5,
        dedupeKey: uuid,
      });
      return id;
    });
    this.opts.wake();
    return { exportItemId, uuid };
  }

  async getExport(sellerId: string, idOrUuid: string): Promise<TemplateExportView> {
    const id = parseId(idOrUuid);
    const row = !id
      ? undefined
      : 'id' in id
        ? await this.store.templateFiles.exportByItemId(sellerId, id.id)
        : await this.store.templateFiles.exportByUuid(sellerId, id.uuid);
    if (!row || row.expires_at <= this.clock.now())
      throw new NotFoundError(`export ${idOrUuid} was not found`);
    return exportView(row);
  }

  /** The finished file of an export, as a stream the caller must consume or destroy. */
  async exportFile(
    sellerId: string,
    uuid: string,
  ): Promise<{ stream: Readable; size: number; contentType: string; fileName: string }> {
    const row = isUuid(uuid)
      ? await this.store.templateFiles.exportByUuid(sellerId, uuid.toLowerCase())
      : undefined;
    if (!row || row.expires_at <= this.clock.now()) throw new NotFoundError(`file ${uuid} was not found`);
    if (row.status !== 'finished') {
      throw new NotFoundError(`file ${uuid} is not ready: its export is ${row.status}`);
    }
    const blob = await this.blobs.get(row.blob_key);
    if (!blob) throw new NotFoundError(`file ${uuid} is no longer available`);
    return {
      stream: blob.stream,
      size: blob.info.size,
      contentType: this.writers[row.format].contentType,
      fileName: row.file_name,
    };
  }

  /**
   * Stores an uploaded filled template (refused past the size limit as it arrives), then records
   * the feed and enqueues its job in one transaction. Nothing is read or applied here.
   */
  async submitImport(
    sellerId: string,
    upload: { fileName: string | undefined; bytes: AsyncIterable<Uint8Array> },
  ): Promise<{ feedId: number; feedUuid: string }> {
    const uuid = this.ids.uuid();
    const key = `templates/${sellerId}/feeds/${uuid}.upload`;
    const counted = { bytes: 0 };
    const info = await this.blobs.put(
      key,
      Readable.from(limitBytes(upload.bytes, this.opts.maxUploadBytes, counted)),
      {
        contentType: 'application/octet-stream',
      },
    );
    if (info.size === 0) {
      await this.blobs.delete(key);
      throw InvalidInputError.field('file', 'the uploaded file is empty');
    }
    const now = this.clock.now();
    try {
      const feedId = await this.store.transaction(async (tx) => {
        const id = await tx.templateFiles.insertFeed({
          seller_id: sellerId,
          feed_uuid: uuid,
          status: 'queued',
          file_name: cleanFileName(upload.fileName),
          blob_key: key,
          size_bytes: info.size,
          description: '',
          ignored_columns: [],
          file_problems: [],
          row_count: 0,
          applied: 0,
          unchanged: 0,
          rejected: 0,
          created_at: now,
          started_at: null,
          finished_at: null,
          expires_at: new Date(now.getTime() + this.opts.retentionDays * 86_400_000),
        });
        await tx.jobs.enqueue({
          queue: TEMPLATE_IMPORT_QUEUE,
          sellerId,
          payload: { sellerId, feedUuid: uuid },
          maxAttempts: 5,
          dedupeKey: uuid,
        });
        return id;
      });
      this.opts.wake();
      return { feedId, feedUuid: uuid };
    } catch (err) {
      await this.blobs.delete(key);
      throw err;
    }
  }

  async getFeed(
    sellerId: string,
    idOrUuid: string,
    page: { afterRow?: number | undefined; limit?: number | undefined } = {},
  ): Promise<TemplateFeedView> {
    const limit = page.limit ?? FEED_RESULTS_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > FEED_RESULTS_MAX) {
      throw InvalidInputError.field('limit', `must be an integer from 1 to ${FEED_RESULTS_MAX}`);
    }
    const afterRow = page.afterRow ?? 0;
    if (!Number.isInteger(afterRow) || afterRow < 0) {
      throw InvalidInputError.field('afterRow', 'must be a whole number');
    }
    const id = parseId(idOrUuid);
    const feed = !id
      ? undefined
      : 'id' in id
        ? await this.store.templateFiles.feedById(sellerId, id.id)
        : await this.store.templateFiles.feedByUuid(sellerId, id.uuid);
    if (!feed || feed.expires_at <= this.clock.now())
      throw new NotFoundError(`feed ${idOrUuid} was not found`);
    // Rows are shown once the feed is done: while it runs they are still being read or decided. A
    // feed that failed while applying keeps the results of the rows it decided.
    const done = feed.status === 'finished' || feed.status === 'failed';
    const rows = done
      ? await this.store.templateFiles.feedRows(sellerId, feed.feed_uuid, afterRow, limit + 1)
      : [];
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    return feedView(feed, shown, more ? shown.at(-1)?.row_number : undefined);
  }

  /** Housekeeping: deletes expired exports and feeds, their files first (a crash leaves a row to retry). */
  async purgeExpired(): Promise<{ exports: number; feeds: number }> {
    const now = this.clock.now();
    const files = this.store.templateFiles;
    let exports = 0;
    let feeds = 0;
    for (
      let batch = await files.expiredExports(now, 100);
      batch.length > 0;
      batch = await files.expiredExports(now, 100)
    ) {
      for (const e of batch) {
        await this.blobs.delete(e.blob_key);
        await files.deleteExport(e.seller_id, e.export_uuid);
        exports++;
      }
    }
    for (
      let batch = await files.expiredFeeds(now, 100);
      batch.length > 0;
      batch = await files.expiredFeeds(now, 100)
    ) {
      for (const f of batch) {
        await this.blobs.delete(f.blob_key);
        await files.deleteFeed(f.seller_id, f.feed_uuid);
        feeds++;
      }
    }
    return { exports, feeds };
  }

  /** Sets the key of one item with the same checks as a row of a filled template. */
  async setKey(
    sellerId: string,
    orderItemId: string,
    input: { accessKey: string; orderId?: string | undefined },
  ): Promise<SetKeyResult> {
    if (CONTROL_CHARS.test(orderItemId) || CONTROL_CHARS.test(input.orderId ?? '')) {
      throw new NotFoundError(`order item ${JSON.stringify(orderItemId)} was not found`);
    }
    const seller = await this.store.sellers.byId(sellerId);
    if (!seller) throw new NotFoundError('seller not found');
    let orderId = input.orderId;
    if (orderId === undefined) {
      const orders = await this.store.accessKeyItems.ordersOfItem(sellerId, orderItemId, 2);
      if (orders.length === 0) throw new NotFoundError(`order item ${orderItemId} was not found`);
      if (orders.length > 1) {
        throw InvalidInputError.field(
          'orderId',
          `order item ${orderItemId} exists in several orders; name the order with orderId`,
        );
      }
      orderId = orders[0] as string;
    }
    const cells: TemplateCells = {
      orderNumber: EMPTY_CELL,
      orderId: { kind: 'text', text: orderId },
      orderItemId: { kind: 'text', text: orderItemId },
      sku: EMPTY_CELL,
      orderDate: EMPTY_CELL,
      status: EMPTY_CELL,
      invoiceNumber: EMPTY_CELL,
      invoiceSeries: EMPTY_CELL,
      accessKey: { kind: 'text', text: input.accessKey },
    };
    const check = checkFilledRow(cells, { cnpj: seller.cnpj }, this.clock.now());
    if (check.outcome === 'not-filled') throw InvalidInputError.field('accessKey', 'is empty');
    if (check.outcome === 'invalid') {
      throw new InvalidInputError(check.problems.map((p) => p.message).join('; '), check.problems);
    }
    const result = await this.store.transaction(async (tx) => {
      await tx.accessKeyItems.lockSeller(sellerId);
      return assignKey(tx, sellerId, check.orderId, check.orderItemId, check.accessKey);
    });
    if (result.outcome === 'rejected') {
      const { problem } = result;
      if (problem.field === 'orderItemId') throw new NotFoundError(problem.message);
      if (result.conflict) throw new ConflictError(problem.message, [problem]);
      throw new InvalidInputError(problem.message, [problem]);
    }
    return {
      orderId: check.orderId,
      orderItemId: check.orderItemId,
      accessKey: check.accessKey,
      status: result.outcome,
    };
  }
}

function cleanFileName(name: string | undefined): string {
  const cleaned = (name ?? '')
    .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
    .trim()
    .slice(-200);
  return cleaned || 'upload';
}
