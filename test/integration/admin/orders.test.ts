import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import type { OrderView } from '../../../src/core/orders/orders-service.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { countRows, expectProblem } from '../../support/expect-errors.js';
import { createSeller, type Seller } from '../../support/fixtures.js';

const STATUSES = ['pending', 'ready_to_ship', 'shipped', 'delivered', 'canceled', 'returned'];

describe('operator API: orders', () => {
  let t: TestApp;
  let seller: Seller;
  let eu: Seller;
  let counter = 0;
  const order = (extra: Record<string, unknown> = {}) => ({
    orderId: `702-${++counter}`,
    sellerId: seller.sellerId,
    createdAt: '2026-11-19T10:00:00Z',
    status: 'pending',
    items: [{ orderItemId: `${counter}-a`, sku: 'SKU-1' }],
    ...extra,
  });
  const getOrder = (sellerId: string, orderId: string) =>
    t.admin('GET', `/admin/v1/sellers/${sellerId}/orders/${encodeURIComponent(orderId)}`);

  beforeAll(async () => {
    t = await startTestApp({}, 'orders');
    seller = await createSeller(t);
    eu = await createSeller(t, { storefronts: ['de', 'at'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates one order (201), updates it (200) and reads it back', async () => {
    const o = order({ orderNumber: 'N-1', items: [{ orderItemId: 'i1', sku: 'A' }, { orderItemId: 'i2' }] });
    const res = await t.admin('POST', '/admin/v1/orders', o);
    expect(res.status).toBe(201);
    const { order: created } = (await res.json()) as { order: OrderView };
    expect(created).toMatchObject({
      orderId: o.orderId,
      sellerId: seller.sellerId,
      marketplaceId: BRAZIL,
      storefront: null,
      orderNumber: 'N-1',
      createdAt: '2026-11-19T10:00:00.000Z',
      status: 'pending',
    });
    expect(created.items.map((i) => i.orderItemId)).toEqual(['i1', 'i2']);

    const update = await t.admin('POST', '/admin/v1/orders', {
      ...o,
      status: 'shipped',
      items: [{ orderItemId: 'i1', sku: 'A', status: 'shipped' }],
    });
    expect(update.status).toBe(200);
    const read = (await (await getOrder(seller.sellerId, o.orderId)).json()) as { order: OrderView };
    expect(read.order.status).toBe('shipped');
    expect(read.order.items).toEqual([expect.objectContaining({ orderItemId: 'i1', status: 'shipped' })]);
  });

  it('takes an array: every status, created and updated outcomes, one result per order', async () => {
    const existing = order();
    await t.admin('POST', '/admin/v1/orders', existing);
    const batch = [{ ...existing, status: 'delivered' }, ...STATUSES.map((status) => order({ status }))];
    const res = await t.admin('POST', '/admin/v1/orders', batch);
    expect(res.status).toBe(201);
    const { results } = (await res.json()) as { results: { orderId: string; outcome: string }[] };
    expect(results).toHaveLength(batch.length);
    expect(results[0]).toEqual({ orderId: existing.orderId, outcome: 'updated' });
    expect(results.slice(1).every((r) => r.outcome === 'created')).toBe(true);
    for (const o of batch.slice(1)) {
      const got = (await (await getOrder(seller.sellerId, o.orderId)).json()) as { order: OrderView };
      expect(got.order.status).toBe(o.status);
    }
  });

  it('stores none of an array when one order is bad, naming the bad one', async () => {
    const good = [order(), order()];
    const before = await countRows(t, ['orders', 'order_items']);
    const cases: [unknown[], string][] = [
      [[...good, order({ status: 'cancelled' })], 'body[2].status'],
      [[order({ sellerId: '00000000-0000-4000-8000-000000000000' }), ...good], 'body[0].sellerId'],
      [[...good, order({ createdAt: 'yesterday' })], 'body[2].createdAt'],
      [[good[0], good[0]], 'body[1].orderId'],
      [[...good, { ...order(), items: 'none' }], 'body[2].items'],
      [[...good, { ...order(), extra: 1 }], 'extra'],
      [[], 'body'],
    ];
    for (const [body, field] of cases) {
      await expectProblem(await t.admin('POST', '/admin/v1/orders', body), 400, field);
    }
    expect(await countRows(t, ['orders', 'order_items'])).toEqual(before);
    for (const o of good) await expectProblem(await getOrder(seller.sellerId, o.orderId), 404);
  });

  it('validates one order field by field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [order({ status: 'SHIPPED' }), 'status'],
      [order({ sellerId: 'not-a-uuid' }), 'sellerId'],
      [order({ orderId: 'has spaces' }), 'orderId'],
      [order({ orderId: 'x'.repeat(129) }), 'orderId'],
      [order({ items: [] }), 'items'],
      [order({ items: [{ orderItemId: 'a' }, { orderItemId: 'a' }] }), 'items[1].orderItemId'],
      [order({ items: [{ orderItemId: 'a', status: 'lost' }] }), 'items[0].status'],
      [order({ items: [{ sku: 'no id' }] }), 'orderItemId'],
      [order({ createdAt: 20261119 }), 'createdAt'],
      [order({ createdAt: '2026-13-45' }), 'createdAt'],
      [order({ marketplaceId: 'ATVPDKIKX0DER' }), 'marketplaceId'],
      [order({ storefront: 'de' }), 'storefront'],
      [order({ sellerId: eu.sellerId, storefront: 'de', marketplaceId: BRAZIL }), 'storefront'],
      [order({ orderNumber: '' }), 'orderNumber'],
      [{ sellerId: seller.sellerId }, 'orderId'],
    ];
    const before = await countRows(t, ['orders']);
    for (const [body, field] of cases) {
      await expectProblem(await t.admin('POST', '/admin/v1/orders', body), 400, field);
    }
    expect(await countRows(t, ['orders'])).toEqual(before);
  });

  it('places storefront orders for sellers that sell there', async () => {
    const o = order({ sellerId: eu.sellerId, storefront: 'at' });
    const res = await t.admin('POST', '/admin/v1/orders', o);
    expect(res.status).toBe(201);
    const { order: created } = (await res.json()) as { order: OrderView };
    expect(created).toMatchObject({ storefront: 'at', marketplaceId: null });
    await expectProblem(
      await t.admin('POST', '/admin/v1/orders', order({ sellerId: eu.sellerId, storefront: 'fr' })),
      400,
      'storefront',
    );
  });

  it("keeps sellers apart: the same order id per seller, no reading another's", async () => {
    const id = `shared-${++counter}`;
    await t.admin('POST', '/admin/v1/orders', order({ orderId: id, status: 'pending' }));
    const theirs = await t.admin(
      'POST',
      '/admin/v1/orders',
      order({ orderId: id, sellerId: eu.sellerId, storefront: 'de', status: 'returned' }),
    );
    expect(theirs.status).toBe(201);
    const mine = (await (await getOrder(seller.sellerId, id)).json()) as { order: OrderView };
    expect(mine.order.status).toBe('pending');
    const only = order();
    await t.admin('POST', '/admin/v1/orders', only);
    await expectProblem(await getOrder(eu.sellerId, only.orderId), 404);
    await expectProblem(await getOrder('nope', only.orderId), 404);
  });

  it('refuses more than 1000 orders in one call', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ ...order(), orderId: `bulk-${i}` }));
    const before = await countRows(t, ['orders']);
    await expectProblem(await t.admin('POST', '/admin/v1/orders', many), 400, 'body');
    expect(await countRows(t, ['orders'])).toEqual(before);
  });
});
