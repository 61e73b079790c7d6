import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { buildAccessKey } from '../../../src/core/nfe/access-key.js';
import type { TestApp } from '../../support/app.js';
import type { Seller } from '../../support/fixtures.js';
import { waitFor } from '../../support/sdk.js';

export { waitFor };

export const SC = '/sellercenter';
export const HEADER = [
  'orderNumber',
  'orderId',
  'orderItemId',
  'sku',
  'orderDate',
  'status',
  'invoiceNumber',
  'invoiceSeries',
  'accessKey',
];

export interface ScProblem {
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** Asserts SellerCenter's problem-details shape and status; returns the body. */
export async function expectScProblem(res: Response, status: number, title?: string): Promise<ScProblem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ScProblem;
  expect(body).toMatchObject({ title: expect.any(String), status, detail: expect.any(String) });
  if (title) expect(body.title).toBe(title);
  return body;
}

export function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

export function tokenCall(
  t: TestApp,
  authorization: string | undefined,
  body = 'grant_type=client_credentials',
) {
  return fetch(`${t.url}${SC}/oauth/client-credentials`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body,
  });
}

export async function scToken(t: TestApp, seller: Seller): Promise<string> {
  const res = await tokenCall(t, basic(seller.clientId, seller.clientSecret));
  const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
  expect(res.status).toBe(200);
  expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
  return body.access_token;
}

export function sc(t: TestApp, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.url}${SC}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });
}

export interface OrderSpec {
  orderId: string;
  status?: string;
  items: string[];
  createdAt?: string;
}

export async function loadOrders(t: TestApp, seller: Seller, orders: OrderSpec[]): Promise<void> {
  const res = await t.admin(
    'POST',
    '/admin/v1/orders',
    orders.map((o, i) => ({
      orderId: o.orderId,
      sellerId: seller.sellerId,
      orderNumber: `N-${o.orderId}`,
      createdAt: o.createdAt ?? new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString(),
      status: o.status ?? 'shipped',
      items: o.items.map((id) => ({ orderItemId: id, sku: `SKU-${id}` })),
    })),
  );
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** A valid key of `cnpj` (November 2026 unless `yymm` says otherwise). */
export function keyOf(cnpj: string, number: number, yymm = '2611'): string {
  return buildAccessKey({
    cUF: '35',
    yymm,
    cnpj,
    model: '55',
    series: '1',
    number: String(number),
    tpEmis: '1',
    cNF: '12345678',
  });
}

/** The same key with its check digit changed. */
export function withWrongCheckDigit(key: string): string {
  const dv = Number(key.slice(-1));
  return key.slice(0, -1) + String((dv + 1) % 10);
}

export function parseCsv(bytes: Buffer): string[][] {
  return parse(bytes, { delimiter: ';', bom: true }) as string[][];
}

export async function parseXlsx(bytes: Buffer): Promise<{ rows: string[][]; types: Set<number> }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  const rows: string[][] = [];
  const types = new Set<number>();
  sheet.eachRow((row) => {
    const out: string[] = [];
    for (let c = 1; c <= HEADER.length; c++) {
      const cell = row.getCell(c);
      if (cell.value !== null) types.add(cell.type);
      out.push(cell.text);
    }
    rows.push(out);
  });
  return { rows, types };
}

/** The template's rows (without the header) as objects. */
export function asObjects(rows: string[][]): Record<string, string>[] {
  const [header, ...data] = rows;
  expect(header).toEqual(HEADER);
  return data.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i] ?? ''])));
}

export async function download(res: Response): Promise<Buffer> {
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

export function upload(
  t: TestApp,
  token: string,
  bytes: Uint8Array | string,
  fileName: string,
  field = 'file',
) {
  const form = new FormData();
  form.append(field, new Blob([bytes]), fileName);
  return sc(t, token, '/v2/import/missing-invoice-access-key', { method: 'POST', body: form });
}

export interface FeedBody {
  feedId: number;
  feedUuid: string;
  status: string;
  fileErrors: { field: string; message: string }[];
  ignoredColumns: string[];
  description: string;
  summary: { rows: number; applied: number; unchanged: number; rejected: number };
  results: {
    row: number;
    orderId: string | null;
    orderItemId: string | null;
    status: string;
    message: string;
  }[];
}

/** Uploads and follows the feed to its end. */
export async function importFile(t: TestApp, token: string, bytes: Uint8Array | string, fileName: string) {
  const res = await upload(t, token, bytes, fileName);
  const created = (await res.json()) as { feedId: number; feedUuid: string };
  expect(res.status, JSON.stringify(created)).toBe(202);
  expect(created).toEqual({ feedId: expect.any(Number), feedUuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  return waitFor(
    async () => {
      const feed = (await (await sc(t, token, `/v2/feeds/${created.feedId}`)).json()) as FeedBody;
      return feed.status === 'finished' || feed.status === 'failed' ? feed : undefined;
    },
    { what: `feed ${created.feedId}` },
  );
}

export function byItem(feed: FeedBody): Map<string, { status: string; message: string }> {
  return new Map(feed.results.map((r) => [r.orderItemId ?? `row ${r.row}`, r]));
}
