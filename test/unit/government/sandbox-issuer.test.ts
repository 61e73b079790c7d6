import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCarrier, isValidSpIe, SEFAZ_REJECTIONS } from '../../../src/core/government/carrier-rules.js';
import type { CarrierContext, IssueRequest } from '../../../src/core/government/issuer.js';
import {
  FULFILLMENT_CENTERS,
  HOMOLOGATION_NAME,
  remittanceCfop,
  SandboxIssuer,
} from '../../../src/core/government/sandbox-issuer.js';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { isValidAccessKey, parseAccessKey } from '../../../src/core/nfe/access-key.js';
import { readNfeDocument } from '../../../src/core/nfe/read.js';
import { deriveStatus } from '../../../src/core/nfe/status.js';

const seller = {
  sellerId: '0190b7a0-0000-7000-8000-000000000001',
  cnpj: '11222333000181',
  name: 'Loja Exemplo',
};

/** The carrier of Amazon's sandbox example, with its CNPJ's check digits corrected. */
const carrier: CarrierContext = {
  contextType: 'CarrierDetailsContext',
  name: 'testCarrier',
  address: 'An address',
  federalTaxId: '46204217000114',
  regionCode: 'SP',
  regionTaxId: '503348865972',
  vehicleLicensePlate: 'AAA0A00',
  vehicleRegistrationRegionCode: 'SP',
};

function request(over: Partial<IssueRequest> = {}): IssueRequest {
  return {
    marketplaceId: BRAZIL,
    shipmentId: 'sh109b72-7b27-4e97-9fd1-3b56915fbc95',
    inboundPlanId: 'wf44e473-3f4d-4c6d-a80b-230e644b0c39',
    carrier,
    series: 1,
    number: 42,
    issuedAt: new Date('2026-11-20T12:00:00.000Z'),
    ...over,
  };
}

