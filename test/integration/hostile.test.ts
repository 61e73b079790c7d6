import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { accessTokenFor, countRows } from '../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, nextCnpj, type Seller } from '../support/fixtures.js';
import {
  type Body,
  type Case,
  chunked,
  type Dialect,
  JSON_TYPE,
  jsonGarbage,
  MIB,
  sweep,
  TABLES,
} from '../support/hostile.js';
import { loadKauflandOrders, tinyPdf, uploadBody } from '../support/kaufland.js';
import { kauflandClient } from '../support/kaufland-client.js';
import { rawHttp } from '../support/raw-http.js';

/**
 * A table-driven sweep of every route with garbage. Each answer must be < 500, in the shape and
 * content type of the dialect the route belongs to, and nothing may be stored by any of it.
 */
const SP = '/tax/invoices/2024-06-19';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const XML = { 'content-type': 'application/xml' };

/** One case from "METHOD /path"; the name is the request unless `extra.name` says otherwise. */
function c(dialect: Dialect, request: string, status?: number, extra: Partial<Case> = {}): Case {
  const [method = 'GET', path = '/'] = request.split(' ');
  return { name: request, dialect, method, path, ...(status ? { status } : {}), ...extra };
}
const json = (body: unknown): Partial<Case> => ({ body: JSON.stringify(body), headers: JSON_TYPE });

