import iconv from 'node:buffer';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../../support/fixtures.js';
import {
  asObjects,
  byItem,
  download,
  expectScProblem,
  importFile,
  keyOf,
  loadOrders,
  parseCsv,
  parseXlsx,
  sc,
  scToken,
  waitFor,
  withWrongCheckDigit,
} from './support.js';

/**
 * The whole loop through real HTTP: token → template (CSV and XLSX, sync and async) → keys filled
 * in, some wrong on purpose → import → per-row results → a shorter template → the same file again.
 */
describe('SellerCenter: the missing-invoice-access-key loop', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let token: string;
  const good = { o1: '', o2: '', o3: '', o11: '' };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'sc-loop');
    seller = await createSeller(t, { marketplaceIds: ['A2Q3Y263D00KWC'] });
    other = await createSeller(t);
    await loadOrders(t, seller, [
      { orderId: 'O1', items: ['I1a', 'I1b'] },
      { orderId: 'O2', status: 'ready_to_ship', items: ['I2'] },
      { orderId: 'O3', status: 'delivered', items: ['I3'] },
      { orderId: 'O4', items: ['I4'] },
      { orderId: 'O5', items: ['I5'] },
      { orderId: 'O6', items: ['I6'] },
      { orderId: 'O7', items: ['I7'] },
      { orderId: 'O8', items: ['I8'] },
      { orderId: 'O9', status: 'pending', items: ['I9'] },
      { orderId: 'O10', items: ['I10'] },
      { orderId: 'O11', items: ['I11'] },
    ]);
    await loadOrders(t, other, [{ orderId: 'OB', items: ['IB'] }]);
    // O10's NF-e arrives through ingestion, linked to the order: its item needs nothing.
    const linked = invoiceXml(seller.cnpj, { number: 900, issuedAt: new Date('2026-11-02T10:00:00Z') });
    expect((await ingest(t, linked.xml, { orderId: 'O10' })).status).toBe(201);
    good.o1 = keyOf(seller.cnpj, 101);
    good.o2 = keyOf(seller.cnpj, 102);
    good.o3 = keyOf(seller.cnpj, 103);
    good.o11 = keyOf(seller.cnpj, 111);
    token = await scToken(t, seller);
  });
  afterAll(async () => {
    await t?.close();
  });

  const listed = ['I1a', 'I1b', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I11'];

  it('streams the template as CSV: BOM, ";", the header, one row per item needing a key', async () => {
    const res = await sc(t, token, '/v2/template/missing-invoice-access-key?format=csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="missing-invoice-access-key-.*\.csv"/,
    );
    const bytes = await download(res);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = asObjects(parseCsv(bytes));
    expect(rows.map((r) => r.orderItemId)).toEqual(listed);
    expect(rows[0]).toEqual({
      orderNumber: 'N-O1',
      orderId: 'O1',
      orderItemId: 'I1a',
      sku: 'SKU-I1a',
      orderDate: '2026-11-01T10:00:00Z',
      status: 'shipped',
      invoiceNumber: '',
      invoiceSeries: '',
      accessKey: '',
    });
  });

  it('streams the template as XLSX by default, every cell text', async () => {
    const res = await sc(t, token, '/v2/template/missing-invoice-access-key');
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; .*\.xlsx"/);
    const { rows, types } = await parseXlsx(await download(res));
    expect(asObjects(rows).map((r) => r.orderItemId)).toEqual(listed);
    // Text cells only (exceljs reads the inline strings as rich text): no number anywhere.
    expect([...types].every((x) => x === ExcelJS.ValueType.String || x === ExcelJS.ValueType.RichText)).toBe(
      true,
    );
  });

  let exported: Buffer;

  it('builds the template in the background: exportItemId and uuid, tracked to finished, downloaded', async () => {
    const res = await sc(t, token, '/v2/template/missing-invoice-access-key-async?format=xlsx');
    expect(res.status).toBe(200);
    const created = (await res.json()) as { exportItemId: number; uuid: string };
    expect(created).toEqual({
      exportItemId: expect.any(Number),
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(Number.isInteger(created.exportItemId)).toBe(true);
    const done = await waitFor(
      async () => {
        const body = (await (await sc(t, token, `/v2/exports/${created.exportItemId}`)).json()) as {
          status: string;
        };
        expect(['queued', 'processing', 'finished']).toContain(body.status);
        return body.status === 'finished' ? body : undefined;
      },
      { what: 'the template export' },
    );
    expect(done).toEqual({
      exportItemId: created.exportItemId,
      uuid: created.uuid,
      status: 'finished',
      createdAt: expect.any(String),
      finishedAt: expect.any(String),
      rowCount: listed.length,
      fileName: expect.stringMatching(/\.xlsx$/),
    });
    const byUuid = await (await sc(t, token, `/v2/exports/${created.uuid}`)).json();
    expect(byUuid).toEqual(done);
    const file = await sc(t, token, `/filemanager/v1/files/download/${created.uuid}`);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    exported = await download(file);
    expect(asObjects((await parseXlsx(exported)).rows).map((r) => r.orderItemId)).toEqual(listed);

    // Another seller sees none of it.
    const otherToken = await scToken(t, other);
    await expectScProblem(await sc(t, otherToken, `/v2/exports/${created.exportItemId}`), 404, 'Not Found');
    await expectScProblem(
      await sc(t, otherToken, `/filemanager/v1/files/download/${created.uuid}`),
      404,
      'Not Found',
    );
  });

  let filled: Buffer;

  it('imports the filled workbook: each row applied, rejected with its reason, or unchanged', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const keys: Record<string, string | number> = {
      I1a: good.o1,
      I1b: good.o1, // one NF-e for two items of the same order
      I2: good.o2,
      I3: good.o3.replace(/(.{4})/g, '$1 ').trim(), // as printed on the DANFE
      I4: withWrongCheckDigit(keyOf(seller.cnpj, 104)),
      I5: keyOf(other.cnpj, 105),
      I6: keyOf(seller.cnpj, 106, '2612'),
      I7: good.o1, // O1's key on another order
      I8: 4.12e43, // what Excel makes of 44 typed digits
    };
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const key = keys[row.getCell(3).text];
      if (key !== undefined) row.getCell(9).value = key;
    });
    filled = Buffer.from(await workbook.xlsx.writeBuffer());

    const feed = await importFile(t, token, filled, 'filled.xlsx');
    expect(feed.status).toBe('finished');
    expect(feed.fileErrors).toEqual([]);
    expect(feed.summary).toEqual({ rows: 10, applied: 4, unchanged: 1, rejected: 5 });
    const r = byItem(feed);
    for (const id of ['I1a', 'I1b', 'I2', 'I3']) expect(r.get(id)?.status, id).toBe('applied');
    expect(r.get('I4')).toMatchObject({
      status: 'rejected',
      message: expect.stringContaining('check digit'),
    });
    expect(r.get('I5')).toMatchObject({
      status: 'rejected',
      message: expect.stringContaining('not by this seller'),
    });
    expect(r.get('I6')).toMatchObject({
      status: 'rejected',
      message: expect.stringContaining('after the current month'),
    });
    expect(r.get('I7')).toMatchObject({
      status: 'rejected',
      message: expect.stringContaining('already used by order O1'),
    });
    expect(r.get('I8')).toMatchObject({
      status: 'rejected',
      message: expect.stringContaining('turned it into a number'),
    });
    expect(r.get('I11')).toMatchObject({ status: 'unchanged' });
    expect(feed.results.map((x) => x.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    const { order } = (await (
      await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/orders/O3`)
    ).json()) as {
      order: { items: { accessKey: string | null }[] };
    };
    expect(order.items[0]?.accessKey).toBe(good.o3);
  });

  it('lists only the items still without a key afterwards', async () => {
    const rows = asObjects(
      parseCsv(await download(await sc(t, token, '/v2/template/missing-invoice-access-key?format=csv'))),
    );
    expect(rows.map((r) => r.orderItemId)).toEqual(['I4', 'I5', 'I6', 'I7', 'I8', 'I11']);
  });

  it('re-importing the same file changes nothing', async () => {
    const feed = await importFile(t, token, filled, 'filled-again.xlsx');
    expect(feed.summary).toEqual({ rows: 10, applied: 0, unchanged: 5, rejected: 5 });
    const r = byItem(feed);
    for (const id of ['I1a', 'I1b', 'I2', 'I3', 'I11']) expect(r.get(id)?.status, id).toBe('unchanged');
    const rows = asObjects(
      parseCsv(await download(await sc(t, token, '/v2/template/missing-invoice-access-key?format=csv'))),
    );
    expect(rows).toHaveLength(6);
  });

  it('reads a Latin-1 CSV with another delimiter and an extra column, and a key typed as 4.12E+43', async () => {
    const lines = [
      'orderId,orderItemId,accessKey,observação',
      `O4,I4,${keyOf(seller.cnpj, 104)},conferido à mão`,
      'O8,I8,4.12E+43,',
    ];
    const latin1 = iconv.Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
    const feed = await importFile(t, token, latin1, 'filled.csv');
    expect(feed.status).toBe('finished');
    expect(feed.ignoredColumns).toEqual(['observação']);
    expect(feed.description).toMatch(/Windows-1252/);
    const r = byItem(feed);
    expect(r.get('I4')?.status).toBe('applied');
    expect(r.get('I8')).toMatchObject({ status: 'rejected', message: expect.stringContaining('4.12E+43') });
  });

  it('sets one key with PUT, with the same checks', async () => {
    const put = (itemId: string, body: unknown, who = token) =>
      sc(t, who, `/v2/order-items/${itemId}/invoice-access-key`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const key5 = keyOf(seller.cnpj, 555);
    const ok = await put('I5', { accessKey: key5 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ orderId: 'O5', orderItemId: 'I5', accessKey: key5, status: 'applied' });
    expect(await (await put('I5', { accessKey: key5 })).json()).toMatchObject({ status: 'unchanged' });
    await expectScProblem(await put('I5', { accessKey: keyOf(seller.cnpj, 556) }), 409, 'Conflict');

    const bad = await expectScProblem(
      await put('I6', { accessKey: withWrongCheckDigit(key5) }),
      400,
      'Bad Request',
    );
    expect(bad.detail).toContain('check digit');
    await expectScProblem(await put('I6', { accessKey: keyOf(other.cnpj, 1) }), 400);
    await expectScProblem(await put('I6', { accessKey: keyOf(seller.cnpj, 1, '2701') }), 400);
    const used = await expectScProblem(await put('I6', { accessKey: good.o2 }), 409);
    expect(used.detail).toContain('already used by order O2');
    await expectScProblem(await put('I6', { accessKey: '4.12E+43' }), 400);
    await expectScProblem(await put('I9', { accessKey: keyOf(seller.cnpj, 9) }), 409); // a pending order
    await expectScProblem(await put('IB', { accessKey: keyOf(seller.cnpj, 7) }), 404); // the other seller's
    await expectScProblem(await put('nope', { accessKey: keyOf(seller.cnpj, 7) }), 404);
    await expectScProblem(await put('I6', '{"accessKey": '), 400);
    await expectScProblem(await put('I6', { accessKey: keyOf(seller.cnpj, 8), extra: 1 }), 400);
  });
});
