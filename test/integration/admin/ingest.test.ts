import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessKeyCheckDigit } from '../../../src/core/nfe/access-key.js';
import { buildNfeXml } from '../../../src/core/nfe/build.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { countRows, expectProblem } from '../../support/expect-errors.js';
import { NFE_SAMPLES_DIR as SAMPLES } from '../../support/fixture-files.js';
import { createSeller, ingest, invoiceXml, nextCnpj, type Seller } from '../../support/fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY = new Date('2026-11-19T10:00:00.000Z');

interface InvoiceBody {
  id: string;
  sellerId: string;
  accessKey: string;
  status: string;
  invoiceType: string;
  transactionType: string;
  transactionIds: { name: string; id: string }[];
  orderId: string | null;
  layoutVersion: string;
  discrepancies: { field: string; message: string }[];
}
type Answer = { invoice: InvoiceBody; warnings: { field: string; message: string }[] };

function post(t: TestApp, body: string | Uint8Array, contentType = 'application/xml', qs = '') {
  return t.admin('POST', `/admin/v1/invoices${qs}`, body, { 'content-type': contentType });
}

async function storedXml(t: TestApp, sellerId: string, invoiceId: string): Promise<Buffer> {
  const res = await t.admin('GET', `/admin/v1/sellers/${sellerId}/invoices/${invoiceId}/xml`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/xml/);
  return Buffer.from(await res.arrayBuffer());
}

