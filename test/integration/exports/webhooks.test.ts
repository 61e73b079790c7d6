import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PutOptions } from '../../../src/core/ports/blob-store.js';
import { DiskBlobStore } from '../../../src/infra/blobs/disk-store.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DelegatingBlobStore } from '../../support/delegating-store.js';
import {
  BRAZIL,
  type InvoicesApi,
  invoiceBatch,
  sdkFor,
  waitFor,
  waitForExport,
} from '../../support/exports.js';
import { createSeller, ingest, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';

const SECRET = 'whsec_0123456789abcdefghijklmnop';

interface Delivery {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received. */
  body: string;
}

/** A loopback receiver answering the statuses queued in `answers`, then 200. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = answers.shift() ?? 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/invoicehub`,
    deliveries,
    answers,
    /** The deliveries about one export. */
    about: (exportId: string) => deliveries.filter((d) => d.body.includes(exportId)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a receiver does: recompute HMAC-SHA256(secret, "<t>.<raw body>") and compare. */
function verifySignature(header: string | string[] | undefined, body: string, secret: string) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  if (!match) return { valid: false, t: NaN };
  const [, t, v1] = match as unknown as [string, string, string];
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return { valid: timingSafeEqual(mac, Buffer.from(v1, 'hex')), t: Number(t) };
}

/** A blob store whose puts can be made to fail (as an unreachable bucket would); the rest is on disk. */
class FlakyBlobStore extends DelegatingBlobStore {
  failPuts = false;
  override async put(key: string, body: Readable | Uint8Array, opts: PutOptions) {
    if (this.failPuts) {
      // As the real stores do on failure: the store owns the source and stops it.
      if (body instanceof Readable) body.destroy();
      throw new Error('blob store unavailable');
    }
    return this.inner.put(key, body, opts);
  }
}

interface JobState {
  status: string;
  attempts: number;
  run_at: Date;
  last_error: string | null;
}

describe('per-seller export webhooks', () => {
  let t: TestApp;
  let seller: Seller;
  let api: InvoicesApi;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let restoreLwa: () => void;
  let blobDir: string;
  const blobs = (() => {
    blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-webhook-blobs-'));
    return new FlakyBlobStore(new DiskBlobStore({ root: blobDir }));
  })();

  async function webhookJob(exportId: string, status: 'DONE' | 'ERROR'): Promise<JobState | undefined> {
    const { rows } = await sql<JobState>`
      select status, attempts, run_at, last_error from jobs
      where queue = 'webhook' and dedupe_key = ${`export:${exportId}:${status}`}`.execute(t.deps.db.db);
    const row = rows[0];
    return row && { ...row, run_at: new Date(row.run_at) };
  }

  async function exportDone(): Promise<string> {
    const { exportId } = await api.createInvoicesExport({ marketplaceId: BRAZIL, dateStart: '2026-11-19' });
    const done = await waitForExport(api, exportId);
    expect(done.status).toBe('DONE');
    return exportId;
  }

  /** Moves the clock to the job's next run (its backoff) and has the worker look at once. */
  async function runRetryNow(exportId: string, status: 'DONE' | 'ERROR') {
    const job = await webhookJob(exportId, status);
    expect(job?.status).toBe('queued');
    t.clock.set(job?.run_at as Date);
    t.worker?.wake();
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'exports-webhooks', { blobs });
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    for (const xml of invoiceBatch(seller, 3, new Date('2026-11-19T12:00:00.000Z'))) {
      expect((await ingest(t, xml)).status).toBe(201);
    }
    api = sdkFor(t.url, seller);
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
    await receiver?.close();
    if (blobDir) fs.rmSync(blobDir, { recursive: true, force: true });
  });

  it('is set, read (secret masked) and removed through the operator API', async () => {
    const hook = `/admin/v1/sellers/${seller.sellerId}/webhook`;
    expect((await t.admin('GET', hook)).status).toBe(404);
    const set = await t.admin('PUT', hook, { url: receiver.url, secret: SECRET });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { webhook: { url: string; secret: string } }).webhook).toMatchObject({
      url: receiver.url,
      secret: SECRET,
    });
    const read = (await (await t.admin('GET', hook)).json()) as { webhook: { url: string; secret: string } };
    expect(read.webhook.url).toBe(receiver.url);
    expect(read.webhook.secret).not.toContain(SECRET.slice(8));
    expect((await t.admin('PUT', hook, { url: 'ftp://example.com/x' })).status).toBe(400);
    expect((await t.admin('PUT', hook, { url: receiver.url, secret: 'short' })).status).toBe(400);

    // Without a webhook, a finished export notifies no one.
    expect((await t.admin('DELETE', hook)).status).toBe(204);
    const quiet = await exportDone();
    expect(await webhookJob(quiet, 'DONE')).toBeUndefined();
    expect(receiver.about(quiet)).toEqual([]);

    expect((await t.admin('PUT', hook, { url: receiver.url, secret: SECRET })).status).toBe(200);
  });

  it('POSTs one signed event when an export is DONE; the signature verifies over the raw body', async () => {
    const exportId = await exportDone();
    await waitFor(() => receiver.about(exportId).length === 1, { what: 'the webhook call' });
    await waitFor(async () => (await webhookJob(exportId, 'DONE'))?.status === 'succeeded', {
      what: 'the delivery to be recorded',
    });
    const [call] = receiver.about(exportId) as [Delivery];
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/hooks/invoicehub');
    expect(call.headers['content-type']).toBe('application/json');
    const signature = verifySignature(call.headers['x-invoicehub-signature'], call.body, SECRET);
    expect(signature.valid).toBe(true);
    expect(signature.t).toBe(Math.floor(t.clock.now().getTime() / 1000));
    // A different secret, or a body changed by one byte, does not verify.
    expect(verifySignature(call.headers['x-invoicehub-signature'], call.body, `${SECRET}x`).valid).toBe(
      false,
    );
    expect(verifySignature(call.headers['x-invoicehub-signature'], `${call.body} `, SECRET).valid).toBe(
      false,
    );
    expect(JSON.parse(call.body)).toEqual({
      eventType: 'INVOICES_EXPORT_STATUS_CHANGED',
      exportId,
      status: 'DONE',
      eventTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    // Delivered once: the job succeeded on its first attempt and is not run again.
    expect(await webhookJob(exportId, 'DONE')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(receiver.about(exportId)).toHaveLength(1);
  });

  it('retries a receiver answering 500 with growing backoff: delivered on the third attempt', async () => {
    receiver.answers.push(500, 500);
    const exportId = await exportDone();
    await waitFor(() => receiver.about(exportId).length === 1, { what: 'the first attempt' });
    const first = await waitFor(async () => {
      const job = await webhookJob(exportId, 'DONE');
      return job?.status === 'queued' && job;
    });
    expect(first.attempts).toBe(1);
    expect(first.last_error).toContain('answered 500');
    // Retry 1 waits 0.5–1 s by the (injected) clock: nothing happens until it has passed.
    const wait1 = first.run_at.getTime() - t.clock.now().getTime();
    expect(wait1).toBeGreaterThanOrEqual(500);
    expect(wait1).toBeLessThanOrEqual(1000);
    t.worker?.wake();
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.about(exportId)).toHaveLength(1);

    await runRetryNow(exportId, 'DONE');
    await waitFor(() => receiver.about(exportId).length === 2, { what: 'the second attempt' });
    const second = await waitFor(async () => {
      const job = await webhookJob(exportId, 'DONE');
      return job?.status === 'queued' && job.attempts === 2 && job;
    });
    const wait2 = second.run_at.getTime() - t.clock.now().getTime();
    expect(wait2).toBeGreaterThanOrEqual(1000); // retry 2 waits 1–2 s
    expect(wait2).toBeLessThanOrEqual(2000);

    await runRetryNow(exportId, 'DONE');
    await waitFor(() => receiver.about(exportId).length === 3, { what: 'the third attempt' });
    await waitFor(async () => (await webhookJob(exportId, 'DONE'))?.status === 'succeeded');
    expect(await webhookJob(exportId, 'DONE')).toMatchObject({ status: 'succeeded', attempts: 3 });
    // Every attempt carries the same event, each signed at its own time.
    const calls = receiver.about(exportId);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    for (const c of calls)
      expect(verifySignature(c.headers['x-invoicehub-signature'], c.body, SECRET).valid).toBe(true);
  });

  it('does not retry a receiver answering 410 Gone', async () => {
    receiver.answers.push(410);
    const exportId = await exportDone();
    await waitFor(() => receiver.about(exportId).length === 1, { what: 'the attempt' });
    const job = await waitFor(async () => {
      const j = await webhookJob(exportId, 'DONE');
      return j?.status === 'dead' && j;
    });
    expect(job.attempts).toBe(1);
    expect(job.last_error).toContain('answered 410');
    t.clock.advance(3_600_000);
    api = sdkFor(t.url, seller); // the SDK's access token expired with that hour: fetch a new one
    t.worker?.wake();
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.about(exportId)).toHaveLength(1);
  });

  it('POSTs an ERROR event when the export cannot be written after its last attempt', async () => {
    blobs.failPuts = true;
    try {
      const { exportId } = await api.createInvoicesExport({ marketplaceId: BRAZIL, dateStart: '2026-11-19' });
      const exportJob = async () => {
        const { rows } = await sql<JobState>`
          select status, attempts, run_at, last_error from jobs
          where queue = 'invoice-export' and dedupe_key = ${exportId}`.execute(t.deps.db.db);
        return rows[0];
      };
      // Each failed attempt is retried after its backoff; move the clock through them.
      await waitFor(
        async () => {
          const job = await exportJob();
          if (job?.status === 'succeeded') return true;
          if (job?.status === 'queued' && new Date(job.run_at) > t.clock.now()) {
            expect(job.last_error).toContain('blob store unavailable');
            t.clock.set(new Date(job.run_at));
            t.worker?.wake();
          }
          return false;
        },
        { what: 'the export job to run out of attempts' },
      );
      expect(await exportJob()).toMatchObject({ status: 'succeeded', attempts: 5 });
      const failed = await waitForExport(api, exportId);
      expect(failed.status).toBe('ERROR');
      expect(failed.errorMessage).toContain('could not be generated');
      expect(failed.invoicesDocumentIds).toEqual([]);
      const leftovers: string[] = [];
      for await (const e of blobs.list(`exports/${seller.sellerId}/${exportId}/`)) leftovers.push(e.key);
      expect(leftovers).toEqual([]);

      await waitFor(() => receiver.about(exportId).length === 1, { what: 'the ERROR notification' });
      const [call] = receiver.about(exportId) as [Delivery];
      expect(verifySignature(call.headers['x-invoicehub-signature'], call.body, SECRET).valid).toBe(true);
      expect(JSON.parse(call.body)).toMatchObject({
        eventType: 'INVOICES_EXPORT_STATUS_CHANGED',
        exportId,
        status: 'ERROR',
      });
      await waitFor(async () => (await webhookJob(exportId, 'ERROR'))?.status === 'succeeded');
    } finally {
      blobs.failPuts = false;
    }
  });
});
