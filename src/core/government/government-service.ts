import { DANFE_CONTENT_TYPE, type DanfeService, danfeFilename } from '../danfe/danfe-service.js';
import { DOWNLOAD_ACTION, type UrlSigner } from '../downloads/url-signer.js';
import { InvalidInputError, NotFoundError, UniqueViolationError } from '../errors.js';
import type { IngestService } from '../invoices/ingest-service.js';
import type { SellerScope } from '../invoices/invoice-queries.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, Store } from '../ports/store.js';
import {
  GOVERNMENT_QUEUE,
  type GovernmentJobPayload,
  governmentBlobKey,
  governmentJobHandler,
} from './government-job.js';
import type { GovernmentRequestRecord } from './government-repository.js';
import type { InvoiceError, InvoiceIssuer } from './issuer.js';
import {
  type ContextInput,
  type CreateInput,
  canonicalContexts,
  checkLookup,
  GOVERNMENT_INVOICE_TYPE,
  GOVERNMENT_TRANSACTION_TYPE,
  type LookupInput,
  SHIPMENT_ID,
  type ValidRequest,
  validateCreate,
} from './request-input.js';

export { GOVERNMENT_QUEUE, governmentBlobKey };

/** Where the DANFE of a government invoice is written before its signed link is handed out. */
export function governmentDanfeBlobKey(sellerId: string, shipmentId: string): string {
  return `government/${sellerId}/${shipmentId}.danfe.pdf`;
}

/** Where a government invoice request stands: the issued NF-e's access key, or why it failed. */
export interface GovernmentInvoiceStatus {
  status: 'PROCESSING' | 'SUCCESS' | 'ERROR';
  accessKey?: string;
  errors?: InvoiceError[];
}

export interface GovernmentDeps {
  store: Store;
  clock: Clock;
  signer: UrlSigner;
  blobs: BlobStore;
  ingest: Pick<IngestService, 'ingest'>;
  issuer: InvoiceIssuer;
  danfe: Pick<DanfeService, 'ofInvoice'>;
}

const sameContexts = (a: ContextInput[], b: ContextInput[]) =>
  JSON.stringify(canonicalContexts(a)) === JSON.stringify(canonicalContexts(b));

/** createGovernmentInvoice, getGovernmentInvoiceStatus and getGovernmentInvoiceDocument. */
export class GovernmentService {
  constructor(
    private readonly deps: GovernmentDeps,
    private readonly opts: {
      downloadTtlSeconds: number;
      downloadUrl: (token: string) => string;
      /** Nudges a worker in this process once the job is committed. */
      wake: () => void;
    },
  ) {}

  /**
   * Validates, records the request and enqueues its job in one transaction. One NF-e per shipment:
   * the same request again is a no-op (safe to retry); a different one for a shipment that is
   * PROCESSING or SUCCESS is a 400; after ERROR (nothing was issued) a new submission replaces it.
   */
  async create(scope: SellerScope, input: CreateInput): Promise<void> {
    const req = validateCreate(scope, input);
    const submit = () => this.deps.store.transaction((tx) => this.submit(tx, scope, req));
    let enqueued: boolean;
    try {
      enqueued = await submit();
    } catch (err) {
      // A concurrent first submission of the same shipment won the primary key: decide again.
      if (!(err instanceof UniqueViolationError)) throw err;
      enqueued = await submit();
    }
    if (enqueued) this.opts.wake();
  }

  private async submit(tx: Repositories, scope: SellerScope, req: ValidRequest): Promise<boolean> {
    const now = this.deps.clock.now();
    const existing = await tx.government.getForUpdate(scope.sellerId, req.shipmentId);
    const fields = {
      marketplace_id: req.marketplaceId,
      inbound_plan_id: req.inboundPlanId,
      contexts: req.contexts as Record<string, string>[],
      status: 'PROCESSING' as const,
      errors: [],
      updated_at: now,
    };
    let generation = 1;
    if (!existing) {
      await tx.government.insert({
        ...fields,
        seller_id: scope.sellerId,
        shipment_id: req.shipmentId,
        invoice_type: GOVERNMENT_INVOICE_TYPE,
        transaction_type: GOVERNMENT_TRANSACTION_TYPE,
        generation,
        created_at: now,
      });
    } else if (existing.status === 'ERROR') {
      generation = existing.generation + 1;
      await tx.government.update(scope.sellerId, req.shipmentId, {
        ...fields,
        generation,
        series: null,
        number: null,
        issued_at: null,
        access_key: null,
        blob_key: null,
        invoice_id: null,
        finished_at: null,
      });
    } else if (
      existing.marketplace_id === req.marketplaceId &&
      existing.inbound_plan_id === req.inboundPlanId &&
      sameContexts(existing.contexts as ContextInput[], req.contexts)
    ) {
      return false; // the same request again: nothing to do
    } else {
      const state =
        existing.status === 'SUCCESS'
          ? `was already issued (access key ${existing.access_key})`
          : 'is already being issued (PROCESSING)';
      throw InvalidInputError.field(
        'shipmentId',
        `the government invoice of shipment ${req.shipmentId} ${state} with different parameters; a shipment gets one NF-e`,
      );
    }
    await tx.jobs.enqueue({
      queue: GOVERNMENT_QUEUE,
      sellerId: scope.sellerId,
      payload: {
        sellerId: scope.sellerId,
        shipmentId: req.shipmentId,
        generation,
      } satisfies GovernmentJobPayload,
      maxAttempts: 8,
      dedupeKey: `${scope.sellerId}:${req.shipmentId}:${generation}`,
    });
    return true;
  }