describe('operator API: NF-e ingestion', () => {
  let t: TestApp;
  let seller: Seller;
  let number = 1000;
  const doc = (extra: Parameters<typeof buildNfeXml>[0] extends infer S ? Partial<S> : never = {}) =>
    buildNfeXml({
      cUF: '35',
      issuedAt: DAY,
      emitter: { cnpj: seller.cnpj, name: 'Loja' },
      recipient: { cpf: '68161525650', name: 'Fulano' },
      series: 1,
      number: ++number,
      items: [{ code: 'P1', description: 'Produto', cfop: '5102', quantity: 1, unitPrice: 10 }],
      outcome: { kind: 'authorized', protocol: '135260000000001', at: DAY },
      ...extra,
    });

  beforeAll(async () => {
    t = await startTestApp({}, 'ingest');
    seller = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates an invoice (201), answers the same document with 200 and the same id, keeps the bytes', async () => {
    const { xml, accessKey } = invoiceXml(seller.cnpj, { number: 1, issuedAt: DAY });
    const first = await ingest(t, xml);
    expect(first.status).toBe(201);
    const invoice = first.body.invoice as unknown as InvoiceBody;
    expect(invoice).toMatchObject({ accessKey, status: 'AUTHORIZED', sellerId: seller.sellerId });
    expect(invoice.id).toMatch(UUID);
    const again = await ingest(t, xml);
    expect(again.status).toBe(200);
    expect(again.body.invoice?.id).toBe(invoice.id);
    expect((await storedXml(t, seller.sellerId, invoice.id)).toString('utf8')).toBe(xml);
    const view = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${invoice.id}`);
    expect(((await view.json()) as { invoice: InvoiceBody }).invoice.accessKey).toBe(accessKey);
  });

  it('is idempotent under concurrent posts of one document', async () => {
    const { xml } = doc();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(t, xml)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as Answer).invoice.id));
    expect(new Set(ids).size).toBe(1);
  });

  it('ingests the real samples, reports their key discrepancy and returns their exact bytes', async () => {
    const files = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBe(3);
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(SAMPLES, file));
      const key = file.slice(0, 44);
      const owner = await createSeller(t, { cnpj: key.slice(6, 20) });
      const res = await post(t, bytes);
      expect(res.status, file).toBe(201);
      const body = (await res.json()) as Answer;
      expect(body.invoice).toMatchObject({ accessKey: key, status: 'AUTHORIZED', sellerId: owner.sellerId });
      expect((await storedXml(t, owner.sellerId, body.invoice.id)).equals(bytes), file).toBe(true);
      if (file.startsWith('4117')) {
        // This real file's key says tpEmis 2 while ide/tpEmis is 1: accepted and reported.
        expect(body.warnings.map((w) => w.field)).toContain('issue mode (ide/tpEmis)');
        expect(body.invoice.discrepancies.map((d) => d.field)).toContain('issue mode (ide/tpEmis)');
      }
    }
  });

  it('accepts month and issue-mode disagreements and reports them, keeping the bytes', async () => {
    const { xml } = doc({ keyOverrides: { yymm: '2610', tpEmis: '9' } });
    const res = await post(t, xml);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Answer;
    expect(body.warnings.map((w) => w.field).sort()).toEqual([
      'issue date (ide/dhEmi)',
      'issue mode (ide/tpEmis)',
    ]);
    expect(body.invoice.discrepancies).toHaveLength(2);
    expect((await storedXml(t, seller.sellerId, body.invoice.id)).toString('utf8')).toBe(xml);
  });

  it('rejects identity disagreements between key and document, storing nothing', async () => {
    const other = nextCnpj();
    const before = await countRows(t, ['invoices', 'invoice_documents']);
    const cases: [Parameters<typeof doc>[0], string][] = [
      [{ keyOverrides: { cnpj: other } }, 'CNPJ of the emitter (emit/CNPJ)'],
      [{ keyOverrides: { model: '65' } }, 'model (ide/mod)'],
      [{ keyOverrides: { series: '7' } }, 'series (ide/serie)'],
      [{ keyOverrides: { number: '99999' } }, 'number (ide/nNF)'],
      [{ keyOverrides: { cUF: '41' } }, 'state code (ide/cUF)'],
    ];
    for (const [extra, field] of cases) {
      const problem = await expectProblem(await post(t, doc(extra).xml), 400, field);
      expect(problem.errors?.find((e) => e.field === field)?.message).toMatch(/access key says/);
    }
    expect(await countRows(t, ['invoices', 'invoice_documents'])).toEqual(before);
  });

  it('rejects a wrong access-key check digit and an unknown emitter, naming the field', async () => {
    const { xml, accessKey } = doc();
    const wrong =
      accessKey.slice(0, 43) + String((Number(accessKeyCheckDigit(accessKey.slice(0, 43))) + 1) % 10);
    const bad = xml.replaceAll(accessKey, wrong);
    const p = await expectProblem(await post(t, bad), 400, 'infNFe/@Id');
    expect(p.detail).toBe(
      `access key (infNFe/@Id): wrong check digit: expected ${accessKeyCheckDigit(accessKey.slice(0, 43))}, got ${wrong[43]}`,
    );

    const stranger = invoiceXml(nextCnpj(), { number: 1, issuedAt: DAY });
    const p2 = await expectProblem(await post(t, stranger.xml), 400, 'emit/CNPJ');
    expect(p2.detail).toBe(
      `CNPJ of the emitter (emit/CNPJ): no seller is registered with CNPJ ${stranger.accessKey.slice(6, 20)}`,
    );
    const rows = await t.deps.db.db
      .selectFrom('invoices')
      .select('invoice_id')
      .where('access_key', 'in', [wrong, stranger.accessKey])
      .execute();
    expect(rows).toEqual([]);
  });

  it('rejects what is not an NF-e document with 4xx naming the reason', async () => {
    const { xml } = doc();
    const cases: [string | Uint8Array, string, number, string?][] = [
      ['hello, world', 'application/xml', 400, 'xml'],
      ['{"invoice": 1}', 'application/xml', 400, 'xml'],
      ['<html><body>nope</body></html>', 'text/xml', 400, 'xml'],
      [xml.slice(0, xml.length - 40), 'application/xml', 400, 'xml'],
      [
        `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml.slice(38)}`,
        'application/xml',
        400,
        'xml',
      ],
      [new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00]), 'application/xml', 400, 'xml'],
      [Buffer.from(xml.replace('Produto', 'Produ\u00e7\u00e3o'), 'latin1'), 'application/xml', 400, 'xml'],
      ['', 'application/xml', 400, 'body'],
      [xml, 'application/json', 400, 'body'],
      [xml, 'text/plain', 400, 'body'],
      [xml, 'application/octet-stream', 400, 'content-type'],
    ];
    const before = await countRows(t, ['invoices', 'nfe_events']);
    for (const [body, type, status, field] of cases) {
      await expectProblem(await post(t, body, type), status, field);
    }
    expect(await countRows(t, ['invoices', 'nfe_events'])).toEqual(before);
  });

  it('answers 413 for a document over MAX_XML_BYTES', async () => {
    const { xml } = doc();
    const padded = xml.replace('</infCpl>', `${'x'.repeat(5 * 1024 * 1024)}</infCpl>`);
    const problem = await expectProblem(await post(t, padded), 413);
    expect(problem.detail).toMatch(/larger than \d+ bytes/);
  });

  it('records classification from the query and rejects bad or unknown parameters', async () => {
    const { xml } = doc();
    const qs =
      '?marketplaceId=A2Q3Y263D00KWC&invoiceType=SYMBOLIC_RETURN&transactionType=CUSTOMER_SALES_SYMBOLIC' +
      '&transactionIdentifierName=BUSINESS_TRANSACTION_ID&transactionIdentifierId=tx-1&orderId=702-1';
    const res = await post(t, xml, 'application/xml', qs);
    expect(res.status).toBe(201);
    expect(((await res.json()) as Answer).invoice).toMatchObject({
      invoiceType: 'SYMBOLIC_RETURN',
      transactionType: 'CUSTOMER_SALES_SYMBOLIC',
      transactionIds: [{ name: 'BUSINESS_TRANSACTION_ID', id: 'tx-1' }],
      orderId: '702-1',
    });
    const fresh = doc().xml;
    for (const [q, field] of [
      ['?marketplaceId=ATVPDKIKX0DER', 'marketplaceId'],
      ['?invoiceType=SALE', 'invoiceType'],
      ['?transactionType=SALE', 'transactionType'],
      ['?transactionIdentifierName=BUSINESS_TRANSACTION_ID', 'transactionIdentifierId'],
      ['?transactionIdentifierName=ORDER&transactionIdentifierId=1', 'transactionIdentifierName'],
      ['?sellerId=x', 'sellerId'],
      ['?orderId=', 'orderId'],
    ] as const) {
      await expectProblem(await post(t, fresh, 'application/xml', q), 400, field);
    }
    expect((await post(t, fresh)).status).toBe(201);
  });

  it('takes layout 3.10 and 2026 alphanumeric-CNPJ emitters', async () => {
    const res = await post(t, doc({ layout: '3.10' }).xml);
    expect(res.status).toBe(201);
    expect(((await res.json()) as Answer).invoice.layoutVersion).toBe('3.10');
    const alpha = await createSeller(t, { cnpj: nextCnpj(true) });
    const a = invoiceXml(alpha.cnpj, { number: 5, issuedAt: DAY });
    const res2 = await post(t, a.xml);
    expect(res2.status).toBe(201);
    expect(((await res2.json()) as Answer).invoice).toMatchObject({
      sellerId: alpha.sellerId,
      accessKey: a.accessKey,
    });
  });

  it('moves an invoice forward only: rejected → authorized updates, the same NFe bare is unchanged, another is 409', async () => {
    const n = ++number;
    const rejected = doc({
      number: n,
      outcome: { kind: 'rejected', cStat: '539', xMotivo: 'Duplicidade', at: DAY },
    });
    const authorized = doc({ number: n });
    const pending = doc({ number: n, outcome: { kind: 'pending' } });
    expect(rejected.accessKey).toBe(authorized.accessKey);
    const first = (await (await post(t, rejected.xml)).json()) as Answer;
    expect(first.invoice.status).toBe('REJECTED');
    const up = await post(t, authorized.xml);
    expect(up.status).toBe(200);
    const updated = (await up.json()) as Answer;
    expect(updated.invoice).toMatchObject({ id: first.invoice.id, status: 'AUTHORIZED' });
    // The NFe the stored nfeProc holds, sent bare again, is the same invoice: nothing changes.
    const again = await post(t, pending.xml);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Answer & { outcome: string }).outcome).toBe('unchanged');
    // Another NFe under the same key would move it backwards: 409.
    const other = doc({ number: n, natOp: 'Outra operacao', outcome: { kind: 'pending' } });
    expect(other.accessKey).toBe(authorized.accessKey);
    await expectProblem(await post(t, other.xml), 409);
    expect((await storedXml(t, seller.sellerId, first.invoice.id)).toString('utf8')).toBe(authorized.xml);
  });

  it('reports a contingency re-issue of the same number under another key', async () => {
    const n = ++number;
    const normal = (await (await post(t, doc({ number: n }).xml)).json()) as Answer;
    const res = await post(t, doc({ number: n, tpEmis: '9' }).xml);
    expect(res.status).toBe(201);
    const twin = (await res.json()) as Answer;
    expect(twin.invoice.id).not.toBe(normal.invoice.id);
    expect(twin.warnings.find((w) => w.field === 'number (ide/nNF)')?.message).toContain(normal.invoice.id);
  });

  it("does not show one seller's invoice under another seller", async () => {
    const other = await createSeller(t);
    const { invoice } = (await (await post(t, doc().xml)).json()) as Answer;
    for (const suffix of ['', '/xml']) {
      await expectProblem(
        await t.admin('GET', `/admin/v1/sellers/${other.sellerId}/invoices/${invoice.id}${suffix}`),
        404,
      );
      await expectProblem(
        await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/nope${suffix}`),
        404,
      );
    }
  });
});
