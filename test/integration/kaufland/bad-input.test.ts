import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  type KauflandSeller,
  kauflandSeller,
  loadKauflandOrders,
  tinyPdf,
  uploadBody,
} from '../../support/kaufland.js';
import { jsonAsciiEscaped, type KauflandRequest } from '../../support/kaufland-client.js';
import { validateKaufland } from '../../support/kaufland-model.js';

const LIMIT = 4096;
let t: TestApp;
let seller: KauflandSeller;

beforeAll(async () => {
  t = await startTestApp(
    { MAX_ORDER_INVOICE_BYTES: String(LIMIT), KAUFLAND_RATE_LIMIT: '100000' },
    'kaufland-bad',
  );
  seller = await kauflandSeller(t);
  await loadKauflandOrders(t, seller.sellerId, [{ orderId: 'MB7UWLD' }]);
});
afterAll(() => t.close());

function blobFiles(): string[] {
  const root = path.join(t.db.dataDir, 'blobs');
  return fs.existsSync(root) ? (fs.readdirSync(root, { recursive: true }) as string[]) : [];
}

async function total(): Promise<number> {
  const res = await seller.client.request({ method: 'GET', segments: ['order-invoices'] });
  return res.json<{ pagination: { total: number } }>().pagination.total;
}

/** Sends, checks status, Kaufland shape and the fields named; returns the body. */
async function refused(req: KauflandRequest, status: number, fields: string[] = []) {
  const res = await seller.client.request(req);
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ type: string; message: string; errors: { field: string; message: string }[] }>();
  expect(validateKaufland('ErrorResponse', body), res.text).toEqual([]);
  for (const f of fields)
    expect(
      body.errors.map((e) => e.field),
      res.text,
    ).toContain(f);
  return body;
}

const upload = (body: unknown, extra: Partial<KauflandRequest> = {}): KauflandRequest => ({
  method: 'POST',
  segments: ['order-invoices', 'MB7UWLD'],
  body,
  ...extra,
});

describe('Kaufland uploads: bad input is refused precisely and nothing is stored', () => {
  it('names each field at fault, all at once', async () => {
    const before = { total: await total(), files: blobFiles().length };
    const pdf = tinyPdf();
    const b64 = pdf.toString('base64');
    const cases: [string, unknown, string[]][] = [
      ['wrong mime type', uploadBody(pdf, 'a.pdf', 'image/png'), ['mime_type']],
      [
        'mime type with parameters',
        uploadBody(pdf, 'a.pdf', 'application/pdf; charset=utf-8'),
        ['mime_type'],
      ],
      ['not a PDF', uploadBody(Buffer.from('GIF89a not a pdf')), ['data']],
      ['PDF header after a BOM', uploadBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), pdf])), ['data']],
      ['empty file', { original_name: 'a.pdf', mime_type: 'application/pdf', data: '' }, ['data']],
      [
        'space in base64',
        {
          original_name: 'a.pdf',
          mime_type: 'application/pdf',
          data: b64.replace('+', ' ').replace(/^(.{8})/, '$1 '),
        },
        ['data'],
      ],
      [
        'base64url alphabet',
        { original_name: 'a.pdf', mime_type: 'application/pdf', data: `${b64.slice(0, -4)}-_-_` },
        ['data'],
      ],
      [
        'missing padding',
        { original_name: 'a.pdf', mime_type: 'application/pdf', data: 'JVBERi0' },
        ['data'],
      ],
      [
        'non-canonical padding bits',
        { original_name: 'a.pdf', mime_type: 'application/pdf', data: 'JVBERi0xLjQR==' },
        ['data'],
      ],
      [
        'everything wrong at once',
        { original_name: 'a\u0000.pdf', mime_type: 'text/plain', data: '@@@@' },
        ['original_name', 'mime_type', 'data'],
      ],
      ['missing fields', { original_name: 'a.pdf' }, ['mime_type', 'data']],
      ['extra field', { ...uploadBody(pdf), storefront: 'de' }, ['storefront']],
      [
        'wrong types',
        { original_name: 42, mime_type: ['application/pdf'], data: { b64 } },
        ['original_name', 'mime_type', 'data'],
      ],
      ['control character in the name', uploadBody(pdf, 'in\tvoice.pdf'), ['original_name']],
      ['bidi override in the name', uploadBody(pdf, 'invoice\u202Efdp.exe'), ['original_name']],
      ['name is a directory', uploadBody(pdf, '../'), ['original_name']],
      ['name too long', uploadBody(pdf, `${'x'.repeat(300)}.pdf`), ['original_name']],
      ['an array body', [uploadBody(pdf)], ['body']],
    ];
    for (const [label, body, fields] of cases) {
      const res = await refused(upload(body), 400, fields);
      expect(res.type, label).toBe('/problems/validation-error');
    }
    expect(await total()).toBe(before.total);
    expect(blobFiles().length).toBe(before.files);
  });

  it('answers 413 beyond the decoded limit and beyond the body limit, before anything else', async () => {
    const big = Buffer.concat([tinyPdf(), Buffer.alloc(LIMIT)]);
    const res = await refused(upload(uploadBody(big, 'x\u0000.pdf', 'image/png')), 413, ['data']);
    expect(res.type).toBe('about:blank');
    expect(res.message).toContain(String(LIMIT));
    // Just at the limit is accepted.
    const exact = Buffer.concat([tinyPdf(), Buffer.alloc(LIMIT - tinyPdf().length, 0x20)]);
    const ok = await seller.client.request(upload(uploadBody(exact)));
    expect(ok.status, ok.text).toBe(201);
    // A body far larger than any acceptable upload is cut off by the body limit.
    await refused(
      upload(`{"original_name":"a.pdf","mime_type":"application/pdf","data":"${'A'.repeat(200_000)}"}`, {
        contentType: 'application/json',
      }),
      413,
    );
  });

  it('refuses bodies that are not JSON, not UTF-8 or of another type, after the signature is checked', async () => {
    await refused(upload('{"original_name": "a.pdf",', { contentType: 'application/json' }), 400, ['body']);
    await refused(
      upload(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { contentType: 'application/json' }),
      400,
      ['body'],
    );
    await refused(upload('original_name=a.pdf', { contentType: 'application/x-www-form-urlencoded' }), 400, [
      'Content-Type',
    ]);
    await refused(upload(undefined), 400);
    // An unsigned garbage body is a 401, not a parse error: nothing is looked at before the signature.
    const body = await refused(
      upload('{not json', { contentType: 'application/json', signature: '0'.repeat(64) }),
      401,
    );
    expect(body.type).toBe('/problems/corrupted-signature');
  });

  it('keeps the file name as sent, minus any directory part; \\u escapes decode to the same name', async () => {
    for (const [sent, kept] of [
      ['../../etc/passwd.pdf', 'passwd.pdf'],
      ['C:\\scans\\y.pdf', 'y.pdf'],
      ['請求書.pdf', '請求書.pdf'],
    ]) {
      const res = await seller.client.request(
        upload(uploadBody(tinyPdf(), sent), { bodyEncoding: 'escaped' }),
      );
      expect(res.status, res.text).toBe(201);
      expect(res.json()).toMatchObject({ data: { original_name: kept } });
    }
    expect(jsonAsciiEscaped('請')).toBe('"\\u8acb"');
  });

  it('validates list parameters and path ids, naming the parameter', async () => {
    const list = (query: [string, string][]): KauflandRequest => ({
      method: 'GET',
      segments: ['order-invoices'],
      query,
    });
    await refused(list([['limit', '0']]), 400, ['limit']);
    await refused(list([['limit', '101']]), 400, ['limit']);
    await refused(list([['limit', 'ten']]), 400, ['limit']);
    await refused(list([['offset', '-1']]), 400, ['offset']);
    await refused(list([['storefront', 'xx']]), 400, ['storefront']);
    await refused(list([['ts_created_from_iso', 'yesterday']]), 400, ['ts_created_from_iso']);
    await refused(list([['sort', 'asc']]), 400, ['sort']);
    await refused({ method: 'GET', segments: ['order-invoices', 'MB7UWLD', 'abc'] }, 400, ['id_invoice']);
    await refused({ method: 'GET', segments: ['order-invoices', 'MB7UWLD', '99999999999999999999'] }, 400, [
      'id_invoice',
    ]);
    await refused({ method: 'DELETE', segments: ['order-invoices', 'MB7UWLD', '0'] }, 400, ['id_invoice']);
    await refused({ method: 'GET', segments: ['order-invoices', 'NO-SUCH', '1'] }, 404);
    await refused(upload(uploadBody(tinyPdf()), { segments: ['order-invoices', 'NO-SUCH'] }), 404);
  });

  it('answers unknown paths and methods under the prefix in Kaufland shape', async () => {
    const res = await fetch(`${t.url}/kaufland/v2/nothing-here`);
    expect(res.status).toBe(404);
    expect(validateKaufland('ErrorResponse', await res.json())).toEqual([]);
    const put = await seller.client.request({
      method: 'PUT',
      segments: ['order-invoices', 'MB7UWLD', '1'],
      body: {},
    });
    expect(put.status).toBe(404);
    expect(validateKaufland('ErrorResponse', put.json())).toEqual([]);
  });
});

