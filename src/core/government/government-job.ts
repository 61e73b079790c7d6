import type { Readable } from 'node:stream';
import type { IngestService } from '../invoices/ingest-service.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobContext } from '../ports/jobs.js';
import type { Store } from '../ports/store.js';
import { rejection } from './carrier-rules.js';
import type { GovernmentRequestRecord } from './government-repository.js';
import type { CarrierContext, InvoiceError, InvoiceIssuer } from './issuer.js';
import { CARRIER_CONTEXT } from './request-input.js';

export const GOVERNMENT_QUEUE = 'government-invoice';

export interface GovernmentJobPayload {
  sellerId: string;
  shipmentId: string;
  /** The submission this job was enqueued for; a resubmission after ERROR bumps it. */
  generation: number;
}

export interface GovernmentJobDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  ingest: Pick<IngestService, 'ingest'>;
  issuer: InvoiceIssuer;
}

/** Where the issued XML lives; the signed `/files/` links point here. */
export function governmentBlobKey(sellerId: string, shipmentId: string): string {
  return `government/${sellerId}/${shipmentId}.xml`;
}

async function readBlob(blobs: BlobStore, key: string): Promise<Buffer | undefined> {
  const found = await blobs.get(key);
  if (!found) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of found.stream as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function carrierOf(row: GovernmentRequestRecord): CarrierContext | undefined {
  return row.contexts.find((c) => c.contextType === CARRIER_CONTEXT) as CarrierContext | undefined;
}

/**
 * The issuing job. Steps, each safe to repeat after a crash:
 * 1. a number is given to the request (once, under a per-seller lock: sequential per series);
 * 2. the issuer issues the NF-e for that number, or rejects it (→ ERROR, the number is freed);
 *    an issued key is recorded at once, and a request with a key never ends in ERROR;
 * 3. the XML is written to the blob store and the row records it: from here on a re-run reads
 *    the stored XML back and never asks the issuer again (before that, it asks again for the same
 *    number, which an issuer must answer with the same document);
 * 4. the XML is ingested like any other invoice (the same bytes twice is a no-op) → SUCCESS.
 */
export function governmentJobHandler(deps: GovernmentJobDeps) {
  const job = new GovernmentJob(deps);
  return (context: JobContext<GovernmentJobPayload>) => job.run(context);
}

class GovernmentJob {
  constructor(private readonly deps: GovernmentJobDeps) {}

  async run(job: JobContext<GovernmentJobPayload>): Promise<void> {
    const { store, blobs } = this.deps;
    const p = job.payload;
    const row = await store.government.get(p.sellerId, p.shipmentId);
    if (row?.status !== 'PROCESSING' || row.generation !== p.generation) return; // gone or stale
    try {
      const xml =
        (row.blob_key ? await readBlob(blobs, row.blob_key) : undefined) ?? (await this.issue(job, row));
      if (xml) await this.ingest(p, row, xml);
    } catch (err) {
      const current = await store.government.get(p.sellerId, p.shipmentId).catch(() => undefined);
      if (job.attempt >= job.maxAttempts && !job.signal.aborted && current && !current.access_key) {
        // Out of retries before the issuer issued anything: say so instead of PROCESSING forever.
        await this.fail(p, [rejection('999', 'the invoice could not be issued; submit the request again')]);
        return;
      }
      throw err;
    }
  }

  /** Step 1: the request's number, given once under a per-seller lock (undefined: gone or stale). */
  private async allocate(
    row: GovernmentRequestRecord,
    generation: number,
  ): Promise<GovernmentRequestRecord | undefined> {
    if (row.number !== null) return row;
    const { store, clock, issuer } = this.deps;
    return store.transaction(async (tx) => {
      await tx.government.lockSeller(row.seller_id);
      const current = await tx.government.get(row.seller_id, row.shipment_id);
      if (!current || current.number !== null) return current;
      const number = (await tx.government.highestNumber(row.seller_id, issuer.series)) + 1;
      const now = clock.now();
      const changes = { series: issuer.series, number, issued_at: now, updated_at: now };
      if (!(await tx.government.updateRun(row.seller_id, row.shipment_id, generation, changes))) {
        return undefined;
      }
      return { ...current, ...changes };
    });
  }

  /** Steps 2 and 3: the issuer's document, recorded and stored (undefined: rejected, gone or stale). */
  private async issue(
    job: JobContext<GovernmentJobPayload>,
    row: GovernmentRequestRecord,
  ): Promise<Buffer | undefined> {
    const { store, blobs, clock, issuer } = this.deps;
    const p = job.payload;
    const seller = await store.sellers.byId(p.sellerId);
    const numbered = seller ? await this.allocate(row, p.generation) : undefined;
    if (!seller || !numbered || numbered.number === null || numbered.series === null || !numbered.issued_at) {
      return undefined; // gone, or finished/resubmitted meanwhile
    }
    const result = await issuer.issue(
      {
        marketplaceId: numbered.marketplace_id,
        shipmentId: numbered.shipment_id,
        inboundPlanId: numbered.inbound_plan_id,
        carrier: carrierOf(numbered),
        series: numbered.series,
        number: numbered.number,
        issuedAt: new Date(numbered.issued_at),
      },
      { sellerId: seller.seller_id, cnpj: seller.cnpj, name: seller.name },
    );
    if (!result.ok) {
      await this.fail(p, result.errors);
      return undefined;
    }
    // Recorded first: from now on the request is never given up as ERROR (an NF-e exists).
    const update = (changes: { access_key: string } | { blob_key: string }) =>
      store.government.updateRun(p.sellerId, p.shipmentId, p.generation, {
        ...changes,
        updated_at: clock.now(),
      });
    if (!(await update({ access_key: result.accessKey }))) return undefined;
    const xml = Buffer.from(result.xml, 'utf8');
    const key = governmentBlobKey(p.sellerId, p.shipmentId);
    await blobs.put(key, xml, { contentType: 'application/xml', signal: job.signal });
    return (await update({ blob_key: key })) ? xml : undefined;
  }

  /** Step 4: the XML stored like any other invoice (the same bytes twice change nothing) → SUCCESS. */
  private async ingest(p: GovernmentJobPayload, row: GovernmentRequestRecord, xml: Buffer): Promise<void> {
    const ingested = await this.deps.ingest.ingest(xml, {
      marketplaceId: row.marketplace_id,
      invoiceType: row.invoice_type,
      transactionType: row.transaction_type,
    });
    const now = this.deps.clock.now();
    await this.deps.store.government.updateRun(p.sellerId, p.shipmentId, p.generation, {
      status: 'SUCCESS',
      invoice_id: ingested.invoice?.id ?? null,
      access_key: ingested.invoice?.accessKey ?? row.access_key,
      updated_at: now,
      finished_at: now,
    });
  }

  private async fail(p: GovernmentJobPayload, errors: InvoiceError[]): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.government.updateRun(p.sellerId, p.shipmentId, p.generation, {
      status: 'ERROR',
      errors,
      series: null,
      number: null,
      issued_at: null,
      updated_at: now,
      finished_at: now,
    });
  }
}
