import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  accessTokenFor,
  expectLwaError,
  expectProblem,
  expectSpApiError,
  spApi,
  tokenRequest,
} from '../../support/expect-errors.js';
import { createSeller, invoiceXml, type Seller } from '../../support/fixtures.js';

describe('maintenance mode', () => {
  let t: TestApp;
  let seller: Seller;
  let token: string;
  let invoiceId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'maintenance');
    seller = await createSeller(t);
    token = await accessTokenFor(t, seller);
    const { xml } = invoiceXml(seller.cnpj, { number: 1, issuedAt: new Date('2026-11-20T08:00:00Z') });
    const res = await t.admin('POST', '/admin/v1/invoices', xml, { 'content-type': 'application/xml' });
    invoiceId = ((await res.json()) as { invoice: { id: string } }).invoice.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const sellerCalls = (): Promise<Response>[] => [
    spApi(t, token, `/attributes?marketplaceId=${BRAZIL}`),
    spApi(t, token, `/invoices?marketplaceId=${BRAZIL}`),
    spApi(t, token, `/invoices/${invoiceId}?marketplaceId=${BRAZIL}`),
    spApi(t, 'Atza|bogus', `/invoices?marketplaceId=${BRAZIL}`),
    fetch(`${t.url}/tax/invoices/2024-06-19/invoices?marketplaceId=${BRAZIL}`, {
      headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
    }),
  ];

  it('starts off, and every seller-facing call works', async () => {
    const state = await t.admin('GET', '/admin/v1/maintenance');
    expect(await state.json()).toMatchObject({ enabled: false });
    const answers = await Promise.all(sellerCalls());
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 403, 200]);
  });

  it('while enabled, SP-API and LWA answer 503 in their own shapes; operator API and health stay up', async () => {
    const put = await t.admin('PUT', '/admin/v1/maintenance', {
      enabled: true,
      message: 'Upgrading the store',
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ enabled: true, message: 'Upgrading the store' });

    for (const res of await Promise.all(sellerCalls())) {
      const body = await expectSpApiError(res, 503, 'ServiceUnavailable');
      expect(body.errors[0]?.details).toContain('Upgrading the store');
    }
    const lwa = await tokenRequest(t, {
      grant_type: 'refresh_token',
      client_id: seller.clientId,
      client_secret: seller.clientSecret,
      refresh_token: seller.refreshToken,
    });
    const lwaBody = await expectLwaError(lwa, 503, 'temporarily_unavailable');
    expect(lwaBody.error_description).toContain('Upgrading the store');

    // The operator keeps working: reads, onboarding, ingestion.
    expect((await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}`)).status).toBe(200);
    const other = await createSeller(t);
    const { xml } = invoiceXml(other.cnpj, { number: 1, issuedAt: new Date('2026-11-20T09:00:00Z') });
    expect(
      (await t.admin('POST', '/admin/v1/invoices', xml, { 'content-type': 'application/xml' })).status,
    ).toBe(201);
    expect((await t.admin('GET', '/admin/v1/maintenance')).status).toBe(200);

    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', maintenance: true });
  });

  it('lifting it restores seller access with the same tokens', async () => {
    const put = await t.admin('PUT', '/admin/v1/maintenance', { enabled: false });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ enabled: false });
    const answers = await Promise.all(sellerCalls());
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 403, 200]);
    expect(
      (
        await tokenRequest(t, {
          grant_type: 'client_credentials',
          client_id: seller.clientId,
          client_secret: seller.clientSecret,
        })
      ).status,
    ).toBe(200);
  });

  it('uses a default message and rejects malformed switches with problem details', async () => {
    const on = await t.admin('PUT', '/admin/v1/maintenance', { enabled: true });
    expect(((await on.json()) as { message: string }).message.length).toBeGreaterThan(0);
    const cases: [unknown, string][] = [
      [{ enabled: 'yes' }, 'enabled'],
      [{}, 'enabled'],
      [{ enabled: true, message: 'x'.repeat(501) }, 'message'],
      [{ enabled: false, until: 'tomorrow' }, 'until'],
    ];
    for (const [body, field] of cases) {
      await expectProblem(await t.admin('PUT', '/admin/v1/maintenance', body), 400, field);
    }
    await expectProblem(
      await t.admin('PUT', '/admin/v1/maintenance', '{"enabled":', { 'content-type': 'application/json' }),
      400,
    );
    const unauth = await fetch(`${t.url}/admin/v1/maintenance`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    await expectProblem(unauth, 401);
    // Still on: nothing above switched it off.
    expect(await (await t.admin('GET', '/admin/v1/maintenance')).json()).toMatchObject({ enabled: true });
    await t.admin('PUT', '/admin/v1/maintenance', { enabled: false });
  });
});