  async status(scope: SellerScope, input: LookupInput): Promise<GovernmentInvoiceStatus> {
    const row = await this.find(scope, input);
    if (row.status === 'SUCCESS') return { status: 'SUCCESS', accessKey: row.access_key ?? '' };
    if (row.status === 'ERROR') return { status: 'ERROR', errors: row.errors };
    return { status: 'PROCESSING' };
  }

  /**
   * A short-lived signed URL of the issued XML (nfeProc, exactly as stored), or of its DANFE: the PDF
   * is rendered from the stored invoice (so it shows its current status, e.g. CANCELADA) and written
   * beside the XML, then served by the same signed `/files/` link.
   */
  async document(
    scope: SellerScope,
    input: LookupInput & { fileFormat?: string | undefined },
  ): Promise<{ invoiceDocumentUrl: string }> {
    checkLookup(scope, input);
    const fileFormat = input.fileFormat ?? 'XML';
    if (fileFormat !== 'XML' && fileFormat !== 'PDF')
      throw InvalidInputError.field('fileFormat', `"${fileFormat}" is not one of XML, PDF`);
    const row = await this.find(scope, input);
    const shipment = JSON.stringify(row.shipment_id);
    if (row.status === 'ERROR') {
      const codes = row.errors.map((e) => e.errorCode).join(', ');
      throw new NotFoundError(
        `The government invoice request of shipment ${shipment} ended in ERROR (${codes}): no document was issued. See getGovernmentInvoiceStatus.`,
      );
    }
    if (row.status === 'PROCESSING' || !row.blob_key) {
      throw new NotFoundError(
        `The government invoice of shipment ${shipment} is still PROCESSING: no document exists yet. Poll getGovernmentInvoiceStatus until SUCCESS.`,
      );
    }
    const file =
      fileFormat === 'PDF'
        ? await this.danfe(row)
        : { key: row.blob_key, filename: `${row.access_key}-procNFe.xml`, contentType: 'application/xml' };
    const token = this.deps.signer.sign({
      ...file,
      action: DOWNLOAD_ACTION,
      ttlSeconds: this.opts.downloadTtlSeconds,
    });
    return { invoiceDocumentUrl: this.opts.downloadUrl(token) };
  }

  private async danfe(
    row: GovernmentRequestRecord,
  ): Promise<{ key: string; filename: string; contentType: string }> {
    const invoiceId =
      row.invoice_id ??
      (row.access_key
        ? (await this.deps.store.invoices.byAccessKey(row.seller_id, row.access_key))?.invoice_id
        : undefined);
    if (!invoiceId) {
      throw new NotFoundError(
        `The government invoice of shipment ${JSON.stringify(row.shipment_id)} is not in the invoice store yet: no DANFE can be rendered. Retry shortly.`,
      );
    }
    const rendered = await this.deps.danfe.ofInvoice(row.seller_id, invoiceId);
    const key = governmentDanfeBlobKey(row.seller_id, row.shipment_id);
    await this.deps.blobs.put(key, rendered.pdf, { contentType: DANFE_CONTENT_TYPE });
    return { key, filename: danfeFilename(rendered.accessKey), contentType: DANFE_CONTENT_TYPE };
  }

  /** The job handler for the worker. */
  handler() {
    const { store, blobs, clock, ingest, issuer } = this.deps;
    return governmentJobHandler({ store, blobs, clock, ingest, issuer });
  }

  private async find(scope: SellerScope, input: LookupInput): Promise<GovernmentRequestRecord> {
    checkLookup(scope, input);
    const row = SHIPMENT_ID.test(input.shipmentId)
      ? await this.deps.store.government.get(scope.sellerId, input.shipmentId)
      : undefined;
    const matches =
      row &&
      row.marketplace_id === input.marketplaceId &&
      (input.inboundPlanId === undefined || input.inboundPlanId === row.inbound_plan_id);
    if (!matches) {
      throw new NotFoundError(
        `No government invoice request was found for shipment ${JSON.stringify(input.shipmentId)}` +
          (input.inboundPlanId === undefined
            ? '.'
            : ` in inbound plan ${JSON.stringify(input.inboundPlanId)}.`),
      );
    }
    return row;
  }
}
