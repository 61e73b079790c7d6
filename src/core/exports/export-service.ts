import { resolveWindow } from '../dates.js';
import type { UrlSigner } from '../downloads/url-signer.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import {
  checkMarketplace,
  type InvoiceFilterInput,
  resolveInvoiceFilter,
  type SellerScope,
} from '../invoices/invoice-queries.js';
import { assertSameFilters, type Keyset, type Page } from '../paging/keyset.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import { isUuid } from '../text.js';
import type { ExportCursor, ExportRecord, ExportStatus } from './exports-repository.js';

export const EXPORT_QUEUE = 'invoice-export';
export const FILE_FORMATS = ['XML'];
const EXPORT_STATUSES = ['REQUESTED', 'PROCESSING', 'DONE', 'ERROR'];

export interface CreateExportInput extends InvoiceFilterInput {
  fileFormat?: string | undefined;
}

/** An export as its seller sees it; each dialect presents it in its own shape. */
export interface ExportView {
  exportId: string;
  status: ExportStatus;
  errorMessage: string;
  startedAt?: string;
  finishedAt?: string;
  /** Its documents (ZIPs), only once it is DONE: never a partial list. */
  documentIds: string[];
}

export interface ListExportsInput {
  marketplaceId: string;
  dateStart?: string | undefined;
  dateEnd?: string | undefined;
  status?: string | undefined;
  pageSize?: number | undefined;
  nextToken?: string | undefined;
}

/** The listing a cursor belongs to. */
interface ExportsScope {
  op: 'getInvoicesExports';
  seller: string;
  filter: { marketplaceId: string; start: string; end: string; status?: string | undefined };
}

function view(row: ExportRecord, documentIds: string[]): ExportView {
  return {
    exportId: row.export_id,
    status: row.status,
    errorMessage: row.error_message,
    ...(row.started_at ? { startedAt: new Date(row.started_at).toISOString() } : {}),
    ...(row.finished_at ? { finishedAt: new Date(row.finished_at).toISOString() } : {}),
    documentIds: row.status === 'DONE' ? documentIds : [],
  };
}

/** Invoice exports: request one, follow it, list them, and reach their documents. */
export class ExportService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly keyset: Keyset,
    private readonly signer: UrlSigner,
    private readonly opts: {
      retentionDays: number;
      downloadTtlSeconds: number;
      downloadUrl: (token: string) => string;
      /** Nudges a worker in this process once the job is committed. */
      wake: () => void;
    },
  ) {}

  /** Validates like getInvoices, records the export and enqueues its job in one transaction. */
  async create(scope: SellerScope, input: CreateExportInput): Promise<{ exportId: string }> {
    const fileFormat = input.fileFormat ?? 'XML';
    if (!FILE_FORMATS.includes(fileFormat)) {
      throw InvalidInputError.field('fileFormat', `"${fileFormat}" is not one of ${FILE_FORMATS.join(', ')}`);
    }
    const now = this.clock.now();
    const filter = resolveInvoiceFilter(scope, input, now);
    const exportId = this.ids.uuid();
    await this.store.transaction(async (tx) => {
      await tx.exports.insert({
        seller_id: scope.sellerId,
        export_id: exportId,
        marketplace_id: filter.marketplaceId,
        filter,
        file_format: fileFormat,
        status: 'REQUESTED',
        error_message: '',
        started_at: null,
        finished_at: null,
        created_at: now,
        expires_at: new Date(now.getTime() + this.opts.retentionDays * 86_400_000),
      });
      await tx.jobs.enqueue({
        queue: EXPORT_QUEUE,
        sellerId: scope.sellerId,
        payload: { sellerId: scope.sellerId, exportId },
        maxAttempts: 5,
        dedupeKey: exportId,
      });
    });
    this.opts.wake();
    return { exportId };
  }

  async get(scope: SellerScope, exportId: string): Promise<ExportView> {
    const row = isUuid(exportId) ? await this.store.exports.get(scope.sellerId, exportId) : undefined;
    if (!row) throw new NotFoundError(`Export ${exportId} was not found.`);
    const docs = await this.store.exports.documentIds(scope.sellerId, [exportId]);
    return view(
      row,
      docs.map((d) => d.document_id),
    );
  }

  /** The seller's exports in a marketplace and creation window, newest first; `nextToken` continues. */
  async list(scope: SellerScope, input: ListExportsInput): Promise<Page<ExportView>> {
    const pageSize = input.pageSize ?? 20;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw InvalidInputError.field('pageSize', 'must be an integer from 1 to 100');
    }
    if (input.status !== undefined && !EXPORT_STATUSES.includes(input.status)) {
      throw InvalidInputError.field(
        'status',
        `"${input.status}" is not one of ${EXPORT_STATUSES.join(', ')}`,
      );
    }
    const marketplaceId = checkMarketplace(scope, input.marketplaceId);
    let filter: ExportsScope['filter'];
    let after: ExportCursor | undefined;
    let size = pageSize;
    if (input.nextToken !== undefined) {
      const token = this.keyset.resume<ExportsScope, ExportCursor>(
        input.nextToken,
        'nextToken',
        (c) => c.op === 'getInvoicesExports' && c.seller === scope.sellerId,
      );
      const changed: string[] = [];
      if (marketplaceId !== token.filter.marketplaceId) changed.push('marketplaceId');
      if (input.status !== undefined && input.status !== token.filter.status) changed.push('status');
      assertSameFilters(changed, 'nextToken');
      ({ filter, after } = token);
      size = input.pageSize ?? token.size;
    } else {
      const { start, end } = resolveWindow(input, this.clock.now(), 30 * 86_400_000);
      filter = { marketplaceId, start: start.toISOString(), end: end.toISOString(), status: input.status };
    }
    const range = {
      sellerId: scope.sellerId,
      marketplaceId,
      start: new Date(filter.start),
      end: new Date(filter.end),
      status: filter.status,
    };
    const page = await this.keyset.page<ExportRecord, ExportsScope, ExportCursor>({
      size,
      scope: { op: 'getInvoicesExports', seller: scope.sellerId, filter },
      after,
      read: (limit, from) => this.store.exports.page(range, limit, from),
      position: (row) => ({ createdAt: new Date(row.created_at).toISOString(), exportId: row.export_id }),
    });
    const docs = await this.store.exports.documentIds(
      scope.sellerId,
      page.items.filter((r) => r.status === 'DONE').map((r) => r.export_id),
    );
    const byExport = new Map<string, string[]>();
    for (const d of docs) byExport.set(d.export_id, [...(byExport.get(d.export_id) ?? []), d.document_id]);
    return { ...page, items: page.items.map((r) => view(r, byExport.get(r.export_id) ?? [])) };
  }

  /** A short-lived signed URL for one ZIP of a DONE export. */
  async document(scope: SellerScope, documentId: string): Promise<{ documentId: string; url: string }> {
    const doc = isUuid(documentId)
      ? await this.store.exports.document(scope.sellerId, documentId)
      : undefined;
    if (!doc) throw new NotFoundError(`Document ${documentId} was not found.`);
    const token = this.signer.sign({
      key: doc.blob_key,
      action: 'download',
      ttlSeconds: this.opts.downloadTtlSeconds,
      filename: `${documentId}.zip`,
      contentType: 'application/zip',
    });
    return { documentId, url: this.opts.downloadUrl(token) };
  }
}
