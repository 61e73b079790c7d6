import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { accessTokenFor, countRows } from '../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, nextCnpj, type Seller } from '../support/fixtures.js';

/**
 * A table-driven sweep of every route with garbage. Each answer must be < 500, in the shape of the
 * dialect the route belongs to, with that dialect's content type; and nothing may be stored.
 */
type Dialect = 'admin' | 'spapi' | 'lwa';
type Body = string | Uint8Array | (() => ReadableStream<Uint8Array>);
interface Case {
  name: string;
  dialect: Dialect;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Body;
  /** Defaults to "some 4xx". */
  status?: number;
  auth?: boolean;
}

const BRAZIL = 'A2Q3Y263D00KWC';
const SP = '/tax/invoices/2024-06-19';
const MIB = 1024 * 1024;

/** Bytes streamed without a Content-Length (chunked), `total` of them. */
const chunked =
  (total: number, head = '{"name":"') =>
  () => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
        const chunk = new Uint8Array(64 * 1024).fill(0x61);
        controller.enqueue(chunk);
        sent += chunk.length;
        if (sent >= total) controller.close();
      },
    });
  };

/** Bodies that must never get past a JSON route. */
function jsonGarbage(valid: Record<string, unknown>): [string, Body, string?][] {
  const text = JSON.stringify(valid);
  return [
    ['malformed JSON', text.slice(0, -3)],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['an empty object', '{}'],
    ['wrong types', JSON.stringify(Object.fromEntries(Object.keys(valid).map((k) => [k, { nested: [1] }])))],
    ['unknown keys', JSON.stringify({ ...valid, isAdmin: true })],
    ['__proto__ key', `{"__proto__":{"polluted":true},${text.slice(1)}`],
    ['constructor.prototype', `{"constructor":{"prototype":{"polluted":true}},${text.slice(1)}`],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['2 MiB body', JSON.stringify({ ...valid, pad: 'x'.repeat(2 * MIB) })],
    ['2 MiB chunked body', chunked(2 * MIB)],
    ['empty body', ''],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['UTF-16LE', new Uint8Array(Buffer.from(`\ufeff${text}`, 'utf16le'))],
    ['as text/plain', text, 'text/plain'],
    ['as form', 'name=x&cnpj=y', 'application/x-www-form-urlencoded'],
    ['as XML', '<seller><name>x</name></seller>', 'application/xml'],
    ['as multipart', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x'],
    ['unknown content type', text, 'application/x-garbage'],
    [
      'UTF-16 declared and sent',
      new Uint8Array(Buffer.from(text, 'utf16le')),
      'application/json; charset=utf-16',
    ],
  ];
}

async function send(t: TestApp, c: Case, token: string): Promise<Response> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  if (c.auth !== false) {
    if (c.dialect === 'admin') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    if (c.dialect === 'spapi') headers['x-amz-access-token'] = token;
  }
  const body = typeof c.body === 'function' ? c.body() : c.body;
  return fetch(t.url + c.path, {
    method: c.method,
    headers,
    ...(body !== undefined ? { body, duplex: 'half' } : {}),
  } as RequestInit);
}

/** What is wrong with an answer, or null. */
function judge(c: Case, res: Response, text: string): string | null {
  if (res.status >= 500) return `${res.status} ${text.slice(0, 200)}`;
  if (c.status !== undefined ? res.status !== c.status : res.status < 400)
    return `expected ${c.status ?? '4xx'}, got ${res.status} ${text.slice(0, 200)}`;
  if (res.status < 400) return null;
  const type = res.headers.get('content-type') ?? '';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `${res.status} not JSON: ${text.slice(0, 100)}`;
  }
  if (c.dialect === 'admin') {
    if (!type.startsWith('application/problem+json')) return `content-type ${type}`;
    if (body.status !== res.status || typeof body.type !== 'string' || typeof body.title !== 'string')
      return `not a problem: ${text.slice(0, 200)}`;
    if (typeof body.detail !== 'string') return `problem without detail: ${text.slice(0, 200)}`;
    return null;
  }
  if (!type.startsWith('application/json')) return `content-type ${type}`;
  if (c.dialect === 'lwa') {
    const keys = Object.keys(body).sort().join(',');
    return keys === 'error,error_description' && typeof body.error === 'string'
      ? null
      : `not an LWA error: ${text.slice(0, 200)}`;
  }
  const errors = body.errors as { code?: unknown; message?: unknown }[] | undefined;
  if (!Array.isArray(errors) || errors.length === 0) return `not an SP-API error: ${text.slice(0, 200)}`;
  if (typeof errors[0]?.code !== 'string' || typeof errors[0]?.message !== 'string')
    return `SP-API error without code/message: ${text.slice(0, 200)}`;
  if (!res.headers.get('x-amzn-requestid')) return 'no x-amzn-RequestId';
  return null;
}

