import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import {
  GOVERNMENT_QUEUE,
  type GovernmentJobDeps,
  type GovernmentJobPayload,
  governmentJobHandler,
} from '../../../src/core/government/government-job.js';
import type { InvoiceIssuer } from '../../../src/core/government/issuer.js';
import { SandboxIssuer } from '../../../src/core/government/sandbox-issuer.js';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import type { BlobStore } from '../../../src/core/ports/blob-store.js';
import type { JobContext } from '../../../src/core/ports/jobs.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { accessTokenFor, expectSpApiError } from '../../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../../support/fixtures.js';
import { withJobs } from '../jobs/support.js';

const CARRIER = {
  contextType: 'CarrierDetailsContext',
  name: 'Transportadora Teste',
  federalTaxId: '46204217000114',
  regionCode: 'SP',
  regionTaxId: '503348865972',
};

function jobOf(
  payload: GovernmentJobPayload,
  attempt = 1,
  maxAttempts = 8,
): JobContext<GovernmentJobPayload> {
  return {
    id: 'manual',
    queue: GOVERNMENT_QUEUE,
    payload,
    progress: null,
    attempt,
    maxAttempts,
    sellerId: payload.sellerId,
    signal: new AbortController().signal,
    checkpoint: async () => {},
    report: () => {},
  };
}

/** The sandbox issuer, counting its calls; `fail` makes the next calls throw (issuer unreachable). */
function countingIssuer(): InvoiceIssuer & { calls: number; fail: boolean } {
  const inner = new SandboxIssuer();
  return {
    series: inner.series,
    calls: 0,
    fail: false,
    async issue(req, seller) {
      this.calls++;
      if (this.fail) throw new Error('issuer unreachable');
      return inner.issue(req, seller);
    },
  };
}

