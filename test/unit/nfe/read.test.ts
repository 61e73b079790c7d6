import { describe, expect, it } from 'vitest';
import {
  buildCancellationEventXml,
  buildCorrectionLetterXml,
  buildNfeXml,
  type NfeBuildSpec,
} from '../../../src/core/nfe/build.js';
import { makeCnpj } from '../../../src/core/nfe/cnpj.js';
import { nfeField } from '../../../src/core/nfe/field-names.js';
import { readNfeDocument } from '../../../src/core/nfe/read.js';
import {
  bytes,
  EMITTER_CNPJ,
  MARKETPLACE_CNPJ,
  problemsOf,
  readEvent,
  readInvoice,
  spec,
} from './fixtures.js';

const base = buildNfeXml(spec());
const KEY = base.accessKey;

describe('layouts and shapes', () => {
  it('reads layout 3.10 with a date-only dEmi as midnight in Brasília', () => {
    const { xml } = buildNfeXml(spec({ layout: '3.10', dateOnly: true }));
    expect(xml).toContain('<dEmi>2024-07-10</dEmi>');
    const doc = readInvoice(xml);
    expect(doc.layoutVersion).toBe('3.10');
    expect(doc.issuedAt.toISOString()).toBe('2024-07-10T03:00:00.000Z');
    expect(doc.discrepancies).toEqual([]);
  });

  it('reads layout 3.10 with dhEmi and 4.00', () => {
    expect(readInvoice(buildNfeXml(spec({ layout: '3.10' })).xml).issuedAt.toISOString()).toBe(
      '2024-07-10T15:00:00.000Z',
    );
    const v4 = readInvoice(base.xml);
    expect(v4.layoutVersion).toBe('4.00');
    expect(v4.accessKey).toBe(KEY);
  });

  it('reads a bare unsigned NFe', () => {
    const doc = readInvoice(buildNfeXml(spec({ outcome: { kind: 'pending' } })).xml);
    expect(doc.root).toBe('NFe');
    expect(doc.protocol).toBeNull();
    expect(doc.embeddedEvents).toEqual([]);
  });

  it('normalizes one and several det / NFref, and reads the intermediary', () => {
    const refs = [
      '42211275277525000178550030000276771368212013',
      '35180834128745000152550010000474281920007498',
    ];
    const one = readInvoice(
      buildNfeXml(spec({ items: [{ code: 'A', description: 'a', cfop: '5949', quantity: 1, unitPrice: 1 }] }))
        .xml,
    );
    expect(one.cfops).toEqual(['5949']);
    const doc = readInvoice(
      buildNfeXml(
        spec({
          finNFe: '4',
          referencedKeys: refs,
          intermediary: { cnpj: MARKETPLACE_CNPJ, sellerId: 'SELLER-42' },
          items: [
            { code: 'A', description: 'a', cfop: '1949', quantity: 1, unitPrice: 10 },
            { code: 'B', description: 'b', cfop: '1202', quantity: 2, unitPrice: 0.5 },
            { code: 'C', description: 'c', cfop: '1949', quantity: 3, unitPrice: 1.1 },
          ],
        }),
      ).xml,
    );
    expect(doc.cfops).toEqual(['1949', '1202', '1949']);
    expect(doc.referencedKeys).toEqual(refs);
    expect(doc.intermediary).toEqual({ cnpj: MARKETPLACE_CNPJ, sellerId: 'SELLER-42' });
    expect(doc.finNFe).toBe('4');
    expect(doc.totalAmount).toBe('14.30');
  });

  it('reads a CPF emitter, whose key holds 000 + CPF, and an alphanumeric CNPJ emitter', () => {
    const cpf = buildNfeXml(spec({ emitter: { cpf: '35029428895', name: 'Produtor Rural' } }));
    expect(cpf.accessKey.slice(6, 20)).toBe('00035029428895');
    expect(readInvoice(cpf.xml).emitterCnpj).toBe('00035029428895');
    const alnum = buildNfeXml(spec({ emitter: { cnpj: '12ABC34501DE35', name: 'Nova Ltda' } }));
    expect(readInvoice(alnum.xml).emitterCnpj).toBe('12ABC34501DE35');
    expect(readInvoice(alnum.xml).accessKey).toBe(alnum.accessKey);
  });

  it('decodes escaped text and character references', () => {
    const natOp = 'Devolução & troca <simbólica> "FBA"';
    const { xml } = buildNfeXml(spec({ natOp }));
    expect(xml).toContain('Devolução &amp; troca &lt;simbólica&gt; &quot;FBA&quot;');
    expect(readInvoice(xml).natOp).toBe(natOp);
    expect(readInvoice(xml.replace('<natOp>', '<natOp>&#67;&#x43; ')).natOp).toBe(`CC ${natOp}`);
    // Decoded once: an escaped reference stays a reference; an entity no DTD declares stays as written.
    expect(readInvoice(xml.replace('<natOp>', '<natOp>&amp;lt; ')).natOp).toBe(`&lt; ${natOp}`);
    expect(readInvoice(xml.replace('<natOp>', '<natOp>&nbsp;')).natOp).toBe(`&nbsp;${natOp}`);
  });

  it('strips leading zeros of series and number, keeping a lone zero', () => {
    const padded = base.xml
      .replace('<serie>1</serie>', '<serie>001</serie>')
      .replace('<nNF>4321</nNF>', '<nNF>000004321</nNF>');
    expect([readInvoice(padded).series, readInvoice(padded).number]).toEqual(['1', '4321']);
    const zero = buildNfeXml(spec({ series: 0, number: 30 }));
    expect([readInvoice(zero.xml).series, readInvoice(zero.xml).number]).toEqual(['0', '30']);
  });
});