describe('Marketplace-issued (deemed-supplier) invoices', () => {
  it('are attached by the operator, listed to the seller with the flag, and cannot be deleted by the seller', async () => {
    const pdf = tinyPdf('dsm');
    const attached = await t.admin(
      'POST',
      `/admin/v1/sellers/${seller.sellerId}/orders/MB7UWLD/invoices?fileName=kaufland_invoice.pdf`,
      pdf,
      { 'content-type': 'application/pdf' },
    );
    expect(attached.status, await attached.clone().text()).toBe(201);
    const { invoice } = (await attached.json()) as {
      invoice: { invoiceId: number; deemedSupplier: boolean };
    };
    expect(invoice.deemedSupplier).toBe(true);

    const got = await seller.client.request({
      method: 'GET',
      segments: ['order-invoices', 'MB7UWLD', String(invoice.invoiceId)],
    });
    expect(got.json()).toMatchObject({
      data: { is_marketplace_deemed_supplier: true, original_name: 'kaufland_invoice.pdf', storefront: 'de' },
    });
    const file = await fetch(got.json<{ data: { url: string } }>().data.url);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);

    const body = await refused(
      { method: 'DELETE', segments: ['order-invoices', 'MB7UWLD', String(invoice.invoiceId)] },
      403,
    );
    expect(body.type).toBe('/problems/forbidden');
    expect(got.json<{ data: { id_invoice: number } }>().data.id_invoice).toBe(invoice.invoiceId);

    const notPdf = await t.admin(
      'POST',
      `/admin/v1/sellers/${seller.sellerId}/orders/MB7UWLD/invoices`,
      'hello',
      {
        'content-type': 'application/pdf',
      },
    );
    expect(notPdf.status).toBe(400);
    const byOperator = await t.admin(
      'DELETE',
      `/admin/v1/sellers/${seller.sellerId}/orders/MB7UWLD/invoices/${invoice.invoiceId}`,
    );
    expect(byOperator.status).toBe(204);
  });
});