async function issued(req: IssueRequest, issuer = new SandboxIssuer()) {
  const result = await issuer.issue(req, seller);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors)}`);
  return result;
}

async function rejected(c: Partial<CarrierContext>) {
  const result = await new SandboxIssuer().issue(request({ carrier: { ...carrier, ...c } }), seller);
  if (result.ok) throw new Error('expected a rejection');
  return result.errors;
}

describe('SandboxIssuer', () => {
  it('issues an authorized remittance NF-e with a valid key of the seller', async () => {
    const { xml, accessKey } = await issued(request());
    expect(isValidAccessKey(accessKey)).toBe(true);
    const parts = parseAccessKey(accessKey);
    expect([parts.cUF, parts.yymm, parts.cnpj, parts.model, parts.series, parts.number]).toEqual([
      '35',
      '2611',
      seller.cnpj,
      '55',
      '001',
      '000000042',
    ]);
    const doc = readNfeDocument(Buffer.from(xml));
    if (doc.kind !== 'invoice') throw new Error('not an invoice');
    expect(doc.accessKey).toBe(accessKey);
    expect(doc.emitterCnpj).toBe(seller.cnpj);
    expect(doc.recipientDoc).toBe(FULFILLMENT_CENTERS.get(BRAZIL)?.cnpj);
    expect(doc.natOp).toBe('Remessa para deposito');
    expect(doc.cfops).toEqual(['5905']);
    expect(doc.tpAmb).toBe('2');
    expect(doc.discrepancies).toEqual([]);
    expect(deriveStatus(doc).status).toBe('AUTHORIZED');
    expect(xml).toContain(`<xNome>${HOMOLOGATION_NAME}</xNome>`);
    expect(xml).toContain(
      '<transp><modFrete>0</modFrete><transporta><CNPJ>46204217000114</CNPJ><xNome>testCarrier</xNome>' +
        '<IE>503348865972</IE><xEnder>An address</xEnder><UF>SP</UF></transporta>' +
        '<veicTransp><placa>AAA0A00</placa><UF>SP</UF></veicTransp></transp>',
    );
    expect(xml).toContain('<detPag><tPag>90</tPag><vPag>0.00</vPag></detPag>');
    expect(xml).toContain('sh109b72-7b27-4e97-9fd1-3b56915fbc95');
  });

  it('recomputes digVal over the final document', async () => {
    const { xml } = await issued(request());
    const nfe = xml.slice(xml.indexOf('<NFe '), xml.indexOf('</NFe>') + 6);
    expect(xml).toContain(`<digVal>${createHash('sha1').update(nfe).digest('base64')}</digVal>`);
  });

  it('is deterministic: the same request and number give the same bytes', async () => {
    const a = await issued(request());
    const b = await issued(request());
    expect(b.xml).toBe(a.xml);
    const other = await issued(request({ number: 43 }));
    expect(other.accessKey).not.toBe(a.accessKey);
  });

  it('issues without carrier (no transport) and with a CPF carrier', async () => {
    const none = await issued(request({ carrier: undefined }));
    expect(none.xml).toContain('<transp><modFrete>9</modFrete></transp>');
    const cpf = await issued(
      request({ carrier: { contextType: 'CarrierDetailsContext', federalTaxId: '681.615.256-50' } }),
    );
    expect(cpf.xml).toContain('<transporta><CPF>68161525650</CPF></transporta>');
  });

  it('picks CFOP 6905 when the fulfillment center is in another state', async () => {
    expect(remittanceCfop('SP', 'SP')).toBe('5905');
    expect(remittanceCfop('MG', 'SP')).toBe('6905');
    const issuer = new SandboxIssuer({ emitterUf: 'MG', series: 7 });
    expect(issuer.series).toBe(7);
    const { xml, accessKey } = await issued(request({ series: issuer.series }), issuer);
    expect(xml).toContain('<CFOP>6905</CFOP>');
    expect(accessKey.slice(0, 2)).toBe('31');
    expect(parseAccessKey(accessKey).series).toBe('007');
  });

  it('rejects the carrier CNPJ of Amazon’s own sandbox example (wrong check digit) with 542', async () => {
    expect(await rejected({ federalTaxId: '46204217000177' })).toEqual([
      { errorCode: '542', description: 'Rejeição: CNPJ do Transportador inválido' },
    ]);
    expect((await rejected({ federalTaxId: '4620421700011' }))[0]?.errorCode).toBe('542');
  });

  it('rejects a bad CPF (543), IE (544), IE without UF (559) and schema violations (225)', async () => {
    expect(await rejected({ federalTaxId: '68161525651' })).toEqual([
      { errorCode: '543', description: SEFAZ_REJECTIONS['543'] },
    ]);
    expect((await rejected({ regionTaxId: '503348865973' }))[0]?.errorCode).toBe('544');
    expect((await rejected({ regionTaxId: 'ABC' }))[0]?.errorCode).toBe('544');
    const noUf = {
      regionCode: undefined,
      vehicleLicensePlate: undefined,
      vehicleRegistrationRegionCode: undefined,
    };
    expect(await rejected(noUf)).toEqual([{ errorCode: '559', description: SEFAZ_REJECTIONS['559'] }]);
    const schema = await rejected({ regionCode: 'XX', vehicleLicensePlate: 'A-1', name: 'x'.repeat(61) });
    expect(schema.map((e) => e.description)).toEqual([
      'Rejeição: Falha no Schema XML da NFe (Elemento: transporta/xNome)',
      'Rejeição: Falha no Schema XML da NFe (Elemento: transporta/UF)',
      'Rejeição: Falha no Schema XML da NFe (Elemento: veicTransp/placa)',
    ]);
  });

  it('reports every failing rule', async () => {
    const errors = await rejected({ federalTaxId: '46204217000177', regionTaxId: '1' });
    expect(errors.map((e) => e.errorCode)).toEqual(['542', '544']);
  });

  it('accepts ISENTO, other states’ IEs by shape, punctuation and Mercosul or old plates', () => {
    const ok = (c: Partial<CarrierContext>) => checkCarrier({ ...carrier, ...c }).ok;
    expect(ok({ regionTaxId: 'isento' })).toBe(true);
    expect(ok({ regionCode: 'MG', regionTaxId: '0623079040081', vehicleRegistrationRegionCode: 'MG' })).toBe(
      true,
    );
    expect(ok({ federalTaxId: '46.204.217/0001-14', regionTaxId: '503.348.865.972' })).toBe(true);
    expect(ok({ vehicleLicensePlate: 'abc-1234' })).toBe(true);
    expect(ok({ vehicleLicensePlate: 'BRA2E19' })).toBe(true);
    expect(isValidSpIe('110042490114')).toBe(true);
    expect(isValidSpIe('110042490115')).toBe(false);
  });

  it('answers 999 for a marketplace without a fulfillment center', async () => {
    const result = await new SandboxIssuer().issue(request({ marketplaceId: 'NOPE' }), seller);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.errorCode).toBe('999');
  });
});
