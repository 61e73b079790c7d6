import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { kauflandSeller, loadKauflandOrders, tinyPdf, uploadBody } from '../../support/kaufland.js';
import { s3Env, startS3Server, type TestS3Server } from '../../support/s3-server.js';

/** The upload → download → delete cycle with BLOB_BACKEND=s3 against s3rver. */
describe('Kaufland order invoices on an S3-compatible blob store', () => {
  let s3: TestS3Server;
  let t: TestApp;

  beforeAll(async () => {
    s3 = await startS3Server('invoicehub-kaufland');
    t = await startTestApp(s3Env(s3), 'kaufland-s3');
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  async function keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const entry of t.deps.blobs.list('order-invoices/')) out.push(entry.key);
    return out;
  }

  it('keeps the file in the bucket, serves it byte for byte and removes it with the invoice', async () => {
    const seller = await kauflandSeller(t);
    await loadKauflandOrders(t, seller.sellerId, [{ orderId: 'S3ORDER' }]);
    const pdf = Buffer.concat([tinyPdf('s3'), Buffer.alloc(300_000, 0x20)]);
    const created = await seller.client.request({
      method: 'POST',
      segments: ['order-invoices', 'S3ORDER'],
      body: uploadBody(pdf),
    });
    expect(created.status, created.text).toBe(201);
    const { id_invoice, url } = created.json<{ data: { id_invoice: number; url: string } }>().data;
    expect(await keys()).toHaveLength(1);
    const file = await fetch(url);
    expect(file.headers.get('content-length')).toBe(String(pdf.length));
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/pdf');

    const deleted = await seller.client.request({
      method: 'DELETE',
      segments: ['order-invoices', 'S3ORDER', String(id_invoice)],
    });
    expect(deleted.status).toBe(204);
    expect(await keys()).toEqual([]);
    expect((await fetch(url)).status).toBe(404);
  });
});
