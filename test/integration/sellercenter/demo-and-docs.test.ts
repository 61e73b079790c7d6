import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../src/core/demo/demo-data.js';
import { demoDeps } from '../../../src/main/deps.js';
import { sellerCenterTryLines } from '../../../src/main/sellercenter-banner.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createSeller } from '../../support/fixtures.js';
import { asObjects, loadOrders, parseCsv, scToken } from './support.js';

describe('SellerCenter: demo data, the printed token request, the OpenAPI document, paging', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'sc-demo');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-sc-demo-'));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the demo seller has items missing keys, and the banner lines fetch them as printed', async () => {
    const { credentials } = await seedDemo({ ...demoDeps(t.deps), clock: t.clock }, 20);
    const script = sellerCenterTryLines(t.url, credentials)
      .slice(1)
      .map((l) => l.trim())
      .join('\n')
      .replace(/\\\n/g, ' ');
    // Asynchronously: the server answering the curls runs in this very process.
    await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, timeout: 30_000 });
    const rows = asObjects(parseCsv(fs.readFileSync(path.join(dir, 'template.csv'))));
    // 25 orders of one to three items; the demo's sales have their NF-e linked and are not listed.
    expect(rows).toHaveLength(49);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['ready_to_ship', 'shipped', 'delivered']));
    expect(rows.every((r) => r.orderId?.startsWith('703-') && r.accessKey === '')).toBe(true);
  });

  it('serves the OpenAPI document with a bearer scheme and every path', async () => {
    const doc = (await (await fetch(`${t.url}/docs/sellercenter/json`)).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/sellercenter/filemanager/v1/files/download/{uuid}',
      '/sellercenter/oauth/client-credentials',
      '/sellercenter/v2/exports/{id}',
      '/sellercenter/v2/feeds/{id}',
      '/sellercenter/v2/import/missing-invoice-access-key',
      '/sellercenter/v2/order-items/{orderItemId}/invoice-access-key',
      '/sellercenter/v2/template/missing-invoice-access-key',
      '/sellercenter/v2/template/missing-invoice-access-key-async',
    ]);
  });

  it('reads the rows in keyset pages without skipping or repeating across equal dates', async () => {
    const seller = await createSeller(t);
    const at = '2026-11-10T08:00:00.000Z';
    await loadOrders(t, seller, [
      { orderId: 'K2', createdAt: at, items: ['b', 'a', 'c'] },
      { orderId: 'K1', createdAt: at, items: ['z'] },
      { orderId: 'K3', createdAt: '2026-11-09T08:00:00.000Z', items: ['x', 'y'] },
      { orderId: 'K4', createdAt: at, status: 'canceled', items: ['n'] },
    ]);
    const ids: string[] = [];
    for await (const row of t.deps.services.templates.rows(seller.sellerId, 2))
      ids.push(`${row.orderId}/${row.orderItemId}`);
    expect(ids).toEqual(['K3/x', 'K3/y', 'K1/z', 'K2/a', 'K2/b', 'K2/c']);
    expect(await scToken(t, seller)).toMatch(/^Atza\|/);
  });
});
