import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { accessTokenFor, expectSpApiError, spApi } from '../../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../../support/fixtures.js';

describe('SP-API token buckets per seller and operation', () => {
  let t: TestApp;
  let a: Seller;
  let b: Seller;
  let tokenA: string;
  let tokenB: string;
  let invoiceA: string;

  /** Calls until the first 429, up to `max`; returns how many were let through. */
  async function drain(
    token: string,
    path: string,
    max: number,
  ): Promise<{ allowed: number; last: Response }> {
    for (let i = 0; i < max; i++) {
      const res = await spApi(t, token, path);
      if (res.status === 429) return { allowed: i, last: res };
      expect(res.status, await res.text()).toBeLessThan(400);
    }
    throw new Error(`no 429 after ${max} calls to ${path}`);
  }

  beforeAll(async () => {
    t = await startTestApp({}, 'ratelimit');
    a = await createSeller(t);
    b = await createSeller(t);
    // Tokens first: each refresh passes no bucket, but the clock moves below.
    tokenA = await accessTokenFor(t, a);
    tokenB = await accessTokenFor(t, b);
    const doc = invoiceXml(a.cnpj, { number: 1, issuedAt: new Date('2026-11-20T08:00:00Z') });
    invoiceA = (await ingest(t, doc.xml)).body.invoice?.id as string;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('getInvoicesAttributes: rate 1, burst 1; 429 QuotaExceeded with the headers clients need', async () => {
    const path = `/attributes?marketplaceId=${BRAZIL}`;
    const ok = await spApi(t, tokenA, path);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amzn-ratelimit-limit')).toBe('1');
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);

    const limited = await spApi(t, tokenA, path);
    const requestId = limited.headers.get('x-amzn-requestid');
    expect(limited.headers.get('x-amzn-ratelimit-limit')).toBe('1');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await expectSpApiError(limited, 429, 'QuotaExceeded');
    expect(body.errors[0]?.details).toContain('getInvoicesAttributes');
    expect(requestId).not.toBe(ok.headers.get('x-amzn-requestid'));

    t.clock.advance(999);
    expect((await spApi(t, tokenA, path)).status).toBe(429);
    t.clock.advance(1);
    expect((await spApi(t, tokenA, path)).status).toBe(200);
  });

  it('getInvoice: burst 15, then 2 per second', async () => {
    const path = `/invoices/${invoiceA}?marketplaceId=${BRAZIL}`;
    const { allowed, last } = await drain(tokenA, path, 40);
    expect(allowed).toBe(15);
    expect(last.headers.get('x-amzn-ratelimit-limit')).toBe('2');
    t.clock.advance(500);
    expect((await spApi(t, tokenA, path)).status).toBe(200);
    expect((await spApi(t, tokenA, path)).status).toBe(429);
    t.clock.advance(1000);
    expect((await spApi(t, tokenA, path)).status).toBe(200);
    expect((await spApi(t, tokenA, path)).status).toBe(200);
    expect((await spApi(t, tokenA, path)).status).toBe(429);
  });

  it('getInvoices: burst 20, then one call per 10 seconds; failed calls count too', async () => {
    const path = `/invoices?marketplaceId=${BRAZIL}`;
    const { allowed, last } = await drain(tokenA, path, 40);
    expect(allowed).toBe(20);
    expect(last.headers.get('x-amzn-ratelimit-limit')).toBe('0.1');
    await expectSpApiError(last, 429, 'QuotaExceeded');
    t.clock.advance(9_000);
    expect((await spApi(t, tokenA, path)).status).toBe(429);
    t.clock.advance(1_000);
    expect((await spApi(t, tokenA, path)).status).toBe(200);
    expect((await spApi(t, tokenA, path)).status).toBe(429);
  });

  it("one seller's exhaustion does not affect another seller or another operation", async () => {
    const list = `/invoices?marketplaceId=${BRAZIL}`;
    // Seller A is empty on getInvoices (previous test); B has its whole burst.
    expect((await spApi(t, tokenA, list)).status).toBe(429);
    const { allowed } = await drain(tokenB, list, 40);
    expect(allowed).toBe(20);
    // A's other buckets are independent of its exhausted getInvoices bucket.
    t.clock.advance(1000);
    expect((await spApi(t, tokenA, `/attributes?marketplaceId=${BRAZIL}`)).status).toBe(200);
    expect((await spApi(t, tokenA, `/invoices/${invoiceA}?marketplaceId=${BRAZIL}`)).status).toBe(200);
  });

  it('400 and 404 answers carry the rate-limit header as well', async () => {
    t.clock.advance(60_000);
    const missing = await spApi(
      t,
      tokenA,
      `/invoices/00000000-0000-4000-8000-000000000000?marketplaceId=${BRAZIL}`,
    );
    expect(missing.headers.get('x-amzn-ratelimit-limit')).toBe('2');
    await expectSpApiError(missing, 404, 'NotFound');
    const bad = await spApi(t, tokenA, `/invoices?marketplaceId=${BRAZIL}&pageSize=0`);
    expect(bad.headers.get('x-amzn-ratelimit-limit')).toBe('0.1');
    await expectSpApiError(bad, 400, 'InvalidInput');
  });

  it('unauthenticated callers do not drain a seller’s bucket', async () => {
    t.clock.advance(60_000);
    for (let i = 0; i < 5; i++) {
      await expectSpApiError(
        await spApi(t, 'Atza|forged', `/attributes?marketplaceId=${BRAZIL}`),
        403,
        'Unauthorized',
      );
    }
    expect((await spApi(t, tokenB, `/attributes?marketplaceId=${BRAZIL}`)).status).toBe(200);
  });
});

describe('SP-API rate plans from SPAPI_RATE_LIMITS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(
      { SPAPI_RATE_LIMITS: '{"getInvoicesAttributes": {"rate": 0.5, "burst": 3}}' },
      'ratelimit-plans',
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an operator-set plan replaces the default and shows in the header', async () => {
    const seller = await createSeller(t);
    const token = await accessTokenFor(t, seller);
    const path = `/attributes?marketplaceId=${BRAZIL}`;
    for (let i = 0; i < 3; i++) expect((await spApi(t, token, path)).status).toBe(200);
    const limited = await spApi(t, token, path);
    expect(limited.headers.get('x-amzn-ratelimit-limit')).toBe('0.5');
    await expectSpApiError(limited, 429, 'QuotaExceeded');
    t.clock.advance(2000);
    expect((await spApi(t, token, path)).status).toBe(200);
  });
});
