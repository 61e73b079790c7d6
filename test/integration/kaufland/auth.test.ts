import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  type KauflandSeller,
  kauflandSeller,
  loadKauflandOrders,
  tinyPdf,
  uploadBody,
} from '../../support/kaufland.js';
import { type KauflandRequest, kauflandClient, signKaufland } from '../../support/kaufland-client.js';
import { validateKaufland } from '../../support/kaufland-model.js';

let t: TestApp;
let seller: KauflandSeller;

const LIST = ['order-invoices'];

beforeAll(async () => {
  // Behind a proxy that serves us at https://erp.example.com/ih and strips /ih before forwarding.
  t = await startTestApp(
    { PUBLIC_BASE_URL: 'https://erp.example.com/ih', KAUFLAND_RATE_LIMIT: '1000' },
    'kaufland-auth',
  );
  seller = await kauflandSeller(t);
  await loadKauflandOrders(t, seller.sellerId, [{ orderId: 'MB7UWLD' }]);
});
afterAll(() => t.close());

/** A request as the proxy forwards it: signed over the public URL, sent to our own address. */
function viaProxy(path: string): string {
  return `https://erp.example.com/ih${path}`;
}

async function expect401(res: { status: number; json<T>(): T }, type: string, field?: string) {
  expect(res.status).toBe(401);
  const body = res.json<{ type: string; errors: { field: string }[] }>();
  expect(validateKaufland('ErrorResponse', body)).toEqual([]);
  expect(body.type).toBe(type);
  if (field) expect(body.errors.map((e) => e.field)).toContain(field);
}

