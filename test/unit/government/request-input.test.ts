import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import {
  type CreateInput,
  canonicalContexts,
  checkLookup,
  validateCreate,
} from '../../../src/core/government/request-input.js';
import { BRAZIL } from '../../../src/core/marketplaces.js';

const scope = { sellerId: '0190b7a0-0000-7000-8000-000000000001', marketplaceIds: [BRAZIL] };
const body: CreateInput = {
  marketplaceId: BRAZIL,
  shipmentId: 'sh109b72-7b27-4e97-9fd1-3b56915fbc95',
  inboundPlanId: 'wf44e473-3f4d-4c6d-a80b-230e644b0c39',
  invoiceType: 'REMITTANCE',
  transactionType: 'INBOUND_SHIPMENT',
  contexts: [{ federalTaxId: '46204217000114', contextType: 'CarrierDetailsContext', name: 'testCarrier' }],
};

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems.map((p) => `${p.field}: ${p.message}`);
    throw err;
  }
  throw new Error('expected InvalidInputError');
}

describe('government request input', () => {
  it('accepts Amazon’s example and picks the carrier context', () => {
    const valid = validateCreate(scope, body);
    expect(valid.carrier?.federalTaxId).toBe('46204217000114');
    expect(valid.inboundPlanId).toBe(body.inboundPlanId);
    expect(Object.keys(valid.contexts[0] ?? {})).toEqual(['contextType', 'name', 'federalTaxId']);
    expect(validateCreate(scope, { ...body, contexts: undefined, inboundPlanId: undefined })).toMatchObject({
      carrier: undefined,
      contexts: [],
      inboundPlanId: null,
    });
  });

  it('names every bad field at once', () => {
    const found = problems(() =>
      validateCreate(scope, {
        ...body,
        marketplaceId: 'ATVPDKIKX0DER',
        invoiceType: 'CUSTOMER_SALES',
        transactionType: 'CUSTOMER_SALES',
        shipmentId: '../x',
        contexts: [{ name: 'a' }, { contextType: 'DriverContext' }],
      }),
    );
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'marketplaceId',
      'invoiceType',
      'transactionType',
      'shipmentId',
      'contexts[0].contextType',
      'contexts[1].contextType',
    ]);
    expect(found[1]).toContain('must be REMITTANCE');
    expect(found[5]).toContain('"DriverContext" is not a known context type (CarrierDetailsContext)');
  });

  it('wants a shipment id, one carrier at most and no control characters', () => {
    expect(problems(() => validateCreate(scope, { ...body, shipmentId: '' }))).toEqual([
      'shipmentId: is required',
    ]);
    const carrier = { contextType: 'CarrierDetailsContext' };
    expect(problems(() => validateCreate(scope, { ...body, contexts: [carrier, carrier] }))).toEqual([
      'contexts: at most one CarrierDetailsContext',
    ]);
    expect(
      problems(() => validateCreate(scope, { ...body, contexts: [{ ...carrier, name: 'a\u0001' }] })),
    ).toEqual(['contexts[0].name: must not contain control characters']);
    expect(problems(() => validateCreate(scope, { ...body, inboundPlanId: '' }))[0]).toMatch(
      /^inboundPlanId/,
    );
  });

  it('checks lookups the same way', () => {
    expect(() => checkLookup(scope, body)).not.toThrow();
    expect(problems(() => checkLookup(scope, { ...body, transactionType: 'X', shipmentId: '' }))).toEqual([
      'transactionType: must be INBOUND_SHIPMENT, got "X"',
      'shipmentId: is required',
    ]);
  });

  it('canonicalizes contexts whatever the key order', () => {
    const a = canonicalContexts([{ name: 'n', contextType: 'CarrierDetailsContext' }]);
    const b = canonicalContexts([{ contextType: 'CarrierDetailsContext', name: 'n' }]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