describe('access key versus document', () => {
  const mismatch = (keyOverrides: NfeBuildSpec['keyOverrides']) =>
    problemsOf(buildNfeXml(spec({ keyOverrides })).xml);

  it('rejects an nNF disagreement, naming the field', () => {
    expect(mismatch({ number: '4322' })).toEqual([
      { field: 'number (ide/nNF)', message: 'access key says 000004322, document says 4321' },
    ]);
  });

  it('rejects series, model, cUF and emitter disagreements, all at once', () => {
    expect(mismatch({ series: '2' })).toEqual([
      { field: 'series (ide/serie)', message: 'access key says 002, document says 1' },
    ]);
    expect(mismatch({ model: '65' })).toEqual([
      { field: 'model (ide/mod)', message: 'access key says 65, document says 55' },
    ]);
    expect(mismatch({ cUF: '33' })).toEqual([
      { field: 'state code (ide/cUF)', message: 'access key says 33, document says 35' },
    ]);
    const other = makeCnpj('998877660001');
    expect(mismatch({ cnpj: other })).toEqual([
      {
        field: 'CNPJ of the emitter (emit/CNPJ)',
        message: `access key says ${other}, document says ${EMITTER_CNPJ}`,
      },
    ]);
    expect(mismatch({ number: '1', series: '9' }).map((p) => p.field)).toEqual([
      'series (ide/serie)',
      'number (ide/nNF)',
    ]);
  });

  it('rejects a CPF emitter whose key does not hold it', () => {
    const problems = problemsOf(
      buildNfeXml(
        spec({ emitter: { cpf: '35029428895', name: 'P' }, keyOverrides: { cnpj: '00068161525650' } }),
      ).xml,
    );
    expect(problems).toEqual([
      {
        field: 'CPF of the emitter (emit/CPF)',
        message: 'access key says 00068161525650, document says 35029428895',
      },
    ]);
  });

  it('accepts and reports month, tpEmis and cNF disagreements', () => {
    const built = buildNfeXml(spec({ keyOverrides: { yymm: '2406', tpEmis: '9', cNF: '00000001' } }));
    const doc = readInvoice(built.xml);
    expect(doc.accessKey).toBe(built.accessKey);
    expect(doc.tpEmis).toBe('1');
    expect(doc.discrepancies).toEqual([
      {
        field: 'issue date (ide/dhEmi)',
        message: 'access key month 2406 (YYMM), document issued 2024-07-10T12:00:00-03:00 (2407)',
      },
      { field: 'issue mode (ide/tpEmis)', message: 'access key says 9, document says 1' },
      {
        field: 'random code (ide/cNF)',
        message: expect.stringMatching(/^access key says 00000001, document says \d{8}$/),
      },
    ]);
  });

  it('compares the month in the document’s own local date, not UTC', () => {
    // 2024-07-31 23:30 in Brasília is already August in UTC; the key says 2407.
    const doc = readInvoice(buildNfeXml(spec({ issuedAt: new Date('2024-08-01T02:30:00Z') })).xml);
    expect(doc.accessKey.slice(2, 6)).toBe('2407');
    expect(doc.discrepancies).toEqual([]);
  });

  it('rejects a protocol chNFe that differs from infNFe/@Id', () => {
    const other = buildNfeXml(spec({ number: 4322 })).accessKey;
    const xml = base.xml.replace(`<chNFe>${KEY}</chNFe>`, `<chNFe>${other}</chNFe>`);
    expect(problemsOf(xml)).toEqual([
      {
        field: 'access key of the protocol (protNFe/infProt/chNFe)',
        message: `${other} differs from the access key ${KEY} (infNFe/@Id)`,
      },
    ]);
  });

  it('rejects a wrong check digit or a missing prefix in infNFe/@Id', () => {
    const wrongDv = `${KEY.slice(0, 43)}${(Number(KEY[43]) + 1) % 10}`;
    expect(problemsOf(base.xml.replace(`Id="NFe${KEY}"`, `Id="NFe${wrongDv}"`))).toEqual([
      {
        field: 'access key (infNFe/@Id)',
        message: `wrong check digit: expected ${KEY[43]}, got ${wrongDv[43]}`,
      },
    ]);
    expect(problemsOf(base.xml.replace(`Id="NFe${KEY}"`, `Id="${KEY}"`))[0]?.field).toBe(
      'access key (infNFe/@Id)',
    );
  });
});

