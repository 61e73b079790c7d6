import type { UrlSigner } from '../../infra/blobs/signed-urls.js';
import type { Clock } from '../../infra/clock.js';
import type { Db } from '../../infra/db/database.js';
import { type ExportRow, exportsRepo } from '../../infra/db/repos/exports-repo.js';
import type { Ids } from '../../infra/ids.js';
import type { JobQueue } from '../../infra/jobs/queue.js';
import { resolveWindow } from '../dates.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import {
  checkMarketplace,
  type InvoiceFilterInput,
  resolveInvoiceFilter,
  type SellerScope,
} from '../invoices/invoice-queries.js';
import type { PageTokens } from '../paging/page-token.js';
import { isUuid } from '../text.js';

export const EXPORT_QUEUE = 'invoice-export';
export const FILE_FORMATS = ['XML'];
const EXPORT_STATUSES = ['REQUESTED', 'PROCESSING', 'DONE', 'ERROR'];

export interface CreateExportInput extends InvoiceFilterInput {
  fileFormat?: string | undefined;
}

/** SP-API's Export shape. */
export interface SpApiExport {
  errorMessage: string;
  exportId: string;
  generateExportFinishedAt?: string;
  generateExportStartedAt?: string;
  invoicesDocumentIds: string[];
  status: string;
}

export interface ListExportsInput {
  marketplaceId: string;
  dateStart?: string | undefined;
  dateEnd?: string | undefined;
  status?: string | undefined;
  pageSize?: number | undefined;
  nextToken?: string | undefined;
}

interface ExportsPageToken {
  op: 'getInvoicesExports';
  seller: string;
  filter: { marketplaceId: string; start: string; end: string; status?: string | undefined };
  size: number;
  after: { createdAt: string; exportId: string };
}

function view(row: ExportRow, documentIds: string[]): SpApiExport {
  return {
    errorMessage: row.error_message,
    exportId: row.export_id,
    ...(row.finished_at ? { generateExportFinishedAt: new Date(row.finished_at).toISOString() } : {}),
    ...(row.started_at ? { generateExportStartedAt: new Date(row.started_at).toISOString() } : {}),
    // Documents exist only once the export is DONE: never a partial list.
    invoicesDocumentIds: row.status === 'DONE' ? documentIds : [],
    status: row.status,
  };
}

/** createInvoicesExport, getInvoicesExports, getInvoicesExport and getInvoicesDocument. */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly jobs: JobQueue,
    private readonly tokens: PageTokens,
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
    await this.db.transaction().execute(async (trx) => {
      await exportsRepo.insert(trx, {
        seller_id: scope.sellerId,
        export_id: exportId,
        marketplace_id: filter.marketplaceId,
        filter: JSON.stringify(filter),
        file_format: fileFormat,
        status: 'REQUESTED',
        error_message: '',
        created_at: now,
        expires_at: new Date(now.getTime() + this.opts.retentionDays * 86_400_000),
      });
      await this.jobs.enqueue(trx, {
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

  async get(scope: SellerScope, exportId: string): Promise<SpApiExport> {
    const row = isUuid(exportId) ? await exportsRepo.get(this.db, scope.sellerId, exportId) : undefined;
    if (!row) throw new NotFoundError(`Export ${exportId} was not found.`);
    const docs = await exportsRepo.documentIds(this.db, scope.sellerId, [exportId]);
    return view(
      row,
      docs.map((d) => d.document_id),
    );
  }

  async list(
    scope: SellerScope,
    input: ListExportsInput,
  ): Promise<{ exports: SpApiExport[]; nextToken?: string }> {
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
    let filter: ExportsPageToken['filter'];
    let after: ExportsPageToken['after'] | undefined;
    let size = pageSize;
    if (input.nextToken !== undefined) {
      const token = this.tokens.verify<ExportsPageToken>(input.nextToken);
      if (token.op !== 'getInvoicesExports' || token.seller !== scope.sellerId) {
        throw InvalidInputError.field('nextToken', 'was not issued for this operation and seller');
      }
      const differs = [
        ['marketplaceId', marketplaceId !== token.filter.marketplaceId],
        ['status', input.status !== undefined && input.status !== token.filter.status],
      ].filter(([, d]) => d);
      if (differs.length) {
        throw new InvalidInputError(
          'Specifying nextToken with different parameters will cause the request to fail.',
          differs.map(([field]) => ({
            field: field as string,
            message: 'differs from the call that produced nextToken',
          })),
        );
      }
      ({ filter, after } = token);
      size = input.pageSize ?? token.size;
    } else {
      const { start, end } = resolveWindow(input, this.clock.now(), 30 * 86_400_000);
      filter = { marketplaceId, start: start.toISOString(), end: end.toISOString(), status: input.status };
    }
    const rows = await exportsRepo.page(
      this.db,
      {
        sellerId: scope.sellerId,
        marketplaceId,
        start: new Date(filter.start),
        end: new Date(filter.end),
        status: filter.status,
      },
      size + 1,
      after,
    );
    const page = rows.slice(0, size);
    const docs = await exportsRepo.documentIds(
      this.db,
      scope.sellerId,
      page.filter((r) => r.status === 'DONE').map((r) => r.export_id),
    );
    const byExport = new Map<string, string[]>();
    for (const d of docs) byExport.set(d.export_id, [...(byExport.get(d.export_id) ?? []), d.document_id]);
    const result: { exports: SpApiExport[]; nextToken?: string } = {
      exports: page.map((r) => view(r, byExport.get(r.export_id) ?? [])),
    };
    const last = page.at(-1);
    if (rows.length > size && last) {
      const token: ExportsPageToken = {
        op: 'getInvoicesExports',
        seller: scope.sellerId,
        filter,
        size,
        after: { createdAt: new Date(last.created_at).toISOString(), exportId: last.export_id },
      };
      result.nextToken = this.tokens.sign(token);
    }
    return result;
  }

  /** A short-lived signed URL for one ZIP of a DONE export. */
  async document(
    scope: SellerScope,
    documentId: string,
  ): Promise<{ invoicesDocumentId: string; invoicesDocumentUrl: string }> {
    const doc = isUuid(documentId)
      ? await exportsRepo.document(this.db, scope.sellerId, documentId)
      : undefined;
    if (!doc) throw new NotFoundError(`Document ${documentId} was not found.`);
    const token = this.signer.sign({
      key: doc.blob_key,
      action: 'download',
      ttlSeconds: this.opts.downloadTtlSeconds,
      filename: `${documentId}.zip`,
      contentType: 'application/zip',
    });
    return { invoicesDocumentId: documentId, invoicesDocumentUrl: this.opts.downloadUrl(token) };
  }
}