describe('Kaufland request signatures', () => {
  it('accepts a request signed over the public URL behind a path-stripping proxy', async () => {
    const path = '/kaufland/v2/order-invoices?limit=5';
    const res = await seller.client.request({
      method: 'GET',
      rawPath: path,
      signAs: { url: viaProxy(path) },
    });
    expect(res.status, res.text).toBe(200);
    // The listening address is not the public one: signing it is a mismatch that names the URL checked.
    const local = await seller.client.request({ method: 'GET', rawPath: path });
    await expect401(local, '/problems/corrupted-signature', 'Shop-Signature');
    expect(local.text).toContain('https://erp.example.com/ih/kaufland/v2/order-invoices?limit=5');
  });

  it('verifies the URL exactly as each client spelled it', async () => {
    const since = '2026-01-01T00:00:00Z';
    const spellings = [
      { colon: 'raw' },
      { colon: 'encoded' },
      { colon: 'encoded', hexCase: 'lower' },
      { trailingSlash: true },
    ] as const;
    for (const spelling of spellings) {
      const target = new URL(seller.client.urlFor(LIST, [['ts_created_from_iso', since]], spelling));
      const path = target.pathname + target.search;
      const res = await seller.client.request({
        method: 'GET',
        rawPath: path,
        signAs: { url: viaProxy(path) },
      });
      expect(res.status, `${JSON.stringify(spelling)}: ${res.text}`).toBe(200);
    }
    // Query order and `+` in an offset are whatever the client sent.
    for (const path of [
      '/kaufland/v2/order-invoices?storefront=de&limit=5',
      '/kaufland/v2/order-invoices?limit=5&storefront=de',
      '/kaufland/v2/order-invoices?ts_created_from_iso=2026-01-01T00:00:00%2B02:00',
    ]) {
      const res = await seller.client.request({
        method: 'GET',
        rawPath: path,
        signAs: { url: viaProxy(path) },
      });
      expect(res.status, `${path}: ${res.text}`).toBe(200);
    }
    // A space as `+` or `%20` reaches validation (400 naming the field), past the signature.
    for (const path of [
      '/kaufland/v2/order-invoices?storefront=d+e',
      '/kaufland/v2/order-invoices?storefront=d%20e',
    ]) {
      const res = await seller.client.request({
        method: 'GET',
        rawPath: path,
        signAs: { url: viaProxy(path) },
      });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        type: '/problems/validation-error',
        errors: [{ field: 'storefront' }],
      });
    }
    // Signed with %3A, sent with ':'.
    const sent = '/kaufland/v2/order-invoices?ts_created_from_iso=2026-01-01T00:00:00Z';
    const signed = viaProxy('/kaufland/v2/order-invoices?ts_created_from_iso=2026-01-01T00%3A00%3A00Z');
    await expect401(
      await seller.client.request({ method: 'GET', rawPath: sent, signAs: { url: signed } }),
      '/problems/corrupted-signature',
    );
  });

  it('verifies the body as the bytes received: raw UTF-8 and \\u escapes each with their own signature', async () => {
    const path = '/kaufland/v2/order-invoices/MB7UWLD';
    const body = uploadBody(tinyPdf(), 'Rechnung Müller.pdf');
    for (const bodyEncoding of ['utf8', 'escaped'] as const) {
      const res = await seller.client.request({
        method: 'POST',
        rawPath: path,
        body,
        bodyEncoding,
        signAs: { url: viaProxy(path) },
      });
      expect(res.status, res.text).toBe(201);
      expect(res.json()).toMatchObject({ data: { original_name: 'Rechnung Müller.pdf' } });
    }
    const escaped = JSON.stringify(body).replace('ü', '\\u00fc');
    const mismatch = await seller.client.request({
      method: 'POST',
      rawPath: path,
      body,
      signAs: { url: viaProxy(path), body: escaped },
    });
    await expect401(mismatch, '/problems/corrupted-signature');
  });

  it('refuses stale, future and replayed timestamps, unknown keys and missing or malformed headers', async () => {
    const path = '/kaufland/v2/order-invoices';
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const send = (over: Partial<KauflandRequest>) =>
      seller.client.request({ method: 'GET', rawPath: path, signAs: { url: viaProxy(path) }, ...over });

    expect((await send({ timestamp: now - 300 })).status).toBe(200);
    await expect401(await send({ timestamp: now - 301 }), '/problems/unauthorized', 'Shop-Timestamp');
    await expect401(await send({ timestamp: now + 301 }), '/problems/unauthorized', 'Shop-Timestamp');
    await expect401(await send({ timestamp: 1411055926 }), '/problems/unauthorized', 'Shop-Timestamp');
    await expect401(
      await send({ timestamp: '2026-11-20T12:00:00Z' }),
      '/problems/missing-or-invalid-request-header',
    );
    await expect401(await send({ clientKey: 'f'.repeat(32) }), '/problems/unauthorized', 'Shop-Client-Key');
    await expect401(
      await send({ signature: null }),
      '/problems/missing-or-invalid-request-header',
      'Shop-Signature',
    );
    await expect401(
      await send({ clientKey: null }),
      '/problems/missing-or-invalid-request-header',
      'Shop-Client-Key',
    );
    await expect401(
      await send({ timestamp: null }),
      '/problems/missing-or-invalid-request-header',
      'Shop-Timestamp',
    );
    await expect401(await send({ signature: 'xyz' }), '/problems/missing-or-invalid-request-header');
    await expect401(await send({ signature: '0'.repeat(64) }), '/problems/corrupted-signature');
    // Upper-case hex is the same digest.
    const ts = String(now);
    const upper = signKaufland(seller.clientSecret, 'GET', viaProxy(path), '', ts).toUpperCase();
    expect((await send({ timestamp: ts, signature: upper })).status).toBe(200);
  });

  it('stops accepting a revoked pair at once, and a new pair works', async () => {
    const s = await kauflandSeller(t);
    const path = '/kaufland/v2/order-invoices';
    const ok = await s.client.request({ method: 'GET', rawPath: path, signAs: { url: viaProxy(path) } });
    expect(ok.status).toBe(200);
    const revoked = await t.admin('DELETE', `/admin/v1/sellers/${s.sellerId}/credentials/${s.clientId}`);
    expect(revoked.status).toBe(204);
    const res = await s.client.request({ method: 'GET', rawPath: path, signAs: { url: viaProxy(path) } });
    await expect401(res, '/problems/unauthorized', 'Shop-Client-Key');

    const issued = await t.admin('POST', `/admin/v1/sellers/${s.sellerId}/credentials`);
    const pair = (await issued.json()) as { clientId: string; clientSecret: string };
    const fresh = kauflandClient({
      baseUrl: `${t.url}/kaufland/v2`,
      clientKey: pair.clientId,
      secret: pair.clientSecret,
      now: () => t.clock.now(),
    });
    expect(
      (await fresh.request({ method: 'GET', rawPath: path, signAs: { url: viaProxy(path) } })).status,
    ).toBe(200);
  });

  it('answers 503 in maintenance and 429 beyond the rate, in Kaufland shape, before anything else', async () => {
    const path = '/kaufland/v2/order-invoices';
    const on = await t.admin('PUT', '/admin/v1/maintenance', { enabled: true, message: 'upgrading' });
    expect(on.status).toBe(200);
    const res = await seller.client.request({
      method: 'GET',
      rawPath: path,
      signAs: { url: viaProxy(path) },
    });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ type: '/problems/service-unavailable' });
    expect(validateKaufland('ErrorResponse', res.json())).toEqual([]);
    await t.admin('PUT', '/admin/v1/maintenance', { enabled: false });
  });
});

describe('Kaufland rate limit', () => {
  it('allows KAUFLAND_RATE_LIMIT requests per second per seller across the dialect, then 429 with Retry-After', async () => {
    const limited = await startTestApp({ KAUFLAND_RATE_LIMIT: '3' }, 'kaufland-rate');
    try {
      const s = await kauflandSeller(limited);
      const other = await kauflandSeller(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await s.client.request({ method: 'GET', segments: LIST })).status);
      }
      statuses.push(
        (await s.client.request({ method: 'GET', segments: ['order-invoices', 'NOPE', '1'] })).status,
      );
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limitedRes = await s.client.request({ method: 'GET', segments: LIST });
      expect(limitedRes.status).toBe(429);
      expect(limitedRes.headers['retry-after']).toBe('1');
      expect(limitedRes.json()).toMatchObject({ type: 'about:blank' });
      expect(validateKaufland('ErrorResponse', limitedRes.json())).toEqual([]);
      // Another seller has its own bucket; the first refills with time.
      expect((await other.client.request({ method: 'GET', segments: LIST })).status).toBe(200);
      limited.clock.advance(1000);
      expect((await s.client.request({ method: 'GET', segments: LIST })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