describe('missing or invalid elements', () => {
  const cases: [string, (xml: string) => string, string][] = [
    ['ide/nNF', (x) => x.replace('<nNF>4321</nNF>', ''), 'missing'],
    ['ide/serie', (x) => x.replace('<serie>1</serie>', ''), 'missing'],
    ['ide/mod', (x) => x.replace('<mod>55</mod>', ''), 'missing'],
    ['emit/CNPJ', (x) => x.replace(`<CNPJ>${EMITTER_CNPJ}</CNPJ>`, ''), 'missing (and no emit/CPF)'],
    ['ide/dhEmi', (x) => x.replace(/<dhEmi>[^<]*<\/dhEmi>/, ''), 'missing (and no ide/dEmi)'],
    [
      'ide/dhEmi',
      (x) => x.replace(/<dhEmi>[^<]*</, '<dhEmi>2024-02-30T10:00:00-03:00<'),
      '"2024-02-30T10:00:00-03:00" is not a valid date',
    ],
    ['ide', (x) => x.replace(/<ide>.*<\/ide>/, ''), 'missing'],
    [
      'infNFe/@versao',
      (x) => x.replace('<infNFe versao="4.00"', '<infNFe versao="2.00"'),
      'unsupported layout version "2.00" (expected 3.10 or 4.00)',
    ],
    [
      'ide/nNF',
      (x) => x.replace('<nNF>4321</nNF>', '<nNF>43A1</nNF>'),
      '"43A1" is not an invoice number (1 to 9 digits)',
    ],
  ];
  for (const [field, edit, message] of cases) {
    it(`names ${field} (${message})`, () => {
      expect(problemsOf(edit(base.xml))).toEqual([{ field: nfeField(field), message }]);
    });
  }

  it('names infNFe and rejects unknown roots', () => {
    expect(problemsOf('<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><other/></NFe>')).toEqual([
      { field: 'invoice (infNFe)', message: 'missing' },
    ]);
    expect(problemsOf('<html><body/></html>')).toEqual([
      {
        field: 'xml',
        message:
          'not an NF-e document: root element <html>; accepted roots: nfeProc, NFe, procEventoNFe, retEvento, ' +
          "retConsSitNFe, retConsReciNFe, retEnviNFe, retEnvEvento, protNFe, and SEFAZ's SOAP Envelope around them",
      },
    ]);
  });
});

