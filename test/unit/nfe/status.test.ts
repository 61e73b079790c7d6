import { describe, expect, it } from 'vitest';
import {
  buildCancellationEventXml,
  buildCorrectionLetterXml,
  buildNfeXml,
} from '../../../src/core/nfe/build.js';
import { deriveStatus, isCancellationEvent, isRegisteredEvent } from '../../../src/core/nfe/status.js';
import type { NfeEvent } from '../../../src/core/nfe/types.js';
import { EMITTER_CNPJ, readEvent, readInvoice, spec } from './fixtures.js';

const at = new Date('2024-07-12T10:00:00Z');
const authorized = buildNfeXml(spec());
const KEY = authorized.accessKey;

function cancellation(accessKey: string, statusCode = '135'): NfeEvent {
  const xml = buildCancellationEventXml({
    accessKey,
    cnpj: EMITTER_CNPJ,
    at,
    protocol: '135240000123456',
    justification: 'Pedido cancelado pelo comprador',
    statusCode,
  });
  return readEvent(xml).event;
}

const OK = { errorCode: '', govResponse: '' };

describe('deriveStatus from the protocol', () => {
  it('is PENDING without a protocol', () => {
    expect(deriveStatus(readInvoice(buildNfeXml(spec({ outcome: { kind: 'pending' } })).xml))).toEqual({
      status: 'PENDING',
      ...OK,
    });
  });

  it('is AUTHORIZED for cStat 100 and 150', () => {
    expect(deriveStatus(readInvoice(authorized.xml))).toEqual({ status: 'AUTHORIZED', ...OK });
    const late = authorized.xml.replace('<cStat>100</cStat>', '<cStat>150</cStat>');
    expect(deriveStatus(readInvoice(late)).status).toBe('AUTHORIZED');
  });

  it('is REJECTED with errorCode and govResponse for a denial (302) and any other cStat', () => {
    const xMotivo = 'Uso Denegado: Irregularidade fiscal do destinatario';
    const denied = readInvoice(
      buildNfeXml(spec({ outcome: { kind: 'rejected', cStat: '302', xMotivo, at } })).xml,
    );
    expect(denied.protocol?.nProt).toMatch(/^\d{15}$/);
    expect(deriveStatus(denied)).toEqual({ status: 'REJECTED', errorCode: '302', govResponse: xMotivo });
    const dup = readInvoice(
      buildNfeXml(
        spec({ outcome: { kind: 'rejected', cStat: '204', xMotivo: 'Rejeicao: Duplicidade de NF-e', at } }),
      ).xml,
    );
    expect(dup.protocol?.nProt).toBeNull();
    expect(deriveStatus(dup)).toEqual({
      status: 'REJECTED',
      errorCode: '204',
      govResponse: 'Rejeicao: Duplicidade de NF-e',
    });
  });
});

describe('the three cancellation encodings', () => {
  it('1. infProt with cStat 101 (and 151/155 out of time)', () => {
    const { xml } = buildNfeXml(spec({ outcome: { kind: 'cancelled-cstat101' } }));
    expect(deriveStatus(readInvoice(xml))).toEqual({ status: 'CANCELED', ...OK });
    for (const cStat of ['151', '155']) {
      expect(
        deriveStatus(readInvoice(xml.replace('<cStat>101</cStat>', `<cStat>${cStat}</cStat>`))).status,
      ).toBe('CANCELED');
    }
  });

  it('2. nfeProc with an appended retEvento 110111 / 135', () => {
    const doc = readInvoice(buildNfeXml(spec({ outcome: { kind: 'cancelled-embedded-event', at } })).xml);
    expect(doc.protocol?.cStat).toBe('100');
    expect(doc.embeddedEvents).toHaveLength(1);
    expect(doc.embeddedEvents[0]).toMatchObject({
      accessKey: doc.accessKey,
      eventType: '110111',
      statusCode: '135',
    });
    expect(deriveStatus(doc)).toEqual({ status: 'CANCELED', ...OK });
  });

  it('3. a separate procEventoNFe passed in', () => {
    const doc = readInvoice(authorized.xml);
    expect(deriveStatus(doc, [cancellation(KEY)])).toEqual({ status: 'CANCELED', ...OK });
    expect(deriveStatus(doc, [cancellation(KEY, '155')]).status).toBe('CANCELED');
  });

  it('also accepts a procEventoNFe appended inside nfeProc', () => {
    const event = buildCancellationEventXml({
      accessKey: KEY,
      cnpj: EMITTER_CNPJ,
      at,
      protocol: '1',
      justification: 'Pedido cancelado pelo comprador',
    }).replace(/^<\?xml[^>]*\?>/, '');
    const doc = readInvoice(authorized.xml.replace('</nfeProc>', `${event}</nfeProc>`));
    expect(doc.embeddedEvents.map((e) => e.eventType)).toEqual(['110111']);
    expect(deriveStatus(doc).status).toBe('CANCELED');
  });
});

describe('events that do not cancel', () => {
  const doc = readInvoice(authorized.xml);

  it('ignores a correction letter (110110)', () => {
    const cce = readEvent(
      buildCorrectionLetterXml({
        accessKey: KEY,
        cnpj: EMITTER_CNPJ,
        at,
        correction: 'Corrige o endereco de entrega',
      }),
    ).event;
    expect(isRegisteredEvent(cce)).toBe(true);
    expect(isCancellationEvent(cce)).toBe(false);
    expect(deriveStatus(doc, [cce])).toEqual({ status: 'AUTHORIZED', ...OK });
  });

  it('ignores an unregistered cancellation and one for another key', () => {
    const refused = cancellation(KEY, '573');
    expect(refused.protocol).toBeNull();
    expect(isRegisteredEvent(refused)).toBe(false);
    expect(deriveStatus(doc, [refused]).status).toBe('AUTHORIZED');
    const otherKey = buildNfeXml(spec({ number: 99 })).accessKey;
    expect(deriveStatus(doc, [cancellation(otherKey)]).status).toBe('AUTHORIZED');
  });

  it('keeps REJECTED when a cancellation arrives; cancels a PENDING document', () => {
    const rejected = readInvoice(
      buildNfeXml(spec({ outcome: { kind: 'rejected', cStat: '301', xMotivo: 'Uso Denegado', at } })).xml,
    );
    expect(deriveStatus(rejected, [cancellation(KEY)])).toEqual({
      status: 'REJECTED',
      errorCode: '301',
      govResponse: 'Uso Denegado',
    });
    const pending = readInvoice(buildNfeXml(spec({ outcome: { kind: 'pending' } })).xml);
    expect(deriveStatus(pending, [cancellation(KEY)]).status).toBe('CANCELED');
  });

  it('classifies events', () => {
    const e = cancellation(KEY);
    expect(isCancellationEvent(e)).toBe(true);
    expect(isCancellationEvent({ ...e, eventType: '110112' })).toBe(true);
    expect(isCancellationEvent({ ...e, eventType: '210200' })).toBe(false);
    expect(
      ['135', '136', '155', '573', ''].map((statusCode) => isRegisteredEvent({ ...e, statusCode })),
    ).toEqual([true, true, true, false, false]);
  });
});
