import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCancellationEventXml } from '../../../src/core/nfe/build.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { countRows, expectProblem } from '../../support/expect-errors.js';
import { createSeller, invoiceXml, nextCnpj, type Seller } from '../../support/fixtures.js';
import { buildZip } from '../../support/zip.js';

const DAY = new Date('2026-11-19T10:00:00.000Z');

interface BulkResult {
  name: string;
  outcome: string;
  invoiceId?: string;
  accessKey?: string;
  status?: string;
  errors?: { field: string; message: string }[];
  warnings?: { field: string; message: string }[];
}
interface BulkAnswer {
  summary: { total: number; failed: number; skipped: number; byOutcome: Record<string, number> };
  results: BulkResult[];
}

function postZip(t: TestApp, zip: Uint8Array, qs = '', contentType = 'application/zip') {
  return t.admin('POST', `/admin/v1/invoices/bulk${qs}`, zip, { 'content-type': contentType });
}

describe('operator API: bulk ingestion of a ZIP', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startTestApp({}, 'bulk');
    seller = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ingests every XML entry and answers one result per document', async () => {
    const [doc1, doc2, doc3] = [1, 2, 3].map((n) =>
      invoiceXml(seller.cnpj, { number: n, issuedAt: DAY }),
    ) as [ReturnType<typeof invoiceXml>, ReturnType<typeof invoiceXml>, ReturnType<typeof invoiceXml>];
    const pendingKey = invoiceXml(seller.cnpj, { number: 50, issuedAt: DAY }).accessKey;
    const cancel = (accessKey: string) =>
      buildCancellationEventXml({
        accessKey,
        cnpj: seller.cnpj,
        at: DAY,
        protocol: '135260000000002',
        justification: 'Cancelamento a pedido do cliente',
      });
    const broken = doc1.xml.replaceAll(doc1.accessKey, `${'0'.repeat(43)}1`);
    const stranger = invoiceXml(nextCnpj(), { number: 9, issuedAt: DAY });
    const zip = buildZip([
      { name: 'nfe/' },
      { name: 'nfe/1.xml', data: doc1.xml },
      { name: 'nfe/2.XML', data: doc2.xml },
      { name: 'nfe/3.xml', data: doc3.xml },
      { name: 'events/cancel-2.xml', data: cancel(doc2.accessKey) },
      { name: 'events/cancel-50.xml', data: cancel(pendingKey) },
      { name: 'bad/broken.xml', data: broken },
      { name: 'bad/stranger.xml', data: stranger.xml },
      { name: 'bad/garbage.xml', data: 'not xml at all' },
      { name: 'readme.txt', data: 'hello' },
      { name: '__MACOSX/nfe/._1.xml', data: 'junk' },
    ]);
    const before = await countRows(t, ['invoices']);
    const res = await postZip(t, zip);
    expect(res.status).toBe(200);
    const body = (await res.json()) as BulkAnswer;
    const by = new Map(body.results.map((r) => [r.name, r]));
    expect(by.get('nfe/1.xml')).toMatchObject({
      outcome: 'created',
      status: 'AUTHORIZED',
      accessKey: doc1.accessKey,
    });
    expect(by.get('nfe/2.XML')).toMatchObject({ outcome: 'created' });
    expect(by.get('events/cancel-2.xml')).toMatchObject({ outcome: 'event-applied', status: 'CANCELED' });
    expect(by.get('events/cancel-50.xml')).toMatchObject({ outcome: 'event-pending', accessKey: pendingKey });
    expect(by.get('bad/broken.xml')?.outcome).toBe('failed');
    expect(by.get('bad/broken.xml')?.errors?.[0]?.field).toBe('access key (infNFe/@Id)');
    expect(by.get('bad/stranger.xml')?.errors?.[0]?.field).toBe('CNPJ of the emitter (emit/CNPJ)');
    expect(by.get('bad/garbage.xml')?.errors?.[0]?.field).toBe('xml');
    expect(by.get('readme.txt')?.outcome).toBe('skipped');
    expect(body.summary).toMatchObject({
      total: body.results.length,
      failed: 3,
      skipped: by.has('__MACOSX/nfe/._1.xml') ? 2 : 1,
    });
    expect(body.summary.byOutcome).toMatchObject({ created: 3, 'event-applied': 1, 'event-pending': 1 });
    expect(await countRows(t, ['invoices'])).toEqual({ invoices: before.invoices + 3 });

    // Original bytes are kept for every accepted document.
    const id = by.get('nfe/3.xml')?.invoiceId as string;
    const xml = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${id}/xml`);
    expect(await xml.text()).toBe(doc3.xml);

    // The same ZIP again: nothing new, the same ids.
    const again = (await (await postZip(t, zip)).json()) as BulkAnswer;
    const againBy = new Map(again.results.map((r) => [r.name, r]));
    expect(againBy.get('nfe/1.xml')).toMatchObject({
      outcome: 'unchanged',
      invoiceId: by.get('nfe/1.xml')?.invoiceId,
    });
    expect(againBy.get('nfe/2.XML')?.status).toBe('CANCELED');
    expect(await countRows(t, ['invoices'])).toEqual({ invoices: before.invoices + 3 });
  });

  it('applies the query parameters to every document and rejects bad ones before reading', async () => {
    const doc = invoiceXml(seller.cnpj, { number: 20, issuedAt: DAY });
    const zip = buildZip([{ name: 'a.xml', data: doc.xml }]);
    const before = await countRows(t, ['invoices']);
    await expectProblem(await postZip(t, zip, '?invoiceType=SALE'), 400, 'invoiceType');
    await expectProblem(await postZip(t, zip, '?bogus=1'), 400, 'bogus');
    expect(await countRows(t, ['invoices'])).toEqual(before);
    const res = (await (
      await postZip(t, zip, '?invoiceType=REMITTANCE&transactionType=INBOUND_SHIPMENT')
    ).json()) as BulkAnswer;
    const id = res.results[0]?.invoiceId as string;
    const view = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${id}`);
    expect(((await view.json()) as { invoice: { invoiceType: string } }).invoice.invoiceType).toBe(
      'REMITTANCE',
    );
  });

  it('rejects bodies that are not a readable ZIP with 400, storing nothing', async () => {
    const doc = invoiceXml(seller.cnpj, { number: 30, issuedAt: DAY });
    const zip = buildZip([{ name: 'a.xml', data: doc.xml }]);
    const before = await countRows(t, ['invoices']);
    const cases: [Uint8Array | string, string][] = [
      [Buffer.from('this is not a zip file'), 'application/zip'],
      [new Uint8Array(0), 'application/zip'],
      [zip.subarray(0, zip.length - 30), 'application/zip'],
      [doc.xml, 'application/xml'],
      [JSON.stringify({ files: [] }), 'application/json'],
      [zip, 'application/octet-stream'],
    ];
    for (const [body, type] of cases) {
      const problem = await expectProblem(await postZip(t, body as Uint8Array, '', type), 400);
      expect(problem.errors?.length, type).toBeGreaterThan(0);
      expect(JSON.stringify(problem)).not.toMatch(/invoicehub-bulk|\/tmp\//);
    }
    expect(await countRows(t, ['invoices'])).toEqual(before);
  });

  it('an empty ZIP answers an empty result list', async () => {
    const res = await postZip(t, buildZip([]));
    expect(res.status).toBe(200);
    expect(((await res.json()) as BulkAnswer).summary).toMatchObject({ total: 0, failed: 0 });
  });
});

