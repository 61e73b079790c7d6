import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { ID_RE } from '../orders/orders-service.js';
import type { BlobInfo, BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { Store } from '../ports/store.js';
import { isUuid } from '../text.js';
import type { DownloadTokens } from './download-tokens.js';
import type { OrderInvoiceFilter, OrderInvoiceRecord } from './order-invoice-records.js';
import { checkInvoiceUpload, type InvoiceUpload } from './upload-rules.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const MAX_PAGE_SIZE = 100;

export interface OrderInvoicePage {
  items: OrderInvoiceRecord[];
  total: number;
}

/** Where an order invoice's file lives in the blob store. */
export function orderInvoiceBlobKey(sellerId: string, fileId: string): string {
  return `order-invoices/${sellerId}/${fileId}.pdf`;
}

/**
 * Invoice files attached to orders: sellers upload, list, read and delete their own; the operator
 * attaches those the marketplace issued itself (deemed supplier), which sellers see but cannot
 * delete. Every read is scoped to the seller: another seller's order or invoice is "not found".
 */
export class OrderInvoicesService {
  constructor(
    private readonly deps: { store: Store; blobs: BlobStore; clock: Clock; ids: Ids; tokens: DownloadTokens },
    private readonly maxBytes: number,
  ) {}

  get maxInvoiceBytes(): number {
    return this.maxBytes;
  }

  async list(
    sellerId: string,
    filter: OrderInvoiceFilter,
    page: { limit: number; offset: number },
  ): Promise<OrderInvoicePage> {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
      throw InvalidInputError.field('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    if (!Number.isSafeInteger(page.offset) || page.offset < 0) {
      throw InvalidInputError.field('offset', 'must be an integer of 0 or more');
    }
    const { rows, total } = await this.deps.store.orderInvoices.page(
      sellerId,
      filter,
      page.limit,
      page.offset,
    );
    return { items: rows, total };
  }

  async get(sellerId: string, orderId: string, invoiceId: number): Promise<OrderInvoiceRecord> {
    const row =
      isUuid(sellerId) && ID_RE.test(orderId) && Number.isSafeInteger(invoiceId) && invoiceId > 0
        ? await this.deps.store.orderInvoices.get(sellerId, orderId, invoiceId)
        : undefined;
    if (!row) throw new NotFoundError(`order invoice ${invoiceId} of order ${orderId} not found`);
    return row;
  }

  /**
   * Checks the file (every rule at once), then the order, then stores the bytes and the row. The
   * invoice takes the order's storefront; an order without one (not a storefront order) is refused.
   */
  async upload(
    sellerId: string,
    orderId: string,
    upload: InvoiceUpload,
    opts: { deemedSupplier?: boolean } = {},
  ): Promise<OrderInvoiceRecord> {
    const checked = checkInvoiceUpload(upload, this.maxBytes);
    const { store, blobs, clock, ids } = this.deps;
    const order =
      ID_RE.test(orderId) && isUuid(sellerId) ? await store.orders.get(sellerId, orderId) : undefined;
    if (!order) throw new NotFoundError(`order ${orderId} not found`);
    if (!order.storefront) {
      throw new NotFoundError(`order ${orderId} is not an order of a storefront (it has no storefront)`);
    }
    const fileId = ids.uuid();
    const blobKey = orderInvoiceBlobKey(sellerId, fileId);
    await blobs.put(blobKey, upload.bytes, { contentType: checked.mimeType });
    try {
      return await store.orderInvoices.insert({
        seller_id: sellerId,
        order_id: orderId,
        storefront: order.storefront,
        deemed_supplier: opts.deemedSupplier ?? false,
        original_name: checked.originalName,
        mime_type: checked.mimeType,
        size_bytes: upload.bytes.length,
        sha256: createHash('sha256').update(upload.bytes).digest('hex'),
        file_id: fileId,
        blob_key: blobKey,
        created_at: clock.now(),
      });
    } catch (err) {
      await blobs.delete(blobKey).catch(() => {});
      throw err;
    }
  }

  /**
   * Deletes the row, then the file. Sellers cannot delete what the marketplace issued (403); the
   * operator can (`asOperator`).
   */
  async remove(
    sellerId: string,
    orderId: string,
    invoiceId: number,
    opts: { asOperator?: boolean } = {},
  ): Promise<void> {
    const row = await this.get(sellerId, orderId, invoiceId);
    if (row.deemed_supplier && !opts.asOperator) {
      throw new ForbiddenError(
        `invoice ${invoiceId} of order ${orderId} was issued by the marketplace (deemed supplier) and cannot be deleted by the seller`,
      );
    }
    if (!(await this.deps.store.orderInvoices.delete(sellerId, orderId, invoiceId))) {
      throw new NotFoundError(`order invoice ${invoiceId} of order ${orderId} not found`);
    }
    await this.deps.blobs.delete(row.blob_key);
  }

  /** The download link's access token (the same every time for one file). */
  accessToken(row: OrderInvoiceRecord): string {
    return this.deps.tokens.tokenFor(row.file_id);
  }

  /**
   * The file behind a download link: any wrong part (file id, token, deleted invoice, missing file)
   * is "not found", so a link reveals nothing about other files.
   */
  async openDownload(
    fileId: string,
    token: string,
    withBody: boolean,
  ): Promise<{ row: OrderInvoiceRecord; info: BlobInfo; stream?: Readable }> {
    const gone = () =>
      new NotFoundError('no file behind this link (the invoice was deleted, or the link is wrong)');
    const id = fileId.toLowerCase();
    if (!isUuid(id) || !TOKEN.test(token) || !this.deps.tokens.matches(id, token)) throw gone();
    const row = await this.deps.store.orderInvoices.byFileId(id);
    if (!row) throw gone();
    if (!withBody) {
      const info = await this.deps.blobs.head(row.blob_key);
      if (!info) throw gone();
      return { row, info };
    }
    const blob = await this.deps.blobs.get(row.blob_key);
    if (!blob) throw gone();
    return { row, info: blob.info, stream: blob.stream };
  }
}
