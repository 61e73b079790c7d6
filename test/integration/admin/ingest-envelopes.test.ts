import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessKeyCheckDigit } from '../../../src/core/nfe/access-key.js';
import {
  buildCancellationEventXml,
  buildCorrectionLetterXml,
  buildNfeXml,
  type NfeBuildOutcome,
} from '../../../src/core/nfe/build.js';
import { readNfeDocument } from '../../../src/core/nfe/read.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { accessTokenFor, countRows, expectProblem, spApi } from '../../support/expect-errors.js';
import { NFE_ENVELOPES_DIR, NFE_SAMPLES_DIR } from '../../support/fixture-files.js';
import { createSeller, type Seller } from '../../support/fixtures.js';
import {
  bareNFeOf,
  procEventoOf,
  protNFeOf,
  retConsReciNFe,
  retConsSitNFe,
  retEnvEvento,
  retEnviNFe,
  retEnviNFeReceipt,
  retEventoOf,
} from '../../support/nfe-envelopes.js';
import { buildZip } from '../../support/zip.js';

const MARKETPLACE = 'A2Q3Y263D00KWC';
const DAY = new Date('2026-11-19T10:00:00.000Z');
const LATER = new Date('2026-11-19T15:00:00.000Z');
const SP_KEY = '35180834128745000152550010000474281920007498';
const SC_KEY = '42211275277525000178550030000276771368212013';
const PR_KEY = '41170706117473000150550010000463202612756525';

interface Item {
  kind: string;
  accessKey: string;
  outcome: string;
  invoiceId?: string;
  status?: string;
  eventType?: string;
}
interface Answer {
  outcome: string;
  envelope?: string;
  items?: Item[];
  invoice?: { id: string; status: string; accessKey: string; protocol: string | null; xmlSha256: string };
  warnings: { field: string; message: string }[];
}

const envelope = (name: string) => readFileSync(path.join(NFE_ENVELOPES_DIR, name));
const sample = (name: string) => readFileSync(path.join(NFE_SAMPLES_DIR, name));

async function post(t: TestApp, body: string | Uint8Array): Promise<{ status: number; body: Answer }> {
  const res = await t.admin('POST', '/admin/v1/invoices', body, { 'content-type': 'application/xml' });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answer };
}