const TABLES = [
  'sellers',
  'credentials',
  'access_tokens',
  'invoices',
  'invoice_documents',
  'invoice_transactions',
  'nfe_events',
  'orders',
  'order_items',
] as const;

describe('hostile input through every route', () => {
  let t: TestApp;
  let mine: Seller;
  let theirs: Seller;
  let token: string;
  let theirInvoice: string;
  const theirOrder = 'their-order-1';

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
      createdAt: '2026-11-20T08:00:00Z',
      status: 'pending',
      items: [{ orderItemId: 'a' }],
    };
    expect((await t.admin('POST', '/admin/v1/orders', order)).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  function cases(): Case[] {
    const out: Case[] = [];
    const json = (dialect: Dialect, method: string, path: string, valid: Record<string, unknown>) => {
      for (const [name, body, type] of jsonGarbage(valid)) {
        out.push({
          name: `${method} ${path}: ${name}`,
          dialect,
          method,
          path,
          body,
          headers: { 'content-type': type ?? 'application/json' },
        });
      }
    };
    json('admin', 'POST', '/admin/v1/sellers', { name: 'Hostile', cnpj: nextCnpj() });
    json('admin', 'POST', '/admin/v1/orders', {
      orderId: 'h1',
      sellerId: mine.sellerId,
      createdAt: '2026-11-20',
      status: 'pending',
      items: [],
    });
    json('admin', 'PUT', '/admin/v1/maintenance', { enabled: 'true' });
    json('lwa', 'POST', '/auth/o2/token', {
      grant_type: 'refresh_token',
      client_id: mine.clientId,
      client_secret: 'x',
    });

    const nul = (name: string, path: string, method: string, body: unknown) =>
      out.push({
        name,
        dialect: 'admin',
        method,
        path,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    nul('seller name with NUL', '/admin/v1/sellers', 'POST', { name: 'a\u0000b', cnpj: nextCnpj() });
    nul('order sku with NUL', '/admin/v1/orders', 'POST', {
      orderId: 'nul-1',
      sellerId: mine.sellerId,
      createdAt: '2026-11-20',
      status: 'pending',
      orderNumber: 'n\u0000',
      items: [{ orderItemId: 'a', sku: 's\u0000' }],
    });
    nul('maintenance message with NUL', '/admin/v1/maintenance', 'PUT', {
      enabled: true,
      message: 'm\u0000',
    });
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    out.push({
      name: 'list: cursor with a forged seller id',
      dialect: 'admin',
      method: 'GET',
      path: `/admin/v1/sellers?after=${cursor('2026-01-01T00:00:00Z|not-a-uuid')}`,
      status: 400,
    });
    out.push({
      name: 'list: cursor with NUL',
      dialect: 'admin',
      method: 'GET',
      path: `/admin/v1/sellers?after=${cursor('2026-01-01T00:00:00Z|\u0000')}`,
      status: 400,
    });
    out.push({
      name: 'list: cursor in year 300000',
      dialect: 'admin',
      method: 'GET',
      path: `/admin/v1/sellers?after=${cursor('+300000-01-01T00:00:00Z|00000000-0000-4000-8000-000000000000')}`,
      status: 400,
    });
    const xml = invoiceXml(mine.cnpj, { number: 77, issuedAt: new Date('2026-11-20T08:00:00Z') }).xml;
    for (const [name, qs] of [
      ['orderId with NUL', '?orderId=a%00b'],
      [
        'transaction id with NUL',
        '?transactionIdentifierName=BUSINESS_TRANSACTION_ID&transactionIdentifierId=%00',
      ],
      ['marketplaceId with NUL', '?marketplaceId=%00'],
    ]) {
      out.push({
        name: `ingest: ${name}`,
        dialect: 'admin',
        method: 'POST',
        path: `/admin/v1/invoices${qs}`,
        body: xml,
        headers: { 'content-type': 'application/xml' },
        status: 400,
      });
    }

    // Binary routes.
    for (const [path, type] of [
      ['/admin/v1/invoices', 'application/xml'],
      ['/admin/v1/invoices/bulk', 'application/zip'],
    ] as const) {
      for (const [name, body, ct] of [
        ['empty', '', type],
        ['random bytes', new Uint8Array(4096).map((_, i) => (i * 131) % 256), type],
        ['JSON', '{"xml":"<NFe/>"}', 'application/json'],
        ['form', 'xml=%3CNFe%2F%3E', 'application/x-www-form-urlencoded'],
        ['no content type', new Uint8Array([1, 2, 3]), undefined],
        ['6 MiB chunked', chunked(6 * MIB, '<nfeProc>'), 'application/xml'],
        ['unknown query key', '<a/>', `${type}`],
      ] as [string, Body, string | undefined][]) {
        out.push({
          name: `POST ${path}: ${name}`,
          dialect: 'admin',
          method: 'POST',
          path: name === 'unknown query key' ? `${path}?hack=1` : path,
          body,
          headers: ct ? { 'content-type': ct } : {},
        });
      }
    }

    // Admin reads, paths and methods.
    const admin = (name: string, method: string, path: string, status?: number, extra: Partial<Case> = {}) =>
      out.push({ name, dialect: 'admin', method, path, ...(status ? { status } : {}), ...extra });
    const jsonNoBody = { headers: { 'content-type': 'application/json' } };
    admin('GET sellers with JSON content type and no body', 'GET', '/admin/v1/sellers', 200, jsonNoBody);
    admin(
      'GET maintenance with JSON content type and no body',
      'GET',
      '/admin/v1/maintenance',
      200,
      jsonNoBody,
    );
    admin('list: bad limit', 'GET', '/admin/v1/sellers?limit=abc');
    admin('list: huge limit', 'GET', '/admin/v1/sellers?limit=1e400');
    admin('list: repeated limit', 'GET', '/admin/v1/sellers?limit=1&limit=2');
    admin('list: unknown key', 'GET', '/admin/v1/sellers?where=1%3D1');
    admin('list: bad cursor', 'GET', `/admin/v1/sellers?after=${'%FF'.repeat(10)}`);
    admin('seller: NUL id', 'GET', '/admin/v1/sellers/%00', 404);
    admin('seller: broken escape', 'GET', '/admin/v1/sellers/%E0%A4%A');
    admin('seller: traversal', 'GET', '/admin/v1/sellers/..%2F..%2Fetc%2Fpasswd', 404);
    admin('seller: 600-char id', 'GET', `/admin/v1/sellers/${'a'.repeat(600)}`, 404);
    admin(
      'credentials: POST with malformed JSON',
      'POST',
      `/admin/v1/sellers/${mine.sellerId}/credentials`,
      400,
      {
        body: '{"x":',
        headers: { 'content-type': 'application/json' },
      },
    );
    admin(
      'credentials: revoke unknown',
      'DELETE',
      `/admin/v1/sellers/${mine.sellerId}/credentials/nope`,
      404,
    );
    admin(
      "credentials: revoke another seller's",
      'DELETE',
      `/admin/v1/sellers/${mine.sellerId}/credentials/${theirs.clientId}`,
      404,
    );
    admin(
      "invoice: another seller's id",
      'GET',
      `/admin/v1/sellers/${mine.sellerId}/invoices/${theirInvoice}`,
      404,
    );
    admin(
      "invoice xml: another seller's id",
      'GET',
      `/admin/v1/sellers/${mine.sellerId}/invoices/${theirInvoice}/xml`,
      404,
    );
    admin(
      "order: another seller's id",
      'GET',
      `/admin/v1/sellers/${mine.sellerId}/orders/${theirOrder}`,
      404,
    );
    admin('order: odd id', 'GET', `/admin/v1/sellers/${mine.sellerId}/orders/%F0%9F%92%A9%00`, 404);
    admin('unknown admin path', 'GET', '/admin/v1/nothing-here', 404);
    admin('wrong method', 'PATCH', '/admin/v1/sellers', 404, {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    admin('no auth', 'POST', '/admin/v1/sellers', 401, {
      auth: false,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    admin('no auth, huge body', 'POST', '/admin/v1/invoices', undefined, {
      auth: false,
      body: chunked(3 * MIB, '<a>'),
      headers: { 'content-type': 'application/xml' },
    });
    admin('garbage auth', 'GET', '/admin/v1/sellers', 401, {
      auth: false,
      headers: { authorization: 'Bearer \u00ff' },
    });

    // SP-API.
    const sp = (name: string, path: string, status?: number, extra: Partial<Case> = {}) =>
      out.push({
        name,
        dialect: 'spapi',
        method: 'GET',
        path: SP + path,
        ...(status ? { status } : {}),
        ...extra,
      });
    sp('GET with JSON content type and no body', `/invoices?marketplaceId=${BRAZIL}`, 200, jsonNoBody);
    sp('attributes: JSON content type', `/attributes?marketplaceId=${BRAZIL}`, 200, jsonNoBody);
    sp('no marketplaceId', '/invoices', 400);
    sp('unknown query key', `/invoices?marketplaceId=${BRAZIL}&debug=true`, 400);
    sp('foreign marketplace', `/invoices?marketplaceId=ATVPDKIKX0DER`, 400);
    sp('repeated marketplaceId', `/invoices?marketplaceId=${BRAZIL}&marketplaceId=${BRAZIL}`, 400);
    sp('pageSize text', `/invoices?marketplaceId=${BRAZIL}&pageSize=ten`, 400);
    sp('pageSize huge', `/invoices?marketplaceId=${BRAZIL}&pageSize=1e400`, 400);
    sp('dateStart NUL', `/invoices?marketplaceId=${BRAZIL}&dateStart=%00`, 400);
    sp('dateStart year 99999', `/invoices?marketplaceId=${BRAZIL}&dateStart=99999-01-01`, 400);
    sp('broken escape', `/invoices?marketplaceId=%E0%A4%A`, 400);
    sp('forged nextToken', `/invoices?marketplaceId=${BRAZIL}&nextToken=${'A'.repeat(300)}`, 400);
    sp(
      'transaction id with NUL',
      `/invoices?marketplaceId=${BRAZIL}&transactionIdentifierName=BUSINESS_TRANSACTION_ID&transactionIdentifierId=%00`,
      400,
    );
    sp('series with NUL', `/invoices?marketplaceId=${BRAZIL}&series=1%00`, 400);
    sp('dateEnd year 275760', `/invoices?marketplaceId=${BRAZIL}&dateEnd=%2B275760-09-13T00:00:00Z`, 400);
    sp('empty statuses', `/invoices?marketplaceId=${BRAZIL}&statuses=`, 400);
    sp('long series', `/invoices?marketplaceId=${BRAZIL}&series=${'9'.repeat(5000)}`, 400);
    sp("another seller's invoice", `/invoices/${theirInvoice}?marketplaceId=${BRAZIL}`, 404);
    sp('odd invoice id', `/invoices/%F0%9F%92%A9?marketplaceId=${BRAZIL}`, 404);
    sp('NUL invoice id', `/invoices/%00?marketplaceId=${BRAZIL}`, 404);
    sp('no token', `/invoices?marketplaceId=${BRAZIL}`, 403, { auth: false });
    sp('garbage token', `/invoices?marketplaceId=${BRAZIL}`, 403, {
      auth: false,
      headers: { 'x-amz-access-token': 'Atza|\u00e9\u00e9' },
    });
    sp('refresh token as access token', `/invoices?marketplaceId=${BRAZIL}`, 403, {
      auth: false,
      headers: { 'x-amz-access-token': mine.refreshToken },
    });
    sp('unknown SP-API path', '/nothing-here', 404);
    out.push({
      name: 'SP-API POST on a GET route',
      dialect: 'spapi',
      method: 'POST',
      path: `${SP}/invoices`,
      status: 404,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    out.push({
      name: 'SP-API DELETE on an invoice',
      dialect: 'spapi',
      method: 'DELETE',
      path: `${SP}/invoices/${theirInvoice}`,
      status: 404,
    });

    // LWA extras.
    out.push({
      name: 'LWA GET',
      dialect: 'lwa',
      method: 'GET',
      path: '/auth/o2/token',
      headers: jsonNoBody.headers,
    });
    out.push({
      name: 'LWA form with broken escapes',
      dialect: 'lwa',
      method: 'POST',
      path: '/auth/o2/token',
      body: 'grant_type=%E0%A4%A&client_id=%&client_secret=%ZZ',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    out.push({
      name: 'LWA form of 2 MiB',
      dialect: 'lwa',
      method: 'POST',
      path: '/auth/o2/token',
      body: `grant_type=refresh_token&scope=${'x'.repeat(2 * MIB)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    return out;
  }

  it('never answers 5xx, always in the dialect’s error shape, and stores nothing', async () => {
    const before = await countRows(t, [...TABLES]);
    const all = cases();
    expect(all.length).toBeGreaterThan(100);
    const failures: string[] = [];
    for (const c of all) {
      let res: Response;
      try {
        res = await send(t, c, token);
      } catch (err) {
        failures.push(`${c.name}: request failed (${(err as Error).message})`);
        continue;
      }
      const problem = judge(c, res, await res.text());
      if (problem) failures.push(`${c.name}: ${problem}`);
    }
    expect(failures).toEqual([]);
    expect(await countRows(t, [...TABLES])).toEqual(before);
    // Nothing leaked into global prototypes either.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Maintenance was never switched on by any of it.
    expect(await (await t.admin('GET', '/admin/v1/maintenance')).json()).toMatchObject({ enabled: false });
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
