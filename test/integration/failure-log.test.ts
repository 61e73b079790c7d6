import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { accessTokenFor } from '../support/expect-errors.js';
import { createSeller, type Seller } from '../support/fixtures.js';
import { kauflandSeller } from '../support/kaufland.js';

/** The log as the operator reads it: one JSON object per line. */
let lines: Record<string, unknown>[] = [];
let t: TestApp;
let seller: Seller;
let token: string;

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  t = await startTestApp({ LOG_LEVEL: 'info' }, 'failure-log', { logStream: stream });
  seller = await createSeller(t);
  token = await accessTokenFor(t, seller);
});
afterAll(() => t.close());

function failures() {
  return lines.filter((l) => l.msg === 'request failed');
}

describe('the failure log', () => {
  it('writes one line per failed request: request id, operation, seller, status, the dialect’s code and message', async () => {
    lines = [];
    const res = await fetch(
      `${t.url}/tax/invoices/2024-06-19/invoices?marketplaceId=${BRAZIL}&pageSize=9999`,
      {
        headers: { 'x-amz-access-token': token },
      },
    );
    expect(res.status).toBe(400);
    const requestId = res.headers.get('x-amzn-requestid');
    await new Promise((r) => setTimeout(r, 50));
    const [line, ...more] = failures();
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      reqId: requestId,
      operation: 'getInvoices',
      sellerId: seller.sellerId,
      status: 400,
      code: 'InvalidInput',
    });
    expect(String(line?.message)).toContain('pageSize');
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('covers every surface in its own words, and keeps secrets out', async () => {
    lines = [];
    await fetch(`${t.url}/admin/v1/sellers/not-a-seller`, {
      headers: { authorization: 'Bearer wrong-token-123456' },
    });
    await fetch(`${t.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${seller.clientId}&client_secret=not-the-secret`,
    });
    const k = await kauflandSeller(t);
    await k.client.request({ method: 'GET', segments: ['order-invoices'], query: [['limit', '0']] });
    await new Promise((r) => setTimeout(r, 50));
    const byCode = Object.fromEntries(failures().map((l) => [l.code, l]));
    expect(byCode['/problems/unauthorized']).toMatchObject({ status: 401 });
    expect(byCode.invalid_client).toMatchObject({ status: 401, operation: '/auth/o2/token' });
    expect(byCode['/problems/validation-error']).toMatchObject({
      status: 400,
      operation: 'GetOrderInvoices',
      sellerId: k.sellerId,
    });
    expect(String(byCode['/problems/validation-error']?.message)).toContain('[limit]');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('not-the-secret');
    expect(text).not.toContain('wrong-token-123456');
    expect(text).not.toContain(k.clientSecret);
  });
});
