import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCancellationEventXml, buildNfeXml, type NfeBuildSpec } from '../../../src/core/nfe/build.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { brl, expectNfeDanfe, maskCnpj, nfceXml } from '../../support/danfe.js';
import { expectProblem } from '../../support/expect-errors.js';
import { NFE_SAMPLES_DIR as SAMPLES } from '../../support/fixture-files.js';
import { createSeller, ingest, type Seller } from '../../support/fixtures.js';
import { decodeBarcodes, readPdf } from '../../support/pdf-reader.js';

const DAY = new Date('2026-11-19T10:00:00.000Z');

describe('operator API: the DANFE of any stored invoice', () => {
  let t: TestApp;
  let seller: Seller;
  let number = 500;

  const spec = (extra: Partial<NfeBuildSpec> = {}): NfeBuildSpec => ({
    cUF: '35',
    issuedAt: DAY,
    emitter: { cnpj: seller.cnpj, name: 'Loja DANFE Ltda' },
    recipient: { cpf: '68161525650', name: 'Fulano de Tal' },
    series: 1,
    number: ++number,
    items: [
      { code: 'P1', description: 'Cafeteira italiana 6 xícaras', cfop: '5102', quantity: 2, unitPrice: 89.9 },
    ],
    outcome: { kind: 'authorized', protocol: `1352600000${String(number).padStart(5, '0')}`, at: DAY },
    ...extra,
  });

  async function stored(xml: string): Promise<string> {
    const res = await ingest(t, xml);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body.invoice!.id;
  }

  async function danfe(sellerId: string, invoiceId: string): Promise<{ pdf: Uint8Array; res: Response }> {
    const res = await t.admin('GET', `/admin/v1/sellers/${sellerId}/invoices/${invoiceId}/danfe`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    return { pdf: new Uint8Array(await res.arrayBuffer()), res };
  }

  beforeAll(async () => {
    t = await startTestApp({}, 'danfe');
    seller = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('renders the real samples: key, emitter CNPJ, totals, every item, the barcode decodes to the key', async () => {
    const files = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(SAMPLES, file));
      const key = file.slice(0, 44);
      const owner = await createSeller(t, { cnpj: key.slice(6, 20) });
      const id = await stored(bytes.toString('utf8'));
      const { pdf, res } = await danfe(owner.sellerId, id);
      expect(res.headers.get('content-disposition')).toContain(`${key}-danfe.pdf`);
      const xml = bytes.toString('utf8');
      const read = await expectNfeDanfe(pdf, xml, key);
      expect(read.pages).toHaveLength(1);
      // Issued in the SEFAZ test environment (tpAmb 2): the DANFE says it has no fiscal value.
      const test = /<ide>[\s\S]*<tpAmb>2<\/tpAmb>[\s\S]*<\/ide>/.test(xml);
      expect(read.pages[0]!.includes('SEM VALOR FISCAL'), file).toBe(test);
      expect(read.pages[0]).not.toContain('CANCELADA');
      const protocol = /<nProt>(\d+)<\/nProt>/.exec(xml)![1]!;
      expect(read.pages[0]).toContain(protocol);
    }
  });

  it('paginates many items over several sheets: FOLHA n/N, each item exactly once and in order', async () => {
    const items = Array.from({ length: 150 }, (_, i) => ({
      code: `SKU-${String(i + 1).padStart(4, '0')}`,
      description:
        i % 7 === 0
          ? `Item ${i + 1} conjunto de panelas antiaderentes com tampa de vidro temperado e cabo ergonômico`
          : `Item ${i + 1} caneca de cerâmica`,
      cfop: '5102',
      quantity: (i % 5) + 1,
      unitPrice: 10 + i / 4,
    }));
    const { xml, accessKey } = buildNfeXml(
      spec({ items, carrier: { cnpj: '46204217000114', name: 'Transportes Rápidos SA', uf: 'SP' } }),
    );
    const { pdf, res } = await danfe(seller.sellerId, await stored(xml));
    const read = await expectNfeDanfe(pdf, xml, accessKey);
    expect(read.pages.length).toBeGreaterThanOrEqual(3);
    expect(res.headers.get('x-danfe-pages')).toBe(String(read.pages.length));
    const seen = read.pages.map((page) => [...page.matchAll(/SKU-(\d{4})/g)].map((m) => Number(m[1])));
    expect(seen.flat()).toEqual(items.map((_, i) => i + 1)); // all, once each, in document order
    for (const codes of seen) expect(codes.length).toBeGreaterThan(0); // no empty sheet
    for (const [i, item] of items.entries()) {
      const total = Math.round(item.quantity * item.unitPrice * 100) / 100;
      const page = read.pages[seen.findIndex((codes) => codes.includes(i + 1))]!;
      expect(page).toContain(`${item.code} ${item.description}`);
      expect(page).toContain(brl(String(total)));
    }
    expect(read.pages[0]).toContain('Transportes Rápidos SA');
  });

  it('stamps a cancelled invoice CANCELADA (after its cancellation event arrives)', async () => {
    const built = buildNfeXml(spec());
    const id = await stored(built.xml);
    const before = await readPdf((await danfe(seller.sellerId, id)).pdf);
    expect(before.pages[0]).not.toContain('CANCELADA');
    const event = buildCancellationEventXml({
      accessKey: built.accessKey,
      cnpj: seller.cnpj,
      at: new Date(DAY.getTime() + 3_600_000),
      protocol: `1352600000${String(number).padStart(5, '0')}`,
      justification: 'Pedido cancelado pelo comprador antes do envio',
    });
    expect((await ingest(t, event)).status).toBe(200);
    const after = await danfe(seller.sellerId, id);
    const read = await expectNfeDanfe(after.pdf, built.xml, built.accessKey);
    expect(read.pages[0]).toContain('CANCELADA');
    expect(read.pages[0]).not.toContain('SEM VALOR FISCAL');
  });

  it('marks a PENDING document (no authorization yet) SEM VALOR FISCAL, without a protocol', async () => {
    const built = buildNfeXml(spec({ outcome: { kind: 'pending' } }));
    const id = await stored(built.xml);
    const view = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/${id}`);
    expect(((await view.json()) as { invoice: { status: string } }).invoice.status).toBe('PENDING');
    const read = await expectNfeDanfe((await danfe(seller.sellerId, id)).pdf, built.xml, built.accessKey);
    expect(read.pages[0]).toContain('SEM VALOR FISCAL');
    expect(read.pages[0]).toMatch(/PROTOCOLO DE AUTORIZAÇÃO DE USO INSCRIÇÃO ESTADUAL/);

    const authorized = buildNfeXml(spec());
    const ok = await readPdf((await danfe(seller.sellerId, await stored(authorized.xml))).pdf);
    expect(ok.pages[0]).not.toContain('SEM VALOR FISCAL');
  });

  it('renders an NFC-e (model 65) as a receipt whose QR code decodes to infNFeSupl/qrCode', async () => {
    const nfce = nfceXml(
      spec({
        items: [
          { code: 'PAO', description: 'Pão francês', cfop: '5102', quantity: 6, unitPrice: 0.8 },
          { code: 'CAF', description: 'Café torrado 500 g', cfop: '5102', quantity: 1, unitPrice: 21.9 },
        ],
      }),
      (key) =>
        `https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode?p=${key}|2|1|1|5D6E0CB1A4C2F0E19E1A6B27D6E3A0F1B8C9D0E1`,
    );
    const { pdf } = await danfe(seller.sellerId, await stored(nfce.xml));
    const read = await readPdf(pdf);
    expect(read.pages).toHaveLength(1);
    const page = read.pages[0]!;
    expect(page).toContain('DANFE NFC-e');
    expect(page).toContain(nfce.accessKey.replace(/(.{4})(?=.)/g, '$1 '));
    expect(page).toContain(maskCnpj(seller.cnpj));
    expect(page).toContain('Pão francês');
    expect(page).toContain('Café torrado 500 g');
    expect(page).toContain(`Valor a Pagar R$ ${brl('26.70')}`);
    const codes = (await Promise.all(read.images[0]!.map((img) => decodeBarcodes(img, 'QRCode')))).flat();
    expect(codes.map((c) => c.text)).toEqual([nfce.qrCode]);
    expect(page).not.toContain('SEM VALOR FISCAL');

    // Without infNFeSupl (a document stored before it was signed): no QR code, still a receipt.
    const bare = buildNfeXml(spec({ model: '65', outcome: { kind: 'pending' } }));
    const plain = await readPdf((await danfe(seller.sellerId, await stored(bare.xml))).pdf);
    expect(plain.images[0]).toEqual([]);
    expect(plain.pages[0]).toContain(bare.accessKey.replace(/(.{4})(?=.)/g, '$1 '));
    expect(plain.pages[0]).toContain('SEM VALOR FISCAL');
  });

  it('answers 404 (problem+json) for an unknown invoice, another seller’s invoice and a malformed id', async () => {
    const id = await stored(buildNfeXml(spec()).xml);
    const other = await createSeller(t);
    await expectProblem(
      await t.admin('GET', `/admin/v1/sellers/${other.sellerId}/invoices/${id}/danfe`),
      404,
    );
    await expectProblem(
      await t.admin(
        'GET',
        `/admin/v1/sellers/${seller.sellerId}/invoices/00000000-0000-4000-8000-000000000000/danfe`,
      ),
      404,
    );
    await expectProblem(
      await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/invoices/nope/danfe`),
      404,
    );
    const anonymous = await fetch(`${t.url}/admin/v1/sellers/${seller.sellerId}/invoices/${id}/danfe`);
    expect(anonymous.status).toBe(401);
  });
});
