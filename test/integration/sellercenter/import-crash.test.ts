import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobContext } from '../../../src/core/ports/jobs.js';
import type { Store } from '../../../src/core/ports/store.js';
import {
  type TemplateImportPayload,
  templateImportJobHandler,
} from '../../../src/core/templates/template-import-job.js';
import { templateFormats } from '../../../src/main/template-formats.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import { keyOf, loadOrders, sc, scToken } from './support.js';

/**
 * The import job killed between two committed batches, then run again from its checkpoint (as the
 * worker does after a lease expires): every row decided exactly once, nothing applied twice, the
 * same answer as an uninterrupted run. The job runs here by hand (no in-process worker) so the
 * crash lands at a chosen point.
 */
describe('SellerCenter import: crash and resume', () => {
  let t: TestApp;
  let seller: Seller;
  const items = Array.from({ length: 7 }, (_, i) => `c${i + 1}`);

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false', WORKER_ENABLED: 'false' }, 'sc-crash');
    seller = await createSeller(t);
    await loadOrders(
      t,
      seller,
      items.map((id, i) => ({ orderId: `C${i + 1}`, items: [id] })),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  function context(payload: TemplateImportPayload, saved: { progress: unknown }, attempt: number) {
    return {
      id: 'manual',
      queue: 'access-key-template-import',
      payload,
      progress: saved.progress,
      attempt,
      maxAttempts: 5,
      sellerId: payload.sellerId,
      signal: new AbortController().signal,
      // Called inside the transaction of the batch: a batch that commits has its checkpoint.
      checkpoint: async (progress: unknown) => {
        saved.progress = progress;
      },
      report: () => {},
    } satisfies JobContext<TemplateImportPayload>;
  }

  it('resumes after the last committed batch and decides every row once', async () => {
    const token = await scToken(t, seller);
    const lines = ['orderId;orderItemId;accessKey'];
    items.forEach((id, i) => {
      // c3 repeats c1's key on another order: it must be rejected whether or not a crash intervened.
      const key = i === 2 ? keyOf(seller.cnpj, 1) : keyOf(seller.cnpj, i + 1);
      lines.push(`C${i + 1};${id};${key}`);
    });
    const form = new FormData();
    form.append('file', new Blob([lines.join('\r\n')]), 'keys.csv');
    const created = (await (
      await sc(t, token, '/v2/import/missing-invoice-access-key', { method: 'POST', body: form })
    ).json()) as { feedId: number; feedUuid: string };
    const payload = { sellerId: seller.sellerId, feedUuid: created.feedUuid };

    const formats = templateFormats(t.deps.config);
    const base = { blobs: t.deps.blobs, clock: t.clock, readers: formats.readers, batchSize: 2 };
    // The first run dies when it asks for its third batch of accepted rows: two batches committed.
    let accepted = 0;
    const files = t.deps.store.templateFiles;
    const feedRows: typeof files.feedRows = (...args) => {
      if (args[4] === 'accepted' && ++accepted === 3) throw new Error('killed');
      return files.feedRows(...args);
    };
    const crashing: Store = {
      ...t.deps.store,
      templateFiles: new Proxy(files, {
        get: (target, prop, receiver) =>
          prop === 'feedRows' ? feedRows : Reflect.get(target, prop, receiver),
      }),
    };
    const saved: { progress: unknown } = { progress: null };
    await expect(
      templateImportJobHandler({ ...base, store: crashing })(context(payload, saved, 1)),
    ).rejects.toThrow('killed');
    expect(saved.progress).toEqual({ phase: 'apply', afterRow: 5 });
    const midway = await t.deps.db.db
      .selectFrom('template_feed_rows')
      .select(['order_item_id', 'outcome'])
      .where('feed_uuid', '=', created.feedUuid)
      .orderBy('row_number')
      .execute();
    expect(midway.map((r) => r.outcome)).toEqual([
      'applied',
      'applied',
      'rejected',
      'applied',
      'accepted',
      'accepted',
      'accepted',
    ]);

    await templateImportJobHandler({ ...base, store: t.deps.store })(context(payload, saved, 2));
    const feed = (await (await sc(t, token, `/v2/feeds/${created.feedId}`)).json()) as {
      status: string;
      summary: unknown;
      results: { orderItemId: string; status: string }[];
    };
    expect(feed.status).toBe('finished');
    expect(feed.summary).toEqual({ rows: 7, applied: 6, unchanged: 0, rejected: 1 });
    expect(feed.results.map((r) => `${r.orderItemId}:${r.status}`)).toEqual([
      'c1:applied',
      'c2:applied',
      'c3:rejected',
      'c4:applied',
      'c5:applied',
      'c6:applied',
      'c7:applied',
    ]);
    // A third run (a duplicate delivery) finds the feed finished and changes nothing.
    await templateImportJobHandler({ ...base, store: t.deps.store })(context(payload, saved, 3));
    const keyed = await t.deps.db.db
      .selectFrom('order_items')
      .select('access_key')
      .where('seller_id', '=', seller.sellerId)
      .where('access_key', 'is not', null)
      .execute();
    expect(keyed).toHaveLength(6);
  });
});
