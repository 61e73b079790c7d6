import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

describe('health, metrics and docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, 'system');
  });
  afterAll(() => t?.close());

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', maintenance: false });
  });

  it('exposes Prometheus metrics by route pattern, never by raw URL', async () => {
    await fetch(
      `${t.url}/tax/invoices/2024-06-19/invoices/11111111-2222-4333-8444-555555555555?marketplaceId=X`,
    );
    const res = await fetch(`${t.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(
      /invoicehub_http_requests_total\{method="GET",route="\/tax\/invoices\/2024-06-19\/invoices\/:invoiceId",status="403"\} 1/,
    );
    expect(text).not.toContain('11111111-2222');
    expect(text).toContain('invoicehub_jobs');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('serves one OpenAPI document per surface, generated from the routes', async () => {
    const sp = (await (await fetch(`${t.url}/docs/sp-api/json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ops = Object.values(sp.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops).toEqual(
      expect.arrayContaining([
        'getInvoicesAttributes',
        'getInvoices',
        'getInvoice',
        'createInvoicesExport',
        'getInvoicesExports',
        'getInvoicesExport',
        'getInvoicesDocument',
      ]),
    );
    expect(Object.keys(sp.paths).some((p) => p.startsWith('/admin'))).toBe(false);
    const admin = (await (await fetch(`${t.url}/docs/admin/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(admin.paths)).toEqual(
      expect.arrayContaining([
        '/admin/v1/sellers',
        '/admin/v1/invoices',
        '/admin/v1/orders',
        '/admin/v1/maintenance',
      ]),
    );
    expect(Object.keys(admin.paths).some((p) => p.startsWith('/tax'))).toBe(false);
    const kaufland = (await (await fetch(`${t.url}/docs/kaufland/json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
      components: { securitySchemes: Record<string, { in: string; name: string }> };
    };
    const kOps = Object.values(kaufland.paths).flatMap((p) => Object.values(p));
    expect(kOps.map((o) => o.operationId)).toEqual(
      expect.arrayContaining([
        'GetOrderInvoices',
        'GetOrderInvoice',
        'UploadOrderInvoice',
        'DeleteOrderInvoice',
      ]),
    );
    expect(kOps.filter((o) => o.operationId).every((o) => (o.security ?? []).length > 0)).toBe(true);
    expect(Object.values(kaufland.components.securitySchemes).map((s) => s.name)).toEqual(
      expect.arrayContaining(['Shop-Client-Key', 'Shop-Timestamp', 'Shop-Signature']),
    );
    expect(Object.keys(kaufland.paths).every((p) => p.startsWith('/kaufland/'))).toBe(true);
    expect(await (await fetch(`${t.url}/docs`)).text()).toContain('/docs/kaufland');
    expect((await fetch(`${t.url}/docs`)).status).toBe(200);
    expect((await fetch(`${t.url}/docs/sp-api`)).status).toBeLessThan(400);
  });
});
