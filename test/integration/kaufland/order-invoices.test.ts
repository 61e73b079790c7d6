import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  type KauflandSeller,
  kauflandSeller,
  loadKauflandOrders,
  tinyPdf,
  uploadBody,
} from '../../support/kaufland.js';
import { validateKaufland } from '../../support/kaufland-model.js';

interface OrderInvoice {
  id_invoice: number;
  id_order: string;
  storefront: string;
  is_marketplace_deemed_supplier: boolean;
  original_name: string;
  mime_type: string;
  url: string;
  ts_created_iso: string;
}

let t: TestApp;
let seller: KauflandSeller;
let other: KauflandSeller;

beforeAll(async () => {
  t = await startTestApp({}, 'kaufland-cycle');
  seller = await kauflandSeller(t);
  other = await kauflandSeller(t);
  await loadKauflandOrders(t, seller.sellerId, [
    { orderId: 'MB7UWLD' },
    { orderId: 'MXE5BY1', storefront: 'pl' },
  ]);
  await loadKauflandOrders(t, other.sellerId, [{ orderId: 'OTHER01' }]);
});
afterAll(() => t.close());

describe('Kaufland order invoices: the full cycle', () => {
  it('uploads, lists, reads, downloads (same bytes) and deletes an invoice, then 404s', async () => {
    const pdf = tinyPdf('cycle');
    const created = await seller.client.request({
      method: 'POST',
      segments: ['order-invoices', 'MB7UWLD'],
      body: uploadBody(pdf, 'Rechnung Müller – März.pdf'),
    });
    expect(created.status, created.text).toBe(201);
    expect(validateKaufland('ApiResponse_OrderInvoice_', created.json())).toEqual([]);
    const invoice = created.json<{ data: OrderInvoice }>().data;
    expect(invoice).toMatchObject({
      id_order: 'MB7UWLD',
      storefront: 'de',
      is_marketplace_deemed_supplier: false,
      original_name: 'Rechnung Müller – März.pdf',
      mime_type: 'application/pdf',
      ts_created_iso: '2026-11-20T12:00:00Z',
    });
    expect(invoice.url.startsWith(`${t.url}/kaufland/files/order-invoices/`)).toBe(true);
    const token = new URL(invoice.url).searchParams.get('access_token') ?? '';
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);

    const listed = await seller.client.request({ method: 'GET', segments: ['order-invoices'] });
    expect(listed.status).toBe(200);
    expect(validateKaufland('CollectionApiResponse_OrderInvoice_', listed.json())).toEqual([]);
    expect(listed.json()).toEqual({ data: [invoice], pagination: { offset: 0, limit: 30, total: 1 } });

    const one = await seller.client.request({
      method: 'GET',
      segments: ['order-invoices', 'MB7UWLD', String(invoice.id_invoice)],
    });
    expect(one.status).toBe(200);
    expect(one.json()).toEqual({ data: invoice });

    const file = await fetch(invoice.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('Rechnung Müller – März.pdf')}`,
    );
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);

    const deleted = await seller.client.request({
      method: 'DELETE',
      segments: ['order-invoices', 'MB7UWLD', String(invoice.id_invoice)],
    });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');

    const again = await seller.client.request({
      method: 'GET',
      segments: ['order-invoices', 'MB7UWLD', String(invoice.id_invoice)],
    });
    expect(again.status).toBe(404);
    expect(again.json()).toMatchObject({ type: '/problems/not-found' });
    expect(validateKaufland('ErrorResponse', again.json())).toEqual([]);
    expect((await fetch(invoice.url)).status).toBe(404);
    const gone = await seller.client.request({
      method: 'DELETE',
      segments: ['order-invoices', 'MB7UWLD', String(invoice.id_invoice)],
    });
    expect(gone.status).toBe(404);
  });

  it('accepts every path with a trailing slash', async () => {
    const created = await seller.client.request({
      method: 'POST',
      segments: ['order-invoices', 'MXE5BY1'],
      spelling: { trailingSlash: true },
      body: uploadBody(tinyPdf()),
    });
    expect(created.status, created.text).toBe(201);
    const { id_invoice, storefront } = created.json<{ data: OrderInvoice }>().data;
    expect(storefront).toBe('pl');
    const path = ['order-invoices', 'MXE5BY1', String(id_invoice)];
    for (const method of ['GET', 'DELETE']) {
      const res = await seller.client.request({ method, segments: path, spelling: { trailingSlash: true } });
      expect(res.status, `${method} ${res.text}`).toBe(method === 'GET' ? 200 : 204);
    }
    const list = await seller.client.request({
      method: 'GET',
      segments: ['order-invoices'],
      spelling: { trailingSlash: true },
    });
    expect(list.status).toBe(200);
  });

  it("answers 404 for another seller's order and invoice, and stores nothing", async () => {
    const created = await other.client.request({
      method: 'POST',
      segments: ['order-invoices', 'OTHER01'],
      body: uploadBody(tinyPdf('other')),
    });
    expect(created.status).toBe(201);
    const theirs = created.json<{ data: OrderInvoice }>().data;

    const upload = await seller.client.request({
      method: 'POST',
      segments: ['order-invoices', 'OTHER01'],
      body: uploadBody(tinyPdf()),
    });
    expect(upload.status).toBe(404);
    expect(upload.json()).toMatchObject({ type: '/problems/not-found' });
    for (const method of ['GET', 'DELETE']) {
      const res = await seller.client.request({
        method,
        segments: ['order-invoices', 'OTHER01', String(theirs.id_invoice)],
      });
      expect(res.status).toBe(404);
    }
    const mine = await seller.client.request({ method: 'GET', segments: ['order-invoices'] });
    expect(mine.json<{ data: OrderInvoice[] }>().data.map((i) => i.id_order)).not.toContain('OTHER01');
    const still = await other.client.request({
      method: 'GET',
      segments: ['order-invoices', 'OTHER01', String(theirs.id_invoice)],
    });
    expect(still.status).toBe(200);
  });

  it('pages with limit and offset, filters by storefront and creation time, newest first', async () => {
    const s = await kauflandSeller(t);
    await loadKauflandOrders(t, s.sellerId, [{ orderId: 'PAGE01' }, { orderId: 'PAGE02', storefront: 'pl' }]);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60_000);
      const res = await s.client.request({
        method: 'POST',
        segments: ['order-invoices', i % 2 ? 'PAGE02' : 'PAGE01'],
        body: uploadBody(tinyPdf(`p${i}`), `p${i}.pdf`),
      });
      expect(res.status).toBe(201);
      ids.push(res.json<{ data: OrderInvoice }>().data.id_invoice);
    }
    const page = await s.client.request({
      method: 'GET',
      segments: ['order-invoices'],
      query: [
        ['limit', '2'],
        ['offset', '1'],
      ],
    });
    expect(page.json()).toMatchObject({ pagination: { offset: 1, limit: 2, total: 5 } });
    expect(page.json<{ data: OrderInvoice[] }>().data.map((i) => i.id_invoice)).toEqual([ids[3], ids[2]]);

    const pl = await s.client.request({
      method: 'GET',
      segments: ['order-invoices'],
      query: [['storefront', 'pl']],
    });
    expect(pl.json<{ data: OrderInvoice[] }>().data.map((i) => i.id_invoice)).toEqual([ids[3], ids[1]]);

    const third = new Date(t.clock.now().getTime() - 2 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const colon of ['raw', 'encoded'] as const) {
      const since = await s.client.request({
        method: 'GET',
        segments: ['order-invoices'],
        query: [['ts_created_from_iso', third]],
        spelling: { colon },
      });
      expect(since.status, since.text).toBe(200);
      expect(since.json<{ data: OrderInvoice[] }>().data.map((i) => i.id_invoice)).toEqual([
        ids[4],
        ids[3],
        ids[2],
      ]);
    }
  });
});
