import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';
import { sdkFor } from '../../support/sdk.js';
import { validateSpApi } from '../../support/spapi-model.js';

describe('SP-API quotas as the official SDK meets them', () => {
  let t: TestApp;
  let seller: Seller;
  let restore: () => void;

  beforeAll(async () => {
    t = await startTestApp({}, 'sdkquota');
    restore = redirectLwaTo(t.url);
    seller = await createSeller(t);
  });
  afterAll(async () => {
    restore?.();
    await t?.close();
  });

  it('getInvoices allows its burst of 20, then answers 429 QuotaExceeded until the bucket refills', async () => {
    const api = sdkFor(t.url, seller); // the SDK's own limiter is off: the server decides
    for (let i = 0; i < 20; i++) {
      const { response } = await api.getInvoicesWithHttpInfo(BRAZIL, {});
      expect(response.headers['x-amzn-ratelimit-limit']).toBe('0.1');
    }
    let error: { status: number; response: { body: unknown; headers: Record<string, string> } } | undefined;
    try {
      await api.getInvoices(BRAZIL, {});
    } catch (err) {
      error = err as typeof error;
    }
    if (!error) throw new Error('the 21st call should have failed');
    expect(error.status).toBe(429);
    expect(validateSpApi('ErrorList', error.response.body)).toEqual([]);
    expect((error.response.body as { errors: { code: string }[] }).errors[0]?.code).toBe('QuotaExceeded');
    expect(error.response.headers['x-amzn-ratelimit-limit']).toBe('0.1');
    expect(error.response.headers['x-amzn-requestid']).toBeTruthy();
    t.clock.advance(10_000); // 0.1 token per second: one more call
    await expect(api.getInvoices(BRAZIL, {})).resolves.toMatchObject({ invoices: [] });
    await expect(api.getInvoices(BRAZIL, {})).rejects.toMatchObject({ status: 429 });
  });
});
