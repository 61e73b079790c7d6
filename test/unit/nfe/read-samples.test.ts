import { describe, expect, it } from 'vitest';
import { deriveStatus } from '../../../src/core/nfe/status.js';
import { readInvoice, sample } from './fixtures.js';

describe('real NF-e samples', () => {
  it('reads the SP sale (4.00, production, 6 items)', () => {
    const doc = readInvoice(sample('35180834128745000152550010000474281920007498-nfe.xml'));
    expect(doc).toMatchObject({
      kind: 'invoice',
      layoutVersion: '4.00',
      root: 'nfeProc',
      accessKey: '35180834128745000152550010000474281920007498',
      model: '55',
      series: '1',
      number: '47428',
      cUF: '35',
      tpAmb: '1',
      tpEmis: '1',
      natOp: 'Venda',
      emitterCnpj: '34128745000152',
      recipientDoc: '68161525650',
      totalAmount: '347.28',
      intermediary: null,
      referencedKeys: [],
      embeddedEvents: [],
      discrepancies: [],
    });
    expect(doc.issuedAt.toISOString()).toBe('2018-08-07T12:19:15.000Z');
    expect(doc.cfops).toEqual(['6101', '6101', '6101', '6101', '6101', '6101']);
    expect(doc.protocol).toEqual({
      cStat: '100',
      xMotivo: 'Autorizado o uso da NF-e',
      nProt: '135180527657478',
      dhRecbto: new Date('2018-08-07T12:19:31.000Z'),
      chNFe: '35180834128745000152550010000474281920007498',
    });
    expect(deriveStatus(doc)).toEqual({ status: 'AUTHORIZED', errorCode: '', govResponse: '' });
  });

  it('reads the PR test-environment sale and reports its key/ide tpEmis disagreement', () => {
    const doc = readInvoice(sample('41170706117473000150550010000463202612756525-procNFe.xml'));
    expect(doc.accessKey).toBe('41170706117473000150550010000463202612756525');
    expect([doc.series, doc.number, doc.cUF, doc.tpAmb]).toEqual(['1', '46320', '41', '2']);
    expect(doc.issuedAt.toISOString()).toBe('2017-07-12T12:45:50.000Z');
    expect(doc.emitterCnpj).toBe('06117473000150');
    expect(doc.recipientDoc).toBe('27373722000148');
    expect(doc.totalAmount).toBe('84.90');
    expect(doc.protocol?.cStat).toBe('100');
    expect(doc.protocol?.nProt).toBe('141170000487910');
    // The key was issued with tpEmis 2 while ide says 1: accepted and reported.
    expect(doc.tpEmis).toBe('1');
    expect(doc.discrepancies).toEqual([
      { field: 'issue mode (ide/tpEmis)', message: 'access key says 2, document says 1' },
    ]);
    expect(deriveStatus(doc).status).toBe('AUTHORIZED');
  });

  it('reads the SC sale without NFe namespace declaration, with a -02:00 offset and accents', () => {
    const doc = readInvoice(sample('42211275277525000178550030000276771368212013-procNFe.xml'));
    expect(doc.accessKey).toBe('42211275277525000178550030000276771368212013');
    expect([doc.series, doc.number, doc.cUF]).toEqual(['3', '27677', '42']);
    expect(doc.issuedAt.toISOString()).toBe('2021-12-15T11:43:49.000Z');
    expect(doc.natOp).toBe('Venda, Bonificação');
    expect(doc.emitterCnpj).toBe('75277525000178');
    expect(doc.totalAmount).toBe('19606.03');
    expect(doc.cfops).toEqual(['6107', '6108', '6910', '6910']);
    expect(doc.protocol?.cStat).toBe('100');
    expect(doc.protocol?.dhRecbto?.toISOString()).toBe('2021-12-15T14:44:55.000Z');
    expect(doc.discrepancies).toEqual([]);
    expect(deriveStatus(doc).status).toBe('AUTHORIZED');
  });
});
