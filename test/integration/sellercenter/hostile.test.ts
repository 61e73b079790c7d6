import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { accessTokenFor, countRows } from '../../support/expect-errors.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import { minimalWorkbook, writeZip } from '../../support/hostile-zip.js';
import {
  asObjects,
  basic,
  download,
  expectScProblem,
  importFile,
  keyOf,
  loadOrders,
  parseCsv,
  SC,
  sc,
  scToken,
  tokenCall,
  upload,
} from './support.js';

const MAX_UPLOAD = 64 * 1024;

/**
 * Bad requests and bad files are normal traffic: every answer under /sellercenter is problem
 * details below 500, a void file applies nothing, limits and maintenance answer in the same shape.
 */
describe('SellerCenter: hostile input', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let token: string;
  let tmp: string;

  beforeAll(async () => {
    t = await startTestApp(
      {
        TEMPLATE_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
        TEMPLATE_MAX_ROWS: '5',
        // Generous everywhere but the one-key PUT, whose bucket the rate-limit test drains.
        SELLERCENTER_RATE_LIMITS: JSON.stringify({
          getTemplate: { rate: 100, burst: 1000 },
          importTemplate: { rate: 100, burst: 1000 },
          getFeed: { rate: 100, burst: 1000 },
          setOrderItemAccessKey: { rate: 1, burst: 2 },
        }),
      },
      'sc-hostile',
    );
    seller = await createSeller(t);
    other = await createSeller(t);
    await loadOrders(t, seller, [
      { orderId: 'H1', items: ['h1'] },
      { orderId: 'H2', items: ['h2'] },
    ]);
    token = await scToken(t, seller);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-sc-hostile-'));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('token endpoint: wrong or missing client credentials are 401, a wrong grant or body 400', async () => {
    await expectScProblem(await tokenCall(t, undefined), 401, 'Unauthorized');
    await expectScProblem(await tokenCall(t, basic(seller.clientId, 'wrong-secret')), 401, 'Unauthorized');
    await expectScProblem(await tokenCall(t, basic('nobody', seller.clientSecret)), 401);
    await expectScProblem(await tokenCall(t, 'Basic %%%not-base64'), 401);
    await expectScProblem(await tokenCall(t, `Basic ${Buffer.from('no-colon').toString('base64')}`), 401);
    await expectScProblem(await tokenCall(t, `Bearer ${token}`), 401);
    const auth = basic(seller.clientId, seller.clientSecret);
    await expectScProblem(await tokenCall(t, auth, 'grant_type=refresh_token'), 400, 'Bad Request');
    await expectScProblem(await tokenCall(t, auth, ''), 400);
    await expectScProblem(await tokenCall(t, auth, 'grant_type=%E0%A4%A'), 400);
    const json = await fetch(`${t.url}${SC}/oauth/client-credentials`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    });
    await expectScProblem(json, 400);
    const text = await fetch(`${t.url}${SC}/oauth/client-credentials`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'text/plain' },
      body: 'grant_type=client_credentials',
    });
    await expectScProblem(text, 400);
    await expectScProblem(await fetch(`${t.url}${SC}/oauth/client-credentials`), 404);
  });

  it('Bearer: missing, malformed or revoked tokens are 401 before anything else is looked at', async () => {
    const paths = [
      '/v2/template/missing-invoice-access-key?format=nonsense',
      '/v2/template/missing-invoice-access-key-async',
      '/v2/exports/1',
      '/v2/feeds/1',
      '/filemanager/v1/files/download/00000000-0000-4000-8000-000000000000',
    ];
    for (const p of paths) {
      await expectScProblem(await fetch(`${t.url}${SC}${p}`), 401, 'Unauthorized');
      await expectScProblem(await sc(t, 'Atza|garbage', p), 401);
    }
    const noAuthUpload = await fetch(`${t.url}${SC}/v2/import/missing-invoice-access-key`, {
      method: 'POST',
      body: new FormData(),
    });
    await expectScProblem(noAuthUpload, 401);
    const res = await fetch(`${t.url}${SC}/v2/order-items/h1/invoice-access-key`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    await expectScProblem(res, 401);
  });

  it("unknown paths, bad parameters and other sellers' ids are problem details", async () => {
    await expectScProblem(await sc(t, token, '/v2/nothing-here'), 404, 'Not Found');
    await expectScProblem(await sc(t, token, '/v3/template/missing-invoice-access-key'), 404);
    await expectScProblem(await sc(t, token, '/v2/template/missing-invoice-access-key?format=pdf'), 400);
    for (const id of ['abc', '0', '-1', '99999999999', '1e3', '%00', 'a'.repeat(400)]) {
      await expectScProblem(await sc(t, token, `/v2/exports/${id}`), 404);
      await expectScProblem(await sc(t, token, `/v2/feeds/${id}`), 404);
    }
    await expectScProblem(await sc(t, token, '/filemanager/v1/files/download/..%2F..%2Fetc%2Fpasswd'), 404);
    await expectScProblem(await sc(t, token, '/v2/feeds/1?limit=0'), 400);

    const theirs = await scToken(t, other);
    const created = (await (await sc(t, theirs, '/v2/template/missing-invoice-access-key-async')).json()) as {
      exportItemId: number;
      uuid: string;
    };
    await expectScProblem(await sc(t, token, `/v2/exports/${created.uuid}`), 404);
    await expectScProblem(await sc(t, token, `/filemanager/v1/files/download/${created.uuid}`), 404);
    const feed = await importFile(t, theirs, 'orderId;orderItemId;accessKey\r\n', 'x.csv');
    await expectScProblem(await sc(t, token, `/v2/feeds/${feed.feedId}`), 404);
    await expectScProblem(await sc(t, token, `/v2/feeds/${feed.feedUuid}`), 404);
  });

  it('uploads that are not a multipart file are 400, too large ones 413; nothing is stored', async () => {
    const before = await countRows(t, ['template_feeds', 'jobs']);
    const post = (body: RequestInit['body'], headers: Record<string, string> = {}) =>
      sc(t, token, '/v2/import/missing-invoice-access-key', { method: 'POST', body, headers });
    await expectScProblem(await post('{"file":"x"}', { 'content-type': 'application/json' }), 400);
    await expectScProblem(await post('orderId;orderItemId', { 'content-type': 'text/csv' }), 400);
    await expectScProblem(await post('garbage', { 'content-type': 'multipart/form-data' }), 400);
    await expectScProblem(
      await post('--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc', {
        'content-type': 'multipart/form-data; boundary=x',
      }),
      400,
    );
    const noFile = new FormData();
    noFile.append('other', 'value');
    const missing = await expectScProblem(await post(noFile), 400);
    expect(missing.detail).toContain('"file"');
    await expectScProblem(await upload(t, token, '', 'empty.csv'), 400);
    const big = await expectScProblem(await upload(t, token, 'x'.repeat(MAX_UPLOAD + 1), 'big.csv'), 413);
    expect(big.title).toBe('Payload Too Large');
    expect(await countRows(t, ['template_feeds', 'jobs'])).toEqual(before);
  });

  it('bad files end in a failed feed saying why, with nothing applied', async () => {
    const bomb = path.join(tmp, 'bomb.xlsx');
    const parts = minimalWorkbook('');
    parts[parts.length - 1] = { name: 'xl/worksheets/sheet1.xml', zeros: 32 * 1024 * 1024 };
    await writeZip(bomb, parts);
    const cases: [string, Uint8Array | string, RegExp][] = [
      ['bomb.xlsx', fs.readFileSync(bomb), /ZIP bomb/],
      ['doc.pdf', '%PDF-1.4\n%âãÏÓ\n1 0 obj', /PDF/],
      ['random.xlsx', new Uint8Array(2048).map((_, i) => (i * 131 + 7) % 256), /binary|not a CSV/],
      ['wrong.csv', 'name;price\r\nx;1\r\n', /missing columns orderId, orderItemId, accessKey/],
      ['quote.csv', `orderId;orderItemId;accessKey\r\nH1;h1;"${keyOf(seller.cnpj, 1)}\r\n`, /never closed/],
      [
        'too-many-rows.csv',
        // Valid first rows, then past TEMPLATE_MAX_ROWS (5): the whole file is void.
        [
          'orderId;orderItemId;accessKey',
          `H1;h1;${keyOf(seller.cnpj, 11)}`,
          `H2;h2;${keyOf(seller.cnpj, 12)}`,
        ]
          .concat(Array.from({ length: 5 }, (_, i) => `X${i};x${i};`))
          .join('\r\n'),
        /more than 5 rows/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const feed = await importFile(t, token, bytes, name);
      expect(feed.status, name).toBe('failed');
      expect(feed.fileErrors.map((e) => e.message).join(' '), name).toMatch(message);
      expect(feed.results, name).toEqual([]);
    }
    const rows = asObjects(
      parseCsv(await download(await sc(t, token, '/v2/template/missing-invoice-access-key?format=csv'))),
    );
    expect(rows.map((r) => r.orderItemId)).toEqual(['h1', 'h2']);
  });

  it('formulas, spreadsheet errors and NUL characters in cells are per-row rejections', async () => {
    const csv = [
      // A long extra column pushes the NULs past the first 512 bytes (the sniffed head), so the
      // file still counts as text.
      `orderId;orderItemId;accessKey;${'x'.repeat(520)}`,
      'H1;h1;=HYPERLINK("x")',
      'H2;h2;#VALUE!',
      `H1\u0000x;h1;${keyOf(seller.cnpj, 21)}`,
      `H2;h2;${keyOf(seller.cnpj, 22)}\u0000`,
    ].join('\r\n');
    const feed = await importFile(t, token, csv, 'formulas.csv');
    expect(feed.status).toBe('finished');
    expect(feed.summary).toMatchObject({ applied: 0, rejected: 4 });
    expect(feed.results[0]?.message).toContain('formula');
    expect(feed.results.at(-2)?.message).toContain('control characters');
    const nul = await sc(t, token, '/v2/order-items/%00/invoice-access-key', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: keyOf(seller.cnpj, 23), orderId: 'H1\u0000' }),
    });
    await expectScProblem(nul, 404);
  });

  it('maintenance: 503 with the documented title on every operation and the token endpoint', async () => {
    expect((await t.admin('PUT', '/admin/v1/maintenance', { enabled: true })).status).toBe(200);
    try {
      const title = 'Service Unavailable Due to Maintenance Mode';
      await expectScProblem(await sc(t, token, '/v2/template/missing-invoice-access-key'), 503, title);
      await expectScProblem(await sc(t, token, '/v2/feeds/1'), 503, title);
      await expectScProblem(await tokenCall(t, basic(seller.clientId, seller.clientSecret)), 503, title);
    } finally {
      expect((await t.admin('PUT', '/admin/v1/maintenance', { enabled: false })).status).toBe(200);
    }
  });

  it('rate limits per seller and operation: 429 problem with Retry-After, then allowed again', async () => {
    const a = await scToken(t, seller);
    const b = await scToken(t, other);
    t.clock.advance(60_000); // full buckets, whatever earlier tests took
    const get = (tok: string) =>
      sc(t, tok, '/v2/order-items/nope/invoice-access-key', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey: keyOf(seller.cnpj, 1) }),
      });
    expect((await get(a)).status).toBe(404);
    expect((await get(a)).status).toBe(404);
    const limited = await get(a);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectScProblem(limited, 429, 'Too Many Requests');
    expect((await get(b)).status).toBe(404); // another seller's bucket
    t.clock.advance(1000);
    expect((await get(a)).status).toBe(404);
    // An SP-API token of the same seller is a Bearer token here too (one credential pair).
    expect((await sc(t, await accessTokenFor(t, seller), '/v2/feeds/1')).status).toBe(404);
  });
});
