import { describe, expect, it } from 'vitest';
import { buildCancellationEventXml, buildNfeXml } from '../../../src/core/nfe/build.js';
import { fieldConcept, nfeField } from '../../../src/core/nfe/field-names.js';
import { joinNfeProc } from '../../../src/core/nfe/join-proc.js';
import { readNfeDocument } from '../../../src/core/nfe/read.js';
import type { NfeAnswerDocument } from '../../../src/core/nfe/types.js';
import { XmlOutline } from '../../../src/core/nfe/xml-outline.js';
import {
  bareNFeOf,
  procEventoOf,
  protNFeOf,
  retConsReciNFe,
  retConsSitNFe,
} from '../../support/nfe-envelopes.js';
import { bytes, EMITTER_CNPJ, problemsOf, spec } from './fixtures.js';

const doc = buildNfeXml(spec());
const other = buildNfeXml(spec({ number: 4322 }));
const cancel = buildCancellationEventXml({
  accessKey: doc.accessKey,
  cnpj: EMITTER_CNPJ,
  at: new Date('2024-07-11T13:00:00Z'),
  protocol: '135240000123456',
  justification: 'Pedido cancelado pelo comprador',
});

function answer(xml: string): NfeAnswerDocument {
  const read = readNfeDocument(bytes(xml));
  if (read.kind !== 'answer') throw new Error(`expected an answer, got ${read.kind}`);
  return read;
}

describe('field names', () => {
  it('name the concept first and keep the path beside it', () => {
    expect(nfeField('infNFe/@Id')).toBe('access key (infNFe/@Id)');
    expect(nfeField('emit/CNPJ')).toBe('CNPJ of the emitter (emit/CNPJ)');
    expect(nfeField('retConsReciNFe/protNFe[3]/infProt/chNFe')).toBe(
      'access key of the protocol (retConsReciNFe/protNFe[3]/infProt/chNFe)',
    );
    expect(nfeField('retEnvEvento/retEvento[0]/retEvento/infEvento/nSeqEvento')).toBe(
      'event sequence (retEnvEvento/retEvento[0]/retEvento/infEvento/nSeqEvento)',
    );
    for (const [path, concept] of [
      ['ide/serie', 'series'],
      ['ide/nNF', 'number'],
      ['ide/dhEmi', 'issue date'],
      ['protNFe/infProt', 'protocol'],
    ])
      expect(fieldConcept(path as string)).toBe(concept);
    expect(nfeField('xml')).toBe('xml');
  });
});

describe('answers', () => {
  it('reads retConsSitNFe: the protocol and the events of its key, each standing on its own', () => {
    const read = answer(retConsSitNFe(doc.accessKey, protNFeOf(doc.xml), [procEventoOf(cancel)]));
    expect(read.root).toBe('retConsSitNFe');
    expect(read.protocols.map((p) => [p.accessKey, p.protocol.cStat, p.field])).toEqual([
      [doc.accessKey, '100', 'retConsSitNFe/protNFe[0]/infProt/chNFe'],
    ]);
    expect(read.protocols[0]?.xml).toBe(
      protNFeOf(doc.xml).replace('<protNFe ', '<protNFe xmlns="http://www.portalfiscal.inf.br/nfe" '),
    );
    expect(read.events.map((e) => [e.event.eventType, e.event.statusCode])).toEqual([['110111', '135']]);
    expect(readNfeDocument(bytes(read.events[0]?.xml as string))).toMatchObject({
      kind: 'event',
      event: { accessKey: doc.accessKey, eventType: '110111' },
    });
  });

  it('refuses a retConsSitNFe holding another key, or nothing', () => {
    expect(problemsOf(retConsSitNFe(doc.accessKey, protNFeOf(other.xml)))).toEqual([
      {
        field: 'access key of the protocol (retConsSitNFe/protNFe[0]/infProt/chNFe)',
        message: `${other.accessKey} is not the key this answer is about (retConsSitNFe/chNFe ${doc.accessKey})`,
      },
    ]);
    const notFound = retConsSitNFe(doc.accessKey, '')
      .replace('<cStat>100</cStat>', '<cStat>217</cStat>')
      .replace('Autorizado o uso da NF-e', 'Rejeição: NF-e não consta na base de dados da SEFAZ');
    expect(problemsOf(notFound)).toEqual([
      {
        field: 'consult-situation answer (retConsSitNFe)',
        message:
          'holds no protocol (protNFe) and no event; SEFAZ answered cStat 217 (Rejeição: NF-e não consta na base de dados da SEFAZ)',
      },
    ]);
  });

  it('reads an answer saved with its SOAP envelope', () => {
    const inner = retConsReciNFe([protNFeOf(doc.xml), protNFeOf(other.xml)]).replace(/^<\?xml[^>]*\?>/, '');
    const soap =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">' +
      '<soap:Body><nfeResultMsg xmlns="http://www.portalfiscal.inf.br/nfe/wsdl/NFeRetAutorizacao4">' +
      `${inner}</nfeResultMsg></soap:Body></soap:Envelope>`;
    const read = answer(soap);
    expect(read.root).toBe('retConsReciNFe');
    expect(read.protocols.map((p) => p.accessKey)).toEqual([doc.accessKey, other.accessKey]);
    const event = answer(
      `<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body>${procEventoOf(cancel)}</Body></Envelope>`,
    );
    expect(event.events).toHaveLength(1);
    expect(
      problemsOf(`<Envelope><Body>${doc.xml.replace(/^<\?xml[^>]*\?>/, '')}</Body></Envelope>`)[0]?.message,
    ).toBe('an nfeProc inside a SOAP <Envelope>: send the nfeProc file itself');
  });
});

describe('outline and join', () => {
  it('carries inherited namespace bindings onto a cut-out element, only the ones it uses', () => {
    const outline = new XmlOutline(
      '<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:d"><a:x><b:y z="1"/><w/></a:x><a:q/></a:r>',
    );
    const x = outline.children(0, 'x')[0] as number;
    expect(outline.standalone(x)).toBe(
      '<a:x xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b"><b:y z="1"/><w/></a:x>',
    );
    expect(outline.standalone(outline.children(0, 'q')[0] as number, new Map([['a', 'urn:a']]))).toBe(
      '<a:q/>',
    );
  });

  it('joins a bare NFe and its protocol into the nfeProc the generator writes', () => {
    const joined = new TextDecoder().decode(joinNfeProc(bytes(bareNFeOf(doc.xml)), protNFeOf(doc.xml)));
    expect(joined).toBe(doc.xml);
  });
});
