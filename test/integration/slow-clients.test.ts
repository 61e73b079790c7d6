import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.js';
import { accessTokenFor } from '../support/expect-errors.js';
import { createSeller, type Seller } from '../support/fixtures.js';
import { rawExchange } from '../support/raw-http.js';
import { scToken } from './sellercenter/support.js';

/**
 * Slow clients on a real socket, with deadlines of a second or two: a body that trickles, stalls
 * or stops short of its Content-Length is cut off with a 408 in the shape of the surface it was
 * aimed at, and the connection is closed; HTTP-level errors (slow or oversized headers, broken
 * framing) get a bare status line. Bounds on elapsed time are generous: the point is "cut off",
 * not "how fast".
 */
const SP = '/tax/invoices/2024-06-19';

interface Answer {
  status: number;
  head: string;
  body: string;
  closed: boolean;
  ms: number;
}

function parse(r: { text: string; closed: boolean; ms: number }): Answer {
  const split = r.text.indexOf('\r\n\r\n');
  const head = split === -1 ? r.text : r.text.slice(0, split);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: split === -1 ? '' : r.text.slice(split + 4), closed: r.closed, ms: r.ms };
}

const request = (method: string, path: string, headers: Record<string, string>) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

/** Headers, then `body` one byte at a time every `gapMs` (a slowloris body). */
async function trickle(
  t: TestApp,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
) {
  const parts = [
    request(method, path, { 'content-length': String(body.length), ...headers }),
    ...body.split(''),
  ];
  return parse(await rawExchange(t.url, parts, { gapMs: 300, waitMs: 15_000 }));
}

