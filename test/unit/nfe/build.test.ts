import { describe, expect, it } from 'vitest';
import { isValidAccessKey, parseAccessKey } from '../../../src/core/nfe/access-key.js';
import { buildCancellationEventXml, buildNfeXml, type NfeBuildOutcome } from '../../../src/core/nfe/build.js';
import { deriveStatus } from '../../../src/core/nfe/status.js';
import { EMITTER_CNPJ, readInvoice, spec } from './fixtures.js';

const at = new Date('2024-07-10T15:00:30Z');

describe('buildNfeXml round trip', () => {
  const outcomes: [NfeBuildOutcome, string, string][] = [
    [{ kind: 'authorized', protocol: '135240000123456', at }, 'nfeProc', 'AUTHORIZED'],
    [{ kind: 'rejected', cStat: '302', xMotivo: 'Uso Denegado', at }, 'nfeProc', 'REJECTED'],
    [{ kind: 'pending' }, 'NFe', 'PENDING'],
    [{ kind: 'cancelled-cstat101' }, 'nfeProc', 'CANCELED'],
    [{ kind: 'cancelled-embedded-event', at: new Date('2024-07-11T10:00:00Z') }, 'nfeProc', 'CANCELED'],
  ];
  for (const layout of ['4.00', '3.10'] as const) {
    for (const [outcome, root, status] of outcomes) {
      it(`${outcome.kind} (${layout}) reads back as ${status}`, () => {
        const built = buildNfeXml(spec({ outcome, layout }));
        expect(isValidAccessKey(built.accessKey)).toBe(true);
        const doc = readInvoice(built.xml);
        expect(doc.accessKey).toBe(built.accessKey);
        expect(doc.root).toBe(root);
        expect(doc.layoutVersion).toBe(layout);
        expect([doc.series, doc.number, doc.emitterCnpj, doc.recipientDoc]).toEqual([
          '1',
          '4321',
          EMITTER_CNPJ,
          '68161525650',
        ]);
        expect(doc.totalAmount).toBe('46.45'); // 3 × 7.15 + 2 × 12.50
        expect(doc.discrepancies).toEqual([]);
        expect(deriveStatus(doc).status).toBe(status);
      });
    }
  }

  it('uses the authorized protocol given', () => {
    const doc = readInvoice(buildNfeXml(spec()).xml);
    expect(doc.protocol).toMatchObject({ cStat: '100', nProt: '135240000123456', dhRecbto: at });
  });
});

describe('buildNfeXml output', () => {
  it('is deterministic and in the NF-e namespace', () => {
    const a = buildNfeXml(spec());
    expect(buildNfeXml(spec())).toEqual(a);
    expect(
      a.xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?><nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">',
      ),
    ).toBe(true);
    expect(a.xml).toContain(`<infNFe versao="4.00" Id="NFe${a.accessKey}">`);
    expect(a.xml).toContain(`<cDV>${a.accessKey[43]}</cDV>`);
  });

  it('derives a different cNF per number, and keeps an explicit one', () => {
    const cnf = (n: number) => parseAccessKey(buildNfeXml(spec({ number: n })).accessKey).cNF;
    expect(cnf(1)).toMatch(/^\d{8}$/);
    expect(cnf(1)).not.toBe(cnf(2));
    expect(parseAccessKey(buildNfeXml(spec({ cNF: '00001234' })).accessKey).cNF).toBe('00001234');
  });

  it('writes transporta only with a carrier', () => {
    const withCarrier = buildNfeXml(
      spec({
        carrier: { cnpj: '82604042000449', name: 'Transville', ie: '251787435', uf: 'SC', plate: 'ABC1D23' },
      }),
    ).xml;
    expect(withCarrier).toContain(
      '<transp><modFrete>0</modFrete><transporta><CNPJ>82604042000449</CNPJ><xNome>Transville</xNome><IE>251787435</IE><UF>SC</UF></transporta><veicTransp><placa>ABC1D23</placa><UF>SC</UF></veicTransp></transp>',
    );
    expect(buildNfeXml(spec()).xml).toContain('<transp><modFrete>9</modFrete></transp>');
  });

  it('builds contingency NFC-e keys that agree with ide', () => {
    const built = buildNfeXml(spec({ model: '65', tpEmis: '9', cUF: '31' }));
    expect(parseAccessKey(built.accessKey)).toMatchObject({ cUF: '31', model: '65', tpEmis: '9' });
    expect(built.xml).toContain('<dhCont>');
    const doc = readInvoice(built.xml);
    expect([doc.model, doc.tpEmis, doc.cUF]).toEqual(['65', '9', '31']);
    expect(doc.discrepancies).toEqual([]);
  });

  it('refuses invalid input', () => {
    expect(() => buildNfeXml(spec({ cUF: '99' }))).toThrow(/99 is not a valid state code/);
    expect(() => buildNfeXml(spec({ layout: '3.10', intermediary: { cnpj: EMITTER_CNPJ } }))).toThrow(
      /infIntermed/,
    );
    expect(() =>
      buildCancellationEventXml({
        accessKey: buildNfeXml(spec()).accessKey,
        cnpj: EMITTER_CNPJ,
        at,
        protocol: '1',
        justification: 'short',
      }),
    ).toThrow(/15 to 255/);
  });

  it('is fast enough for 100,000-document demo data', () => {
    const started = performance.now();
    for (let n = 1; n <= 5000; n++) buildNfeXml(spec({ number: n }));
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