describe('bulk ingestion limits', () => {
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    t = await startTestApp({ MAX_BULK_BYTES: '40000', MAX_XML_BYTES: '4096' }, 'bulk-limits');
    seller = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails an entry over MAX_XML_BYTES alone and refuses a ZIP over MAX_BULK_BYTES with 413', async () => {
    const small = invoiceXml(seller.cnpj, { number: 1, issuedAt: DAY });
    expect(small.xml.length).toBeLessThan(4096);
    const big = invoiceXml(seller.cnpj, { number: 2, issuedAt: DAY }).xml.replace(
      '</infCpl>',
      `${'x'.repeat(5000)}</infCpl>`,
    );
    const res = await postZip(
      t,
      buildZip([
        { name: 'small.xml', data: small.xml },
        { name: 'big.xml', data: big },
      ]),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as BulkAnswer;
    expect(body.results.find((r) => r.name === 'small.xml')?.outcome).toBe('created');
    const failed = body.results.find((r) => r.name === 'big.xml');
    expect(failed?.outcome).toBe('failed');
    expect(failed?.errors?.[0]?.message).toMatch(/larger than 4096 bytes/);

    const huge = buildZip(
      Array.from({ length: 15 }, (_, i) => ({
        name: `n${i}.xml`,
        data: invoiceXml(seller.cnpj, { number: 100 + i, issuedAt: DAY }).xml,
      })),
    );
    expect(huge.length).toBeGreaterThan(40000);
    const before = await countRows(t, ['invoices']);
    await expectProblem(await postZip(t, huge), 413);
    expect(await countRows(t, ['invoices'])).toEqual(before);
  });
});