describe('slow clients and HTTP-level errors', () => {
  let t: TestApp;
  let seller: Seller;
  let kSeller: Seller;
  let amz: string;
  let scBearer: string;

  beforeAll(async () => {
    t = await startTestApp(
      {
        RATE_LIMITS_ENABLED: 'false',
        HEADERS_TIMEOUT_SECONDS: '1',
        BODY_TIMEOUT_SECONDS: '1',
        BODY_MIN_BYTES_PER_SECOND: '200',
        REQUEST_TIMEOUT_SECONDS: '6',
        KEEP_ALIVE_TIMEOUT_SECONDS: '1',
      },
      'slow-clients',
    );
    seller = await createSeller(t);
    kSeller = await createSeller(t, { storefronts: ['de'] });
    amz = await accessTokenFor(t, seller);
    scBearer = await scToken(t, seller);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('cuts off a trickling body with a 408 in each surface’s shape, on every kind of upload', async () => {
    const kauflandHeaders = {
      'content-type': 'application/json',
      'shop-client-key': kSeller.clientId,
      'shop-timestamp': String(Math.floor(t.clock.now().getTime() / 1000)),
      'shop-signature': '0'.repeat(64),
    };
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const body = 'x'.repeat(200);
    const [xml, zip, token, exportJson, kaufland, sellercenter] = await Promise.all([
      trickle(t, 'POST', '/admin/v1/invoices', { ...admin, 'content-type': 'application/xml' }, body),
      trickle(t, 'POST', '/admin/v1/invoices/bulk', { ...admin, 'content-type': 'application/zip' }, body),
      trickle(t, 'POST', '/auth/o2/token', { 'content-type': 'application/x-www-form-urlencoded' }, body),
      trickle(
        t,
        'POST',
        `${SP}/exports`,
        { 'x-amz-access-token': amz, 'content-type': 'application/json' },
        body,
      ),
      trickle(t, 'POST', '/kaufland/v2/order-invoices/K-1', kauflandHeaders, body),
      trickle(
        t,
        'POST',
        '/sellercenter/v2/import/missing-invoice-access-key',
        { authorization: `Bearer ${scBearer}`, 'content-type': 'multipart/form-data; boundary=b' },
        body,
      ),
    ]);
    for (const a of [xml, zip, token, exportJson, kaufland, sellercenter]) {
      expect(a.status, `${a.head}\n${a.body}`).toBe(408);
      expect(a.closed).toBe(true);
      expect(a.head).toMatch(/\r\nconnection: close/i);
      // Cut off after about a second (BODY_TIMEOUT_SECONDS plus a check interval), never minutes.
      expect(a.ms).toBeLessThan(8000);
    }
    expect(JSON.parse(xml.body)).toMatchObject({ status: 408, type: '/problems/request-timeout' });
    expect(JSON.parse(xml.body).detail).toMatch(/too slow: \d+ bytes\/s, less than 200 bytes\/s/);
    expect(JSON.parse(zip.body)).toMatchObject({ status: 408 });
    expect(JSON.parse(token.body)).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String),
    });
    expect(JSON.parse(exportJson.body)).toMatchObject({ errors: [{ code: 'RequestTimeout' }] });
    expect(Object.keys(JSON.parse(kaufland.body)).sort()).toEqual(['errors', 'message', 'type']);
    expect(JSON.parse(sellercenter.body)).toMatchObject({ status: 408, title: 'Request Timeout' });
  });

  it('times out a body shorter than its Content-Length, in the shape of the surface', async () => {
    const head = request('POST', '/admin/v1/invoices', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/xml',
      'content-length': '100',
    });
    const a = parse(await rawExchange(t.url, [head, '<nfeProc>'], { waitMs: 15_000 }));
    expect(a.status).toBe(408);
    expect(a.closed).toBe(true);
    // Stalled, or (when the few bytes came a moment after the clock started) too slow: both are true.
    expect(JSON.parse(a.body)).toMatchObject({
      status: 408,
      detail: expect.stringMatching(/stalled|too slow/),
    });
    const unknown = request('POST', '/kaufland/v2/nope', {
      'content-type': 'application/json',
      'content-length': '50',
    });
    const k = parse(await rawExchange(t.url, [unknown, '{"a":'], { waitMs: 15_000 }));
    expect(k.status).toBe(408);
    expect(Object.keys(JSON.parse(k.body)).sort()).toEqual(['errors', 'message', 'type']);
  });

  it('leaves alone a body nobody reads once the answer is out (a GET with a stalled body)', async () => {
    const head = request('GET', '/healthz', { 'content-length': '100' });
    const a = parse(await rawExchange(t.url, [head, 'abc'], { waitMs: 3000 }));
    expect(a.status).toBe(200);
    // Past BODY_TIMEOUT_SECONDS: no late 408 written over the answer, and the server is still up.
    expect(a.body).not.toMatch(/408/);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('lets a slow but steady upload through', async () => {
    // ~1,000 bytes/s for 2 s: past the grace period, above BODY_MIN_BYTES_PER_SECOND.
    const body = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'x',
      client_secret: 'y',
      pad: 'p'.repeat(1900),
    });
    const chunks = body.match(/[\s\S]{1,100}/g) ?? [];
    const head = request('POST', '/auth/o2/token', {
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
    const a = parse(await rawExchange(t.url, [head, ...chunks], { gapMs: 100, waitMs: 15_000 }));
    // Unknown client: the body arrived whole and was judged, not cut off.
    expect(a.status).toBe(401);
    expect(JSON.parse(a.body)).toMatchObject({ error: 'invalid_client' });
  });

  it('cuts off a steady body that outlasts REQUEST_TIMEOUT_SECONDS', async () => {
    // ~330 bytes/s, above the minimum rate, but 15 s of body against a 6 s ceiling.
    const body = 'x'.repeat(5000);
    const head = request('POST', '/admin/v1/invoices', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/xml',
      'content-length': String(body.length),
    });
    const chunks = body.match(/[\s\S]{1,100}/g) ?? [];
    const a = parse(await rawExchange(t.url, [head, ...chunks], { gapMs: 300, waitMs: 20_000 }));
    expect(a.status).toBe(408);
    expect(JSON.parse(a.body).detail).toMatch(/not received within 6 s/);
    expect(a.ms).toBeLessThan(12_000);
  });

  it('answers slow headers with a bare 408 and closes', async () => {
    const a = parse(await rawExchange(t.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n'], { waitMs: 15_000 }));
    expect(a.head).toBe('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close');
    expect(a.body).toBe('');
    expect(a.closed).toBe(true);
    expect(a.ms).toBeLessThan(8000);
  });

  it('answers oversized headers and broken framing with a bare status line, HEAD included', async () => {
    const big = `x-big: ${'a'.repeat(20_000)}\r\n`;
    for (const method of ['GET', 'HEAD', 'POST']) {
      const a = parse(
        await rawExchange(t.url, [`${method} /admin/v1/sellers HTTP/1.1\r\nHost: x\r\n${big}\r\n`]),
      );
      expect(a.head).toBe(
        'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close',
      );
      expect(a.body).toBe('');
      expect(a.closed).toBe(true);
    }
    const framing = [
      'GET /admin/v1/sellers HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HEAD /auth/o2/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /kaufland/v2/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'NOT HTTP AT ALL\r\n\r\n',
    ];
    for (const raw of framing) {
      const a = parse(await rawExchange(t.url, [raw]));
      expect(a.head, raw).toBe('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close');
      expect(a.body).toBe('');
    }
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_SECONDS', async () => {
    const a = await rawExchange(t.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], { waitMs: 10_000 });
    expect(a.text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(a.closed).toBe(true);
    expect(a.ms).toBeLessThan(8000);
  });
});