describe('government invoice job: crash safety, numbering, limits', () => {
  let t: TestApp;
  let seller: Seller;
  let scope: { sellerId: string; marketplaceIds: string[] };

  const create = (shipmentId: string, contexts = [CARRIER]) =>
    t.deps.services.government.create(scope, {
      marketplaceId: BRAZIL,
      shipmentId,
      invoiceType: 'REMITTANCE',
      transactionType: 'INBOUND_SHIPMENT',
      contexts,
    });
  const lookup = (shipmentId: string) => ({
    marketplaceId: BRAZIL,
    shipmentId,
    invoiceType: 'REMITTANCE',
    transactionType: 'INBOUND_SHIPMENT',
  });
  const row = (shipmentId: string) => t.deps.store.government.get(seller.sellerId, shipmentId);
  const handler = (over: Partial<GovernmentJobDeps>) =>
    governmentJobHandler({
      store: t.deps.store,
      blobs: t.deps.blobs,
      clock: t.clock,
      ingest: t.deps.services.ingest,
      issuer: new SandboxIssuer(),
      ...over,
    });
  const remittances = async () =>
    (
      await t.deps.db.db
        .selectFrom('invoices')
        .select(['number', 'access_key'])
        .where('seller_id', '=', seller.sellerId)
        .where('invoice_type', '=', 'REMITTANCE')
        .execute()
    ).map((r) => Number(r.number));

  beforeAll(async () => {
    t = await startTestApp({ WORKER_ENABLED: 'false' }, 'government-job');
    seller = await createSeller(t);
    scope = { sellerId: seller.sellerId, marketplaceIds: [BRAZIL] };
    // The seller already used number 5 of series 1 elsewhere: the next remittance is number 6.
    const own = invoiceXml(seller.cnpj, { number: 5, issuedAt: new Date('2026-11-19T10:00:00Z') });
    expect((await ingest(t, own.xml)).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records the request and its job in one go; no document while PROCESSING (404)', async () => {
    await create('sh-pending');
    expect(await t.deps.services.government.status(scope, lookup('sh-pending'))).toEqual({
      status: 'PROCESSING',
    });
    await expect(t.deps.services.government.document(scope, lookup('sh-pending'))).rejects.toThrow(
      /still PROCESSING/,
    );
    await expect(t.deps.services.government.document(scope, lookup('sh-pending'))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const jobs = await withJobs(t.deps.db.db)
      .selectFrom('jobs')
      .select(['dedupe_key', 'status'])
      .where('queue', '=', GOVERNMENT_QUEUE)
      .execute();
    expect(jobs).toEqual([{ dedupe_key: `${seller.sellerId}:sh-pending:1`, status: 'queued' }]);
    await create('sh-pending'); // the same request again: no second job
    expect(
      await withJobs(t.deps.db.db)
        .selectFrom('jobs')
        .select('job_id')
        .where('queue', '=', GOVERNMENT_QUEUE)
        .execute(),
    ).toHaveLength(1);
  });

  it('a crash after issuing, before ingestion, never issues a second NF-e', async () => {
    const issuer = countingIssuer();
    const payload = { sellerId: seller.sellerId, shipmentId: 'sh-pending', generation: 1 };
    const crashing = handler({ issuer, ingest: { ingest: () => Promise.reject(new Error('killed')) } });
    await expect(crashing(jobOf(payload))).rejects.toThrow('killed');
    const half = await row('sh-pending');
    expect(half).toMatchObject({ status: 'PROCESSING', series: 1, number: 6 });
    expect(half?.access_key).toHaveLength(44);
    expect(half?.blob_key).toBe(`government/${seller.sellerId}/sh-pending.xml`);

    await handler({ issuer })(jobOf(payload, 2));
    expect(issuer.calls).toBe(1); // the re-run read the stored XML back
    const done = await row('sh-pending');
    expect(done).toMatchObject({ status: 'SUCCESS', access_key: half?.access_key, number: 6 });
    await handler({ issuer })(jobOf(payload, 3)); // delivered once more: nothing happens
    expect(issuer.calls).toBe(1);
    expect(await remittances()).toEqual([6]);
  });

  it('a crash before the XML was stored re-issues the very same document', async () => {
    await create('sh-blob-crash');
    const payload = { sellerId: seller.sellerId, shipmentId: 'sh-blob-crash', generation: 1 };
    const failingBlobs = {
      ...t.deps.blobs,
      put: () => Promise.reject(new Error('disk full')),
    } as unknown as BlobStore;
    // Even on its last attempt: the issuer answered, so the request is not given up as ERROR.
    await expect(handler({ blobs: failingBlobs })(jobOf(payload, 1, 1))).rejects.toThrow('disk full');
    const half = await row('sh-blob-crash');
    expect(half).toMatchObject({ status: 'PROCESSING', number: 7, blob_key: null });
    expect(half?.access_key).toHaveLength(44);
    await handler({})(jobOf(payload, 2));
    expect(await row('sh-blob-crash')).toMatchObject({
      status: 'SUCCESS',
      number: 7,
      access_key: half?.access_key,
    });
    expect((await remittances()).sort()).toEqual([6, 7]);
  });

  it('out of retries before issuing → ERROR 999; a new submission replaces it, stale jobs do nothing', async () => {
    await create('sh-unreachable');
    const issuer = countingIssuer();
    issuer.fail = true;
    const payload = { sellerId: seller.sellerId, shipmentId: 'sh-unreachable', generation: 1 };
    await expect(handler({ issuer })(jobOf(payload, 1, 2))).rejects.toThrow('unreachable');
    await handler({ issuer })(jobOf(payload, 2, 2));
    const status = await t.deps.services.government.status(scope, lookup('sh-unreachable'));
    expect(status.status).toBe('ERROR');
    expect(status.errors?.[0]?.errorCode).toBe('999');
    expect((await row('sh-unreachable'))?.number).toBeNull(); // the number is free again

    await create('sh-unreachable');
    expect(await row('sh-unreachable')).toMatchObject({ status: 'PROCESSING', generation: 2, errors: [] });
    issuer.fail = false;
    await handler({ issuer })(jobOf(payload, 1)); // generation 1's job is stale
    expect(issuer.calls).toBe(2);
    await handler({ issuer })(jobOf({ ...payload, generation: 2 }));
    expect(await row('sh-unreachable')).toMatchObject({ status: 'SUCCESS', number: 8 });
  });

  it('numbers concurrent requests sequentially, never twice', async () => {
    const ids = ['sh-c1', 'sh-c2', 'sh-c3', 'sh-c4'];
    for (const id of ids) await create(id);
    await Promise.all(
      ids.map((shipmentId) => handler({})(jobOf({ sellerId: seller.sellerId, shipmentId, generation: 1 }))),
    );
    const numbers = (await remittances()).sort((a, b) => a - b);
    expect(numbers).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('applies the createGovernmentInvoice rate plan (0.0167/s, burst 1)', async () => {
    const limited = await createSeller(t);
    const token = await accessTokenFor(t, limited);
    const post = (shipmentId: string) =>
      fetch(`${t.url}/tax/invoices/2024-06-19/governmentInvoiceRequests`, {
        method: 'POST',
        headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ ...lookup(shipmentId), contexts: [CARRIER] }),
      });
    const first = await post('sh-limit-1');
    expect(first.status).toBe(204);
    expect(first.headers.get('x-amzn-ratelimit-limit')).toBe('0.0167');
    const second = await post('sh-limit-2');
    expect(second.headers.get('x-amzn-ratelimit-limit')).toBe('0.0167');
    await expectSpApiError(second, 429, 'QuotaExceeded');
    t.clock.advance(60_000);
    expect((await post('sh-limit-2')).status).toBe(204);
  });
});