describe('event documents', () => {
  const at = new Date('2024-07-11T13:00:00Z');
  const cancel = buildCancellationEventXml({
    accessKey: KEY,
    cnpj: EMITTER_CNPJ,
    at,
    protocol: '135240000123456',
    justification: 'Pedido cancelado pelo comprador',
  });

  it('reads procEventoNFe', () => {
    expect(readEvent(cancel)).toEqual({
      kind: 'event',
      root: 'procEventoNFe',
      event: {
        accessKey: KEY,
        eventType: '110111',
        sequence: 1,
        statusCode: '135',
        statusReason: 'Evento registrado e vinculado a NF-e',
        protocol: expect.stringMatching(/^13524\d{10}$/),
        registeredAt: new Date('2024-07-11T13:00:02Z'),
        detail: 'Cancelamento|135240000123456|Pedido cancelado pelo comprador',
      },
    });
  });

  it('refuses envEvento (a request); reads retEnvEvento (the return only) as an answer', () => {
    const evento = /<evento versao="1.00">.*<\/evento>/.exec(cancel)![0];
    const retEvento = /<retEvento versao="1.00">.*<\/retEvento>/.exec(cancel)![0];
    expect(
      problemsOf(
        `<envEvento xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00"><idLote>1</idLote>${evento}</envEvento>`,
      ),
    ).toEqual([
      {
        field: 'xml',
        message:
          '<envEvento> is a request to SEFAZ, not its answer: it holds no authorization or registration; ' +
          'send retEnvEvento, or the procEventoNFe',
      },
    ]);
    const doc = readNfeDocument(
      bytes(
        `<retEnvEvento versao="1.00"><idLote>1</idLote><tpAmb>1</tpAmb><cStat>128</cStat><xMotivo>Lote de Evento Processado</xMotivo>${retEvento}</retEnvEvento>`,
      ),
    );
    if (doc.kind !== 'answer') throw new Error(`expected an answer, got ${doc.kind}`);
    expect(doc.root).toBe('retEnvEvento');
    expect(doc.protocols).toEqual([]);
    expect(doc.events).toHaveLength(1);
    expect(doc.events[0]?.event).toMatchObject({ accessKey: KEY, eventType: '110111', statusCode: '135' });
    expect(doc.events[0]?.event.registeredAt?.toISOString()).toBe('2024-07-11T13:00:02.000Z');
    expect(doc.events[0]?.xml).toBe(retEvento);
  });

  it('reads a correction letter with its sequence', () => {
    const cce = buildCorrectionLetterXml({
      accessKey: KEY,
      cnpj: EMITTER_CNPJ,
      at,
      sequence: 3,
      correction: 'Endereco de entrega: Rua B, 20',
    });
    expect(readEvent(cce).event).toMatchObject({ eventType: '110110', sequence: 3, statusCode: '135' });
  });

  it('rejects an event with an invalid key, or whose return contradicts it', () => {
    const badKey = `${KEY.slice(0, 43)}${(Number(KEY[43]) + 1) % 10}`;
    expect(problemsOf(cancel.replaceAll(KEY, badKey))[0]).toEqual({
      field: 'access key of the event (evento/infEvento/chNFe)',
      message: `wrong check digit: expected ${KEY[43]}, got ${badKey[43]}`,
    });
    const contradicted = cancel.replace(/(<retEvento.*)<tpEvento>110111</, '$1<tpEvento>110110<');
    expect(problemsOf(contradicted)).toEqual([
      {
        field: 'event type (retEvento/infEvento/tpEvento)',
        message: 'return says 110110, event says 110111',
      },
    ]);
  });
});