async function storedXml(t: TestApp, sellerId: string, invoiceId: string): Promise<Buffer> {
  const res = await t.admin('GET', `/admin/v1/sellers/${sellerId}/invoices/${invoiceId}/xml`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** What the seller sees through SP-API getInvoice (undefined: 404, e.g. still PENDING). */
async function sellerView(t: TestApp, seller: Seller, invoiceId: string) {
  const res = await spApi(
    t,
    await accessTokenFor(t, seller),
    `/invoices/${invoiceId}?marketplaceId=${MARKETPLACE}`,
  );
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return (
    (await res.json()) as { invoice: { id: string; status: string; errorCode: string; govResponse: string } }
  ).invoice;
}

/** The ids getInvoices lists with one status, across the samples' years. */
async function listed(t: TestApp, seller: Seller, status: string): Promise<string[]> {
  const qs = `marketplaceId=${MARKETPLACE}&statuses=${status}&dateStart=2017-01-01&dateEnd=2026-12-31&pageSize=200`;
  const res = await spApi(t, await accessTokenFor(t, seller), `/invoices?${qs}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { invoices: { id: string }[] }).invoices.map((i) => i.id);
}

describe('operator API: SEFAZ answers and archive wrappers', () => {
  let t: TestApp;
  let sp: Seller;
  let sc: Seller;
  let pr: Seller;
  let shop: Seller;
  let number = 0;
  const generated = (outcome?: NfeBuildOutcome, extra: { model?: '55' | '65'; names?: boolean } = {}) => {
    const n = ++number;
    return buildNfeXml({
      cUF: '35',
      issuedAt: DAY,
      emitter: { cnpj: shop.cnpj, name: extra.names ? 'Comércio de Pães São João Ltda' : 'Loja Teste' },
      recipient: { cpf: '68161525650', name: extra.names ? 'José Antônio Conceição' : 'Fulano' },
      series: 1,
      number: n,
      model: extra.model ?? '55',
      natOp: extra.names ? 'Venda de produção do estabelecimento' : 'Venda',
      items: [{ code: 'P1', description: 'Pão de queijo', cfop: '5102', quantity: 1, unitPrice: 10 }],
      outcome: outcome ?? {
        kind: 'authorized',
        protocol: `1352600000${String(n).padStart(5, '0')}`,
        at: DAY,
      },
    });
  };
  const cancellation = (accessKey: string) =>
    buildCancellationEventXml({
      accessKey,
      cnpj: shop.cnpj,
      at: LATER,
      protocol: '135260000000001',
      justification: 'Pedido cancelado pelo cliente antes do envio',
    });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'envelopes');
    sp = await createSeller(t, { cnpj: '34128745000152' });
    sc = await createSeller(t, { cnpj: '75277525000178' });
    pr = await createSeller(t, { cnpj: '06117473000150' });
    shop = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('retConsReciNFe completes the PENDING document of its key: the stored file becomes the joined nfeProc', async () => {
    const bare = envelope(`${SP_KEY}-NFe.xml`);
    const first = await post(t, bare);
    expect(first.status).toBe(201);
    expect(first.body.invoice).toMatchObject({ accessKey: SP_KEY, status: 'PENDING' });
    const id = first.body.invoice?.id as string;
    expect(await sellerView(t, sp, id)).toBeUndefined();

    const answer = envelope(`${SP_KEY}-retConsReciNFe.xml`);
    const res = await post(t, answer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'applied',
      envelope: 'retConsReciNFe',
      invoice: { id, status: 'AUTHORIZED', protocol: '135180527657478' },
      items: [
        { kind: 'protocol', accessKey: SP_KEY, outcome: 'updated', invoiceId: id, status: 'AUTHORIZED' },
      ],
    });

    // The nfeProc is the NFe as it was sent and the protocol as SEFAZ answered it, byte for byte.
    const joined = (await storedXml(t, sp.sellerId, id)).toString('utf8');
    expect(
      joined.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?><nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><NFe',
      ),
    ).toBe(true);
    const nfe = /<NFe[\s\S]*<\/NFe>/.exec(bare.toString('utf8'))?.[0] as string;
    expect(joined).toContain(nfe);
    const infProt = /<infProt>[\s\S]*<\/infProt>/.exec(answer.toString('utf8'))?.[0] as string;
    expect(joined).toContain(
      `<protNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">\n    ${infProt}`,
    );
    // It reads as the real distribution file of this invoice does.
    const mine = readNfeDocument(Buffer.from(joined));
    const real = readNfeDocument(sample(`${SP_KEY}-nfe.xml`));
    expect(mine).toEqual(real);

    expect(await sellerView(t, sp, id)).toMatchObject({ id, status: 'AUTHORIZED' });
    expect(await listed(t, sp, 'AUTHORIZED')).toContain(id);

    // The same answer twice changes nothing.
    const again = await post(t, answer);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', items: [{ outcome: 'unchanged' }] });
    expect((await storedXml(t, sp.sellerId, id)).toString('utf8')).toBe(joined);
  });

  it('a BOM-prefixed nfeProc, then retConsSitNFe carrying its cancellation: CANCELLED, and the same event in any wrapper is unchanged', async () => {
    const withBom = envelope(`${SC_KEY}-procNFe-bom.xml`);
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const created = await post(t, withBom);
    expect(created.status).toBe(201);
    expect(created.body.invoice).toMatchObject({ accessKey: SC_KEY, status: 'AUTHORIZED' });
    const id = created.body.invoice?.id as string;
    expect((await storedXml(t, sc.sellerId, id)).equals(withBom)).toBe(true);

    const situation = envelope(`${SC_KEY}-retConsSitNFe-cancelled.xml`);
    const res = await post(t, situation);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'applied',
      envelope: 'retConsSitNFe',
      invoice: { id, status: 'CANCELED' },
      items: [
        { kind: 'protocol', outcome: 'unchanged', status: 'CANCELED' },
        { kind: 'event', outcome: 'event-applied', eventType: '110111', status: 'CANCELED' },
      ],
    });
    expect(await sellerView(t, sc, id)).toMatchObject({ status: 'CANCELED' });
    expect(await listed(t, sc, 'CANCELED')).toEqual([id]);
    expect(await listed(t, sc, 'AUTHORIZED')).toEqual([]);
    // Its original bytes stay what was ingested.
    expect((await storedXml(t, sc.sellerId, id)).equals(withBom)).toBe(true);

    const before = await countRows(t, ['nfe_events', 'invoices']);
    const twice = await post(t, situation);
    expect(twice.body.outcome).toBe('unchanged');
    const text = situation.toString('utf8');
    const asBatch = await post(t, retEnvEvento([retEventoOf(text)]));
    expect(asBatch.status).toBe(200);
    expect(asBatch.body).toMatchObject({ outcome: 'unchanged', items: [{ outcome: 'event-unchanged' }] });
    const alone = procEventoOf(text).replace(
      '<procEventoNFe ',
      '<procEventoNFe xmlns="http://www.portalfiscal.inf.br/nfe" ',
    );
    const asDocument = await post(t, alone);
    expect(asDocument.status).toBe(200);
    expect(asDocument.body).toMatchObject({ outcome: 'event-unchanged', invoice: { status: 'CANCELED' } });
    expect(await countRows(t, ['nfe_events', 'invoices'])).toEqual(before);
  });

  it('reads an nfeProc whose elements carry a namespace prefix (<ns0:nfeProc>), keeping its bytes', async () => {
    const prefixed = envelope(`${PR_KEY}-procNFe-ns0.xml`);
    expect(prefixed.toString('utf8').startsWith('<ns0:nfeProc xmlns:ns0=')).toBe(true);
    const res = await post(t, prefixed);
    expect(res.status).toBe(201);
    expect(res.body.invoice).toMatchObject({
      accessKey: PR_KEY,
      status: 'AUTHORIZED',
      protocol: '141170000487910',
    });
    const id = res.body.invoice?.id as string;
    expect((await storedXml(t, pr.sellerId, id)).equals(prefixed)).toBe(true);
    expect(await sellerView(t, pr, id)).toMatchObject({ status: 'AUTHORIZED' });
  });

  it('an ns0-prefixed bare NFe completed by an ns0-prefixed retEnviNFe becomes a prefixed nfeProc', async () => {
    const doc = generated();
    const prefix = (xml: string) =>
      xml
        .replace(/<(\/?)([A-Za-z])/g, '<$1ns0:$2')
        .replace(/ xmlns="http:\/\/www.portalfiscal.inf.br\/nfe"/g, '')
        .replace(/^(<\?xml[^>]*\?>)?<ns0:(\w+)/, '$1<ns0:$2 xmlns:ns0="http://www.portalfiscal.inf.br/nfe"');
    const bare = prefix(bareNFeOf(doc.xml).replace(/^<\?xml[^>]*\?>/, ''));
    const first = await post(t, bare);
    expect(first.body.invoice?.status).toBe('PENDING');
    const res = await post(t, prefix(retEnviNFe(protNFeOf(doc.xml)).replace(/^<\?xml[^>]*\?>/, '')));
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ accessKey: doc.accessKey, status: 'AUTHORIZED' });
    const joined = (await storedXml(t, shop.sellerId, first.body.invoice?.id as string)).toString('utf8');
    expect(joined).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><ns0:nfeProc xmlns:ns0="http:\/\/www.portalfiscal.inf.br\/nfe" versao="4.00"><ns0:NFe xmlns:ns0=/,
    );
    expect(joined).toContain(bare);
    const reread = readNfeDocument(Buffer.from(joined));
    expect(reread.kind === 'invoice' && reread.protocol?.cStat).toBe('100');
  });

  it('retEnvEvento with several events applies each of them, in one answer', async () => {
    const docs = [generated(), generated(), generated()];
    const ids: string[] = [];
    for (const d of docs) ids.push(((await post(t, d.xml)).body.invoice as { id: string }).id);
    const letter = buildCorrectionLetterXml({
      accessKey: docs[2]!.accessKey,
      cnpj: shop.cnpj,
      at: LATER,
      correction: 'Endereco de entrega: Rua das Flores, 20',
    });
    const batch = retEnvEvento([
      retEventoOf(cancellation(docs[0]!.accessKey)),
      retEventoOf(cancellation(docs[1]!.accessKey)),
      retEventoOf(letter),
    ]);
    const res = await post(t, batch);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('applied');
    expect(res.body.invoice).toBeUndefined();
    expect(res.body.items).toEqual([
      expect.objectContaining({
        accessKey: docs[0]!.accessKey,
        outcome: 'event-applied',
        status: 'CANCELED',
      }),
      expect.objectContaining({
        accessKey: docs[1]!.accessKey,
        outcome: 'event-applied',
        status: 'CANCELED',
      }),
      expect.objectContaining({
        accessKey: docs[2]!.accessKey,
        outcome: 'event-applied',
        status: 'AUTHORIZED',
      }),
    ]);
    const cancelled = await listed(t, shop, 'CANCELED');
    expect(cancelled).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    expect(cancelled).not.toContain(ids[2]);
    expect(await sellerView(t, shop, ids[2]!)).toMatchObject({ status: 'AUTHORIZED' });

    const before = await countRows(t, ['nfe_events']);
    const again = await post(t, batch);
    expect(again.body.outcome).toBe('unchanged');
    expect(again.body.items?.map((i) => i.outcome)).toEqual([
      'event-unchanged',
      'event-unchanged',
      'event-unchanged',
    ]);
    expect(await countRows(t, ['nfe_events'])).toEqual(before);
  });

  it('reads an answer saved with its SOAP envelope (retEnvEvento inside nfeResultMsg)', async () => {
    const doc = generated();
    const id = ((await post(t, doc.xml)).body.invoice as { id: string }).id;
    const soap =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">' +
      '<soap:Body><nfeResultMsg xmlns="http://www.portalfiscal.inf.br/nfe/wsdl/NFeRecepcaoEvento4">' +
      retEnvEvento([retEventoOf(cancellation(doc.accessKey))]).replace(/^<\?xml[^>]*\?>/, '') +
      '</nfeResultMsg></soap:Body></soap:Envelope>';
    const res = await post(t, soap);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'applied',
      envelope: 'retEnvEvento',
      invoice: { id, status: 'CANCELED' },
    });
    expect(await sellerView(t, shop, id)).toMatchObject({ status: 'CANCELED' });
  });

  it('retConsSitNFe completes a PENDING document and cancels it in the same transaction', async () => {
    const doc = generated();
    const first = await post(t, bareNFeOf(doc.xml));
    const id = first.body.invoice?.id as string;
    const res = await post(
      t,
      retConsSitNFe(doc.accessKey, protNFeOf(doc.xml), [procEventoOf(cancellation(doc.accessKey))]),
    );
    expect(res.body).toMatchObject({
      outcome: 'applied',
      invoice: { id, status: 'CANCELED' },
      items: [
        { kind: 'protocol', outcome: 'updated' },
        { kind: 'event', outcome: 'event-applied' },
      ],
    });
    expect(await sellerView(t, shop, id)).toMatchObject({ status: 'CANCELED' });
  });

  it('refuses a protocol for a key that is not stored, applying nothing of the answer', async () => {
    const pending = generated();
    const stranger = generated();
    const id = (await post(t, bareNFeOf(pending.xml))).body.invoice?.id as string;
    const before = await countRows(t, ['invoices', 'invoice_documents', 'nfe_events']);
    const res = await t.admin(
      'POST',
      '/admin/v1/invoices',
      retConsReciNFe([protNFeOf(pending.xml), protNFeOf(stranger.xml)]),
      { 'content-type': 'application/xml' },
    );
    const problem = await expectProblem(res, 400, 'retConsReciNFe/protNFe[1]/infProt/chNFe');
    expect(problem.detail).toBe(
      `retConsReciNFe holds the protocol of NF-e that are not stored: ${stranger.accessKey} (a protocol completes ` +
        'an NF-e stored before: send the NFe, or its nfeProc, first); nothing was applied',
    );
    expect(problem.errors).toEqual([
      {
        field: 'access key of the protocol (retConsReciNFe/protNFe[1]/infProt/chNFe)',
        message: `no NF-e with access key ${stranger.accessKey} is stored`,
      },
    ]);
    expect(await countRows(t, ['invoices', 'invoice_documents', 'nfe_events'])).toEqual(before);
    const view = await t.admin('GET', `/admin/v1/sellers/${shop.sellerId}/invoices/${id}`);
    expect(((await view.json()) as { invoice: { status: string } }).invoice.status).toBe('PENDING');
  });

  it('an asynchronous batch receipt (retEnviNFe with infRec only) says what to send instead', async () => {
    const res = await t.admin('POST', '/admin/v1/invoices', retEnviNFeReceipt('351000000000777'), {
      'content-type': 'application/xml',
    });
    const problem = await expectProblem(res, 400, 'retEnviNFe');
    expect(problem.detail).toBe(
      "batch answer (retEnviNFe): holds the receipt 351000000000777 of an asynchronous batch, not its protocols: send SEFAZ's retConsReciNFe for it",
    );
  });

  it('refuses requests to SEFAZ, saying they are requests, and unknown roots, listing the accepted ones', async () => {
    const doc = generated();
    const nfe = /<NFe[\s\S]*<\/NFe>/.exec(doc.xml)?.[0] as string;
    const evento = /<evento [\s\S]*<\/evento>/.exec(cancellation(doc.accessKey))?.[0] as string;
    const ns = 'xmlns="http://www.portalfiscal.inf.br/nfe"';
    const requests: [string, string][] = [
      ['enviNFe', `<enviNFe ${ns} versao="4.00"><idLote>1</idLote><indSinc>1</indSinc>${nfe}</enviNFe>`],
      ['envEvento', `<envEvento ${ns} versao="1.00"><idLote>1</idLote>${evento}</envEvento>`],
      [
        'consSitNFe',
        `<consSitNFe ${ns} versao="4.00"><tpAmb>1</tpAmb><xServ>CONSULTAR</xServ><chNFe>${doc.accessKey}</chNFe></consSitNFe>`,
      ],
      [
        'consReciNFe',
        `<consReciNFe ${ns} versao="4.00"><tpAmb>1</tpAmb><nRec>351000000000042</nRec></consReciNFe>`,
      ],
    ];
    const before = await countRows(t, ['invoices', 'nfe_events']);
    for (const [root, xml] of requests) {
      const res = await t.admin('POST', '/admin/v1/invoices', xml, { 'content-type': 'application/xml' });
      const problem = await expectProblem(res, 400, 'xml');
      expect(problem.detail, root).toMatch(
        new RegExp(`^xml: <${root}> is a request to SEFAZ, not its answer: .*; send `),
      );
    }
    const unknown = await t.admin(
      'POST',
      '/admin/v1/invoices',
      `<retInutNFe ${ns} versao="4.00"><infInut><cStat>102</cStat></infInut></retInutNFe>`,
      { 'content-type': 'application/xml' },
    );
    expect((await expectProblem(unknown, 400, 'xml')).detail).toBe(
      'xml: not an NF-e document: root element <retInutNFe>; accepted roots: nfeProc, NFe, procEventoNFe, ' +
        "retEvento, retConsSitNFe, retConsReciNFe, retEnviNFe, retEnvEvento, protNFe, and SEFAZ's SOAP Envelope around them",
    );
    expect(await countRows(t, ['invoices', 'nfe_events'])).toEqual(before);
  });

  it('decodes ISO-8859-1: accented names and SEFAZ’s answer round-trip into the nfeProc and SP-API', async () => {
    const motive = 'Uso Denegado: Irregularidade fiscal do destinatário';
    const doc = generated({ kind: 'rejected', cStat: '302', xMotivo: motive, at: DAY }, { names: true });
    const latin1 = (xml: string) =>
      Buffer.from(xml.replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1');
    const bare = latin1(bareNFeOf(doc.xml));
    expect(bare.includes(Buffer.from('Comércio', 'latin1'))).toBe(true);
    expect(bare.includes(Buffer.from('Comércio', 'utf8'))).toBe(false);
    const first = await post(t, bare);
    expect(first.status).toBe(201);
    const id = first.body.invoice?.id as string;
    expect((await storedXml(t, shop.sellerId, id)).equals(bare)).toBe(true);

    const res = await post(t, latin1(retConsReciNFe([protNFeOf(doc.xml)])));
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ id, status: 'REJECTED' });
    expect(await sellerView(t, shop, id)).toMatchObject({
      status: 'REJECTED',
      errorCode: '302',
      govResponse: motive,
    });
    const joined = (await storedXml(t, shop.sellerId, id)).toString('utf8');
    expect(joined).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    for (const name of ['Comércio de Pães São João Ltda', 'José Antônio Conceição', 'Pão de queijo', motive])
      expect(joined).toContain(name);
  });

  it('names the domain concept first: an NFC-e with a wrong check digit', async () => {
    const doc = generated(undefined, { model: '65' });
    const right = accessKeyCheckDigit(doc.accessKey.slice(0, 43));
    const wrongKey = doc.accessKey.slice(0, 43) + String((Number(right) + 1) % 10);
    const res = await t.admin('POST', '/admin/v1/invoices', doc.xml.replaceAll(doc.accessKey, wrongKey), {
      'content-type': 'application/xml',
    });
    const problem = await expectProblem(res, 400, 'infNFe/@Id');
    expect(problem.detail).toBe(
      `access key (infNFe/@Id): wrong check digit: expected ${right}, got ${wrongKey[43]}`,
    );
  });

  it('a bulk ZIP mixing envelopes applies each entry', async () => {
    const pending = generated();
    const authorized = generated();
    const sync = generated();
    const zip = buildZip([
      { name: 'a/bare.xml', data: bareNFeOf(pending.xml) },
      { name: 'a/proc.xml', data: authorized.xml },
      { name: 'a/sync-bare.xml', data: bareNFeOf(sync.xml) },
      { name: 'b/reci.xml', data: retConsReciNFe([protNFeOf(pending.xml)]) },
      { name: 'b/sync.xml', data: `\uFEFF${retEnviNFe(protNFeOf(sync.xml))}` },
      { name: 'b/events.xml', data: retEnvEvento([retEventoOf(cancellation(authorized.accessKey))]) },
      {
        name: 'c/request.xml',
        data: `<consReciNFe versao="4.00"><tpAmb>1</tpAmb><nRec>1</nRec></consReciNFe>`,
      },
      { name: 'c/unknown.xml', data: '<retInutNFe versao="4.00"/>' },
    ]);
    const res = await t.admin('POST', '/admin/v1/invoices/bulk', zip, { 'content-type': 'application/zip' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      summary: { total: number; failed: number; byOutcome: Record<string, number> };
      results: {
        name: string;
        outcome: string;
        status?: string;
        errors?: { field: string; message: string }[];
      }[];
    };
    const by = new Map(body.results.map((r) => [r.name, r]));
    expect(body.summary).toMatchObject({ total: 8, failed: 2, byOutcome: { created: 3, applied: 3 } });
    expect(by.get('b/reci.xml')).toMatchObject({
      outcome: 'applied',
      status: 'AUTHORIZED',
      accessKey: pending.accessKey,
    });
    expect(by.get('b/sync.xml')).toMatchObject({ outcome: 'applied', status: 'AUTHORIZED' });
    expect(by.get('b/events.xml')).toMatchObject({ outcome: 'applied', status: 'CANCELED' });
    expect(by.get('c/request.xml')?.errors?.[0]?.message).toMatch(/^<consReciNFe> is a request to SEFAZ/);
    expect(by.get('c/unknown.xml')?.errors?.[0]?.message).toMatch(
      /root element <retInutNFe>; accepted roots: /,
    );

    const ids = (name: string) => by.get(name) as { invoiceId?: string };
    expect(await sellerView(t, shop, ids('a/bare.xml').invoiceId as string)).toMatchObject({
      status: 'AUTHORIZED',
    });
    expect(await sellerView(t, shop, ids('a/sync-bare.xml').invoiceId as string)).toMatchObject({
      status: 'AUTHORIZED',
    });
    expect(await sellerView(t, shop, ids('a/proc.xml').invoiceId as string)).toMatchObject({
      status: 'CANCELED',
    });

    const again = await t.admin('POST', '/admin/v1/invoices/bulk', zip, {
      'content-type': 'application/zip',
    });
    const twice = (await again.json()) as typeof body;
    expect(twice.summary.byOutcome).toEqual({ unchanged: 6 });
  });
});