describe('hostile input through every route', () => {
  let t: TestApp;
  let mine: Seller;
  let theirs: Seller;
  let token: string;
  let theirInvoice: string;
  const theirOrder = 'their-order-1';
  // Kaufland: sellers on a storefront, and an invoice of theirs to aim at.
  let kMine: Seller;
  let kTheirs: Seller;
  let kTheirInvoice: { id: number; url: string };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'hostile');
    mine = await createSeller(t);
    theirs = await createSeller(t);
    token = await accessTokenFor(t, mine);
    const doc = invoiceXml(theirs.cnpj, { number: 1, issuedAt: new Date('2026-11-20T08:00:00Z') });
    theirInvoice = (await ingest(t, doc.xml)).body.invoice?.id as string;
    const order = {
      orderId: theirOrder,
      sellerId: theirs.sellerId,
      createdAt: '2026-11-20',
      status: 'pending',
    };
    const res = await t.admin('POST', '/admin/v1/orders', { ...order, items: [{ orderItemId: 'a' }] });
    expect(res.status).toBe(201);

    kMine = await createSeller(t, { storefronts: ['de'] });
    kTheirs = await createSeller(t, { storefronts: ['de'] });
    for (const [seller, orderId] of [
      [kMine, 'K-MINE'],
      [kTheirs, 'K-THEIRS'],
    ] as const)
      await loadKauflandOrders(t, seller.sellerId, [{ orderId }]);
    const client = kauflandClient({
      baseUrl: `${t.url}/kaufland/v2`,
      clientKey: kTheirs.clientId,
      secret: kTheirs.clientSecret,
      now: () => t.clock.now(),
    });
    const uploaded = await client.request({
      method: 'POST',
      segments: ['order-invoices', 'K-THEIRS'],
      body: uploadBody(tinyPdf()),
    });
    expect(uploaded.status).toBe(201);
    const data = uploaded.json<{ data: { id_invoice: number; url: string } }>().data;
    kTheirInvoice = { id: data.id_invoice, url: data.url };
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Kaufland: forged and replayed signatures, garbled base64, wrong types, another seller's ids. */
  function kauflandCases(): Case[] {
    const K = '/kaufland/v2/order-invoices';
    const valid = {
      original_name: 'a.pdf',
      mime_type: 'application/pdf',
      data: tinyPdf().toString('base64'),
    };
    const theirFile = new URL(kTheirInvoice.url);
    const signedBy = (headers: Record<string, string>): Partial<Case> => ({ auth: false, headers });
    return [
      c('kaufland', `GET ${K}`, 401, { name: 'Kaufland: unsigned', auth: false }),
      c('kaufland', `GET ${K}`, 401, {
        name: 'Kaufland: forged signature',
        ...signedBy({
          'shop-client-key': kMine.clientId,
          'shop-timestamp': String(Math.floor(t.clock.now().getTime() / 1000)),
          'shop-signature': 'a'.repeat(64),
        }),
      }),
      c('kaufland', `GET ${K}`, 401, {
        name: 'Kaufland: replayed timestamp',
        ...signedBy({
          'shop-client-key': kMine.clientId,
          'shop-timestamp': '1411055926',
          'shop-signature': 'a'.repeat(64),
        }),
      }),
      c('kaufland', `GET ${K}`, 401, {
        name: 'Kaufland: header sent twice',
        ...signedBy({
          'shop-client-key': `${kMine.clientId}, ${kMine.clientId}`,
          'shop-timestamp': '1',
          'shop-signature': 'a'.repeat(64),
        }),
      }),
      c('kaufland', `GET ${K}?limit=1e3`, 400),
      c('kaufland', `GET ${K}?limit=%00`, 400),
      c('kaufland', `GET ${K}?offset=99999999999999999999`, 400),
      c('kaufland', `GET ${K}?ts_created_from_iso=2026-13-45T99:00:00Z`, 400),
      c('kaufland', `GET ${K}?storefront=de&storefront=pl`, 400),
      c('kaufland', `GET ${K}/K-THEIRS/${kTheirInvoice.id}`, 404),
      c('kaufland', `DELETE ${K}/K-THEIRS/${kTheirInvoice.id}`, 404),
      c('kaufland', `POST ${K}/K-THEIRS`, 404, json(valid)),
      c('kaufland', `POST ${K}/${'x'.repeat(600)}`, undefined, json(valid)),
      c('kaufland', `POST ${K}/K-MINE`, 400, {
        name: 'Kaufland: garbled base64',
        ...json({ ...valid, data: '%%%===' }),
      }),
      c('kaufland', `POST ${K}/K-MINE`, 400, {
        name: 'Kaufland: base64 of a non-PDF',
        ...json({ ...valid, data: Buffer.from('MZ\x90\x00 not a pdf').toString('base64') }),
      }),
      c('kaufland', `POST ${K}/K-MINE`, 413, {
        name: 'Kaufland: 20 MiB body',
        ...json({ ...valid, data: 'A'.repeat(20 * MIB) }),
      }),
      c('kaufland', `POST ${K}/K-MINE`, 401, {
        name: 'Kaufland: 20 MiB chunked, unsigned (refused before the body is read)',
        auth: false,
        body: chunked(20 * MIB),
        headers: JSON_TYPE,
      }),
      c('kaufland', `POST ${K}/K-MINE`, 401, {
        name: 'Kaufland: 2 MiB chunked, signed as empty',
        body: chunked(2 * MIB),
        headers: JSON_TYPE,
      }),
      c('kaufland', `GET ${theirFile.pathname}?access_token=${'A'.repeat(43)}`, 404, { auth: false }),
      c('kaufland', `GET ${theirFile.pathname}`, 400, { auth: false }),
      c('kaufland', 'GET /kaufland/files/order-invoices/not-a-uuid?access_token=x', 404, { auth: false }),
    ];
  }

  function cases(): Case[] {
    const out: Case[] = [];
    const garbage = (dialect: Dialect, request: string, valid: Record<string, unknown>) => {
      for (const [label, body, type] of jsonGarbage(valid)) {
        const headers = { 'content-type': type ?? 'application/json' };
        out.push(c(dialect, request, undefined, { name: `${request}: ${label}`, body, headers }));
      }
    };
    const order = { orderId: 'h1', sellerId: mine.sellerId, createdAt: '2026-11-20', status: 'pending' };
    garbage('admin', 'POST /admin/v1/sellers', { name: 'Hostile', cnpj: nextCnpj() });
    garbage('admin', 'POST /admin/v1/orders', { ...order, items: [] });
    garbage('admin', 'PUT /admin/v1/maintenance', { enabled: 'true' });
    garbage('lwa', 'POST /auth/o2/token', { grant_type: 'refresh_token', client_id: mine.clientId });
    garbage('kaufland', 'POST /kaufland/v2/order-invoices/K-MINE', {
      original_name: 'a.pdf',
      mime_type: 'application/pdf',
      data: tinyPdf().toString('base64'),
    });
    out.push(...kauflandCases());

    // Text the database cannot keep (NUL) or values it cannot compare.
    const nulOrder = { ...order, orderId: 'nul-1', orderNumber: 'n\u0000', items: [{ orderItemId: 'a' }] };
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const sellersAfter = (text: string) => `GET /admin/v1/sellers?after=${cursor(text)}`;
    out.push(
      c('admin', 'POST /admin/v1/sellers', 400, {
        name: 'NUL name',
        ...json({ name: 'a\u0000', cnpj: nextCnpj() }),
      }),
      c('admin', 'POST /admin/v1/orders', 400, { name: 'NUL orderNumber', ...json(nulOrder) }),
      c('admin', 'GET /admin/v1/sellers/nope/invoices/%00/danfe', 404),
      c(
        'admin',
        `GET /admin/v1/sellers/${'9'.repeat(300)}/invoices/00000000-0000-4000-8000-000000000000/danfe`,
        404,
      ),
      c('admin', 'POST /admin/v1/orders', 400, {
        name: 'NUL sku',
        ...json({ ...order, items: [{ orderItemId: 'a', sku: 's\u0000' }] }),
      }),
      c('admin', 'PUT /admin/v1/maintenance', 400, {
        name: 'NUL message',
        ...json({ enabled: true, message: '\u0000' }),
      }),
      c('admin', sellersAfter('2026-01-01T00:00:00Z|not-a-uuid'), 400, { name: 'cursor: forged id' }),
      c('admin', sellersAfter('2026-01-01T00:00:00Z|\u0000'), 400, { name: 'cursor: NUL' }),
      c('admin', sellersAfter('+300000-01-01T00:00:00Z|00000000-0000-4000-8000-000000000000'), 400, {
        name: 'cursor: year 300000',
      }),
    );
    const xml = invoiceXml(mine.cnpj, { number: 77, issuedAt: new Date('2026-11-20T08:00:00Z') }).xml;
    for (const qs of [
      'orderId=a%00b',
      'transactionIdentifierName=BUSINESS_TRANSACTION_ID&transactionIdentifierId=%00',
      'marketplaceId=%00',
    ]) {
      out.push(c('admin', `POST /admin/v1/invoices?${qs}`, 400, { body: xml, headers: XML }));
    }

    // Binary routes.
    for (const [path, type] of [
      ['/admin/v1/invoices', 'application/xml'],
      ['/admin/v1/invoices/bulk', 'application/zip'],
    ] as const) {
      const bodies: [string, Body, string | undefined][] = [
        ['empty', '', type],
        ['random bytes', new Uint8Array(4096).map((_, i) => (i * 131) % 256), type],
        ['JSON', '{"xml":"<NFe/>"}', 'application/json'],
        ['form', 'xml=%3CNFe%2F%3E', 'application/x-www-form-urlencoded'],
        ['no content type', new Uint8Array([1, 2, 3]), undefined],
        ['6 MiB chunked', chunked(6 * MIB, '<nfeProc>'), 'application/xml'],
      ];
      for (const [label, body, ct] of bodies) {
        out.push(
          c('admin', `POST ${path}`, undefined, {
            name: `${path}: ${label}`,
            body,
            headers: ct ? { 'content-type': ct } : {},
          }),
        );
      }
      out.push(c('admin', `POST ${path}?hack=1`, 400, { body: '<a/>', headers: { 'content-type': type } }));
    }

    // Operator reads, paths, methods and credentials.
    const s = `/admin/v1/sellers/${mine.sellerId}`;
    out.push(
      c('admin', 'GET /admin/v1/sellers', 200, { name: 'GET with JSON type, no body', headers: JSON_TYPE }),
      c('admin', 'GET /admin/v1/maintenance', 200, {
        name: 'GET maintenance, JSON type',
        headers: JSON_TYPE,
      }),
      c('admin', 'GET /admin/v1/sellers?limit=abc', 400),
      c('admin', 'GET /admin/v1/sellers?limit=1e400', 400),
      c('admin', 'GET /admin/v1/sellers?limit=1&limit=2', 400),
      c('admin', 'GET /admin/v1/sellers?where=1%3D1', 400),
      c('admin', `GET /admin/v1/sellers?after=${'%FF'.repeat(10)}`, 400),
      c('admin', 'GET /admin/v1/sellers/%00', 404),
      c('admin', 'GET /admin/v1/sellers/..%2F..%2Fetc%2Fpasswd', 404),
      c('admin', `POST ${s}/credentials`, 400, { body: '{"x":', headers: JSON_TYPE }),
      c('admin', `DELETE ${s}/credentials/nope`, 404),
      c('admin', `DELETE ${s}/credentials/%00`, 404),
      c('admin', `DELETE ${s}/credentials/${theirs.clientId}`, 404, { name: "revoke another seller's" }),
      c('admin', `GET ${s}/invoices/${theirInvoice}`, 404, { name: "another seller's invoice" }),
      c('admin', `GET ${s}/invoices/${theirInvoice}/xml`, 404, { name: "another seller's XML" }),
      c('admin', `GET ${s}/orders/${theirOrder}`, 404, { name: "another seller's order" }),
      c('admin', `GET ${s}/orders/%F0%9F%92%A9%00`, 404),
      c('admin', 'GET /admin/v1/nothing-here', 404),
      c('admin', 'PATCH /admin/v1/sellers', 404, { body: '{}', headers: JSON_TYPE }),
      c('admin', 'POST /admin/v1/sellers', 401, {
        name: 'no auth',
        auth: false,
        body: '{}',
        headers: JSON_TYPE,
      }),
      c('admin', 'POST /admin/v1/invoices', undefined, {
        name: 'no auth, 3 MiB chunked',
        auth: false,
        body: chunked(3 * MIB, '<a>'),
        headers: XML,
      }),
      c('admin', 'GET /admin/v1/sellers', 401, {
        name: 'odd auth',
        auth: false,
        headers: { authorization: 'Bearer \u00ff' },
      }),
    );

    // SP-API.
    const q = `${SP}/invoices?marketplaceId=${BRAZIL}`;
    out.push(
      c('spapi', `GET ${q}`, 200, { name: 'GET with JSON type, no body', headers: JSON_TYPE }),
      c('spapi', `GET ${SP}/attributes?marketplaceId=${BRAZIL}`, 200, {
        name: 'attributes, JSON type',
        headers: JSON_TYPE,
      }),
      c('spapi', `GET ${SP}/invoices`, 400),
      c('spapi', `GET ${q}&debug=true`, 400),
      c('spapi', `GET ${SP}/invoices?marketplaceId=ATVPDKIKX0DER`, 400),
      c('spapi', `GET ${q}&marketplaceId=${BRAZIL}`, 400),
      c('spapi', `GET ${q}&pageSize=ten`, 400),
      c('spapi', `GET ${q}&pageSize=1e400`, 400),
      c('spapi', `GET ${q}&dateStart=%00`, 400),
      c('spapi', `GET ${q}&dateStart=99999-01-01`, 400),
      c('spapi', `GET ${q}&dateEnd=%2B275760-09-13T00:00:00Z`, 400),
      c('spapi', `GET ${SP}/invoices?marketplaceId=%E0%A4%A`, 400),
      c('spapi', `GET ${q}&nextToken=${'A'.repeat(300)}`, 400),
      c('spapi', `GET ${q}&statuses=`, 400),
      c('spapi', `GET ${q}&series=${'9'.repeat(5000)}`, 400, { name: 'series of 5000 digits' }),
      c('spapi', `GET ${q}&series=1%00`, 400),
      c(
        'spapi',
        `GET ${q}&transactionIdentifierName=BUSINESS_TRANSACTION_ID&transactionIdentifierId=%00`,
        400,
      ),
      c('spapi', `GET ${SP}/invoices/${theirInvoice}?marketplaceId=${BRAZIL}`, 404, {
        name: "another seller's",
      }),
      c('spapi', `GET ${SP}/invoices/%F0%9F%92%A9?marketplaceId=${BRAZIL}`, 404),
      c('spapi', `GET ${SP}/invoices/%00?marketplaceId=${BRAZIL}`, 404),
      c('spapi', `GET ${q}`, 403, { name: 'no token', auth: false }),
      c('spapi', `GET ${q}`, 403, {
        name: 'odd token',
        auth: false,
        headers: { 'x-amz-access-token': 'Atza|\u00e9' },
      }),
      c('spapi', `GET ${q}`, 403, {
        name: 'refresh token',
        auth: false,
        headers: { 'x-amz-access-token': mine.refreshToken },
      }),
      c('spapi', `GET ${SP}/nothing-here`, 404),
      c('spapi', `POST ${SP}/invoices`, 404, { body: '{}', headers: JSON_TYPE }),
      c('spapi', `DELETE ${SP}/invoices/${theirInvoice}`, 404),
    );

    // SP-API exports, documents and government invoice requests.
    const missing = '01900000-0000-7000-8000-000000000000';
    const gov = {
      marketplaceId: BRAZIL,
      shipmentId: 'sh-hostile',
      invoiceType: 'REMITTANCE',
      transactionType: 'INBOUND_SHIPMENT',
    };
    garbage('spapi', `POST ${SP}/exports`, { marketplaceId: BRAZIL, fileFormat: 'XML' });
    garbage('spapi', `POST ${SP}/governmentInvoiceRequests`, gov);
    const e = `${SP}/exports?marketplaceId=${BRAZIL}`;
    const g = `${SP}/governmentInvoiceRequests?marketplaceId=${BRAZIL}&transactionType=INBOUND_SHIPMENT&invoiceType=REMITTANCE`;
    out.push(
      c('spapi', `POST ${SP}/exports`, 400, {
        name: 'export: PDF',
        ...json({ marketplaceId: BRAZIL, fileFormat: 'PDF' }),
      }),
      c('spapi', `POST ${SP}/exports`, 400, {
        name: 'export: dates inverted',
        ...json({ marketplaceId: BRAZIL, dateStart: '2026-02-01', dateEnd: '2026-01-01' }),
      }),
      c('spapi', `POST ${SP}/exports`, 400, {
        name: 'export: foreign marketplace',
        ...json({ marketplaceId: 'ATVPDKIKX0DER' }),
      }),
      c('spapi', `GET ${e}&status=FINISHED`, 400),
      c('spapi', `GET ${e}&pageSize=101`, 400),
      c('spapi', `GET ${e}&nextToken=${'B'.repeat(200)}`, 400),
      c('spapi', `GET ${e}&dateStart=2026-13-01`, 400),
      c('spapi', `GET ${SP}/exports`, 400, { name: 'exports without marketplaceId' }),
      c('spapi', `GET ${SP}/exports/${missing}`, 404),
      c('spapi', `GET ${SP}/exports/%00`, 404),
      c('spapi', `GET ${SP}/exports/${missing}?debug=1`, 400),
      c('spapi', `GET ${SP}/documents/${missing}`, 404),
      c('spapi', `GET ${SP}/documents/..%2F..%2Fetc%2Fpasswd`, 404),
      c('spapi', `POST ${SP}/governmentInvoiceRequests`, 400, {
        name: 'government: wrong invoice type',
        ...json({ ...gov, invoiceType: 'CUSTOMER_SALES' }),
      }),
      c('spapi', `POST ${SP}/governmentInvoiceRequests`, 400, {
        name: 'government: shipment id with a slash',
        ...json({ ...gov, shipmentId: '../x' }),
      }),
      c('spapi', `GET ${g}`, 400, { name: 'government status without shipmentId' }),
      c('spapi', `GET ${g}&shipmentId=nope`, 404),
      c(
        'spapi',
        `GET ${SP}/governmentInvoiceRequests/nope?marketplaceId=${BRAZIL}&transactionType=INBOUND_SHIPMENT&invoiceType=REMITTANCE&fileFormat=HTML`,
        400,
      ),
      c(
        'spapi',
        `GET ${SP}/governmentInvoiceRequests/nope?marketplaceId=${BRAZIL}&transactionType=INBOUND_SHIPMENT&invoiceType=REMITTANCE&fileFormat=PDF`,
        404,
      ),
      c('files', 'GET /files/not-a-token', 403),
      c('files', `GET /files/${'A'.repeat(5000)}`, 403),
    );
    garbage('admin', `PUT /admin/v1/sellers/${mine.sellerId}/webhook`, { url: 'http://127.0.0.1:9/hook' });
    out.push(
      c('admin', `PUT /admin/v1/sellers/${mine.sellerId}/webhook`, 400, {
        name: 'webhook: ftp URL',
        ...json({ url: 'ftp://x/y' }),
      }),
      c('admin', `PUT /admin/v1/sellers/${mine.sellerId}/webhook`, 400, {
        name: 'webhook: short secret',
        ...json({ url: 'http://127.0.0.1:9/hook', secret: 'short' }),
      }),
      c('admin', `GET /admin/v1/sellers/${missing}/webhook`, 404),
      c('admin', `DELETE /admin/v1/sellers/${mine.sellerId}/webhook`, 404),
    );

    // LWA.
    const nulClient = json({ grant_type: 'client_credentials', client_id: 'a\u0000', client_secret: 'b' });
    out.push(
      c('lwa', 'GET /auth/o2/token', 405, { headers: JSON_TYPE }),
      c('lwa', 'DELETE /auth/o2/token', 405),
      c('lwa', 'POST /auth/o2/token', 400, {
        name: 'form, broken escapes',
        body: 'grant_type=%E0%A4%A&client_id=%',
        headers: FORM,
      }),
      c('lwa', 'POST /auth/o2/token', 400, {
        name: 'form, 2 MiB',
        body: `scope=${'x'.repeat(2 * MIB)}`,
        headers: FORM,
      }),
      c('lwa', 'POST /auth/o2/token', 400, { name: 'NUL client id (JSON)', ...nulClient }),
      c('lwa', 'POST /auth/o2/token', 400, {
        name: 'NUL client id (form)',
        body: 'grant_type=refresh_token&client_id=%00&client_secret=%00&refresh_token=Atzr|%00',
        headers: FORM,
      }),
    );
    return out;
  }

  it('never answers 5xx, always in the dialect’s error shape, and stores nothing', async () => {
    const before = await countRows(t, [...TABLES]);
    const all = cases();
    expect(all.length).toBeGreaterThan(140);
    const kaufland = { clientKey: kMine.clientId, secret: kMine.clientSecret };
    expect(await sweep(t, all, { accessToken: token, kaufland })).toEqual([]);
    expect(await countRows(t, [...TABLES])).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await (await t.admin('GET', '/admin/v1/maintenance')).json()).toMatchObject({ enabled: false });
  });

  // Errors raised by Fastify's router itself (a path that does not percent-decode, a path parameter
  // over maxParamLength) bypass every plugin: buildApp passes src/http/shared/framework-errors.ts as
  // the `frameworkErrors` option so that they keep the dialect's shape.
  it('router-level errors (undecodable paths, over-long ids) answer in the dialect’s shape', async () => {
    const long = 'a'.repeat(600);
    const failures = await sweep(
      t,
      [
        c('admin', 'GET /admin/v1/sellers/%E0%A4%A', 400),
        c('admin', `GET /admin/v1/sellers/${long}`, 404, { name: 'admin: 600-character id' }),
        c('spapi', `GET ${SP}/invoices/%E0%A4%A?marketplaceId=${BRAZIL}`, 400),
        c('spapi', `GET ${SP}/invoices/${long}?marketplaceId=${BRAZIL}`, 404, {
          name: 'SP-API: 600-character id',
        }),
      ],
      token,
    );
    expect(failures).toEqual([]);
  });

  // Outside routed paths (unknown paths, wrong methods, bodies that fail before any route) every
  // answer keeps the shape of the surface the normalized path is aimed at.
  it('unknown paths, wrong methods and unparseable bodies answer in the surface’s shape', async () => {
    const broken = { body: '{"a":', headers: JSON_TYPE, auth: false };
    const huge = { body: JSON.stringify({ pad: 'x'.repeat(2 * MIB) }), headers: JSON_TYPE, auth: false };
    const odd = { body: 'x', headers: { 'content-type': 'application/x-odd' }, auth: false };
    const cases: Case[] = [];
    for (const [dialect, base] of [
      ['admin', '/admin/v1/nope'],
      ['spapi', `${SP}/nope`],
      ['kaufland', '/kaufland/v2/nope'],
      ['sellercenter', '/sellercenter/v2/nope'],
      ['lwa', '/auth/o2/nope'],
    ] as [Dialect, string][]) {
      cases.push(
        c(dialect, `POST ${base}`, undefined, { ...broken, name: `${base}: malformed JSON` }),
        // LWA has no 413: Amazon's token endpoint calls every bad body invalid_request.
        c(dialect, `PUT ${base}`, dialect === 'lwa' ? 400 : 413, { ...huge, name: `${base}: 2 MiB of JSON` }),
        c(dialect, `POST ${base}`, undefined, { ...odd, name: `${base}: unknown content type` }),
        c(dialect, `DELETE ${base}`, 404, { auth: false }),
      );
    }
    cases.push(
      c('admin', 'PATCH //admin/v1/maintenance', 404, { auth: false }),
      c('admin', 'GET /%61dmin/v1/nope', 404, { auth: false }),
      c('admin', 'POST //admin//v1/nope', undefined, { ...broken, name: 'doubled slashes, malformed JSON' }),
      c('kaufland', 'GET /%6Baufland/v2/nope', 404, { auth: false }),
      c('sellercenter', 'GET //sellercenter/v2/nope', 404, { auth: false }),
      c('lwa', 'OPTIONS /auth/o2/token', 405, { auth: false }),
      c('lwa', 'PATCH /auth/o2/token', 405, { auth: false }),
      c('lwa', 'POST /auth/o2/token', 400, { ...broken, name: 'token: malformed JSON' }),
      c('spapi', `OPTIONS ${SP}/invoices`, 404, { auth: false }),
    );
    expect(await sweep(t, cases, token)).toEqual([]);
    // fetch refuses TRACE: sent with node:http.
    const trace = async (path: string) => {
      const res = await rawHttp(t.url, 'TRACE', path);
      return { status: res.status, type: res.headers['content-type'], body: JSON.parse(res.body) };
    };
    expect(await trace('/auth/o2/token')).toMatchObject({
      status: 405,
      type: expect.stringMatching(/^application\/json/),
      body: { error: 'invalid_request', error_description: 'TRACE is not allowed; use POST' },
    });
    expect(await trace('/nope')).toMatchObject({ status: 404, body: { errors: [{ code: 'NotFound' }] } });
    expect(await trace('/admin/v1/nope')).toMatchObject({ status: 404, body: { status: 404 } });
  });

  it('still serves normal requests after the sweep', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${t.url}${SP}/invoices?marketplaceId=${BRAZIL}`, {
      headers: { 'x-amz-access-token': token },
    });
    expect(res.status).toBe(200);
    expect((await t.admin('GET', `/admin/v1/sellers/${theirs.sellerId}/orders/${theirOrder}`)).status).toBe(
      200,
    );
  });
});
