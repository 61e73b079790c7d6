import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FieldProblem } from '../../../src/core/errors.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import type { NfeBuildSpec } from '../../../src/core/nfe/build.js';
import { makeCnpj } from '../../../src/core/nfe/cnpj.js';
import { readNfeDocument } from '../../../src/core/nfe/read.js';
import type { NfeEventDocument, NfeInvoiceDocument } from '../../../src/core/nfe/types.js';
import { NFE_SAMPLES_DIR } from '../../support/fixture-files.js';

export function sample(name: string): Uint8Array {
  return readFileSync(path.join(NFE_SAMPLES_DIR, name));
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export const EMITTER_CNPJ = makeCnpj('112223330001');
export const MARKETPLACE_CNPJ = '15436940000103';

/** A plain authorized 4.00 sale; override what a test is about. */
export function spec(overrides: Partial<NfeBuildSpec> = {}): NfeBuildSpec {
  return {
    cUF: '35',
    issuedAt: new Date('2024-07-10T15:00:00.000Z'),
    emitter: { cnpj: EMITTER_CNPJ, name: 'Loja Exemplo Ltda', ie: '111222333444' },
    recipient: { cpf: '68161525650', name: 'Fulano dos Santos', uf: 'MG' },
    series: 1,
    number: 4321,
    natOp: 'Venda de mercadoria',
    items: [
      { code: 'SKU-1', description: 'Quinoa 100g', cfop: '6102', quantity: 3, unitPrice: 7.15 },
      { code: 'SKU-2', description: 'Granola 250g', cfop: '6102', quantity: 2, unitPrice: 12.5 },
    ],
    outcome: { kind: 'authorized', protocol: '135240000123456', at: new Date('2024-07-10T15:00:30.000Z') },
    ...overrides,
  };
}

/** Reads the XML and returns the problems of the InvalidInputError it must raise. */
export function problemsOf(xml: string | Uint8Array): FieldProblem[] {
  try {
    readNfeDocument(typeof xml === 'string' ? bytes(xml) : xml);
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems;
    throw e;
  }
  throw new Error('expected the document to be rejected');
}

export function readInvoice(xml: string | Uint8Array): NfeInvoiceDocument {
  const doc = readNfeDocument(typeof xml === 'string' ? bytes(xml) : xml);
  if (doc.kind !== 'invoice') throw new Error(`expected an invoice, got ${doc.kind}`);
  return doc;
}

export function readEvent(xml: string): NfeEventDocument {
  const doc = readNfeDocument(bytes(xml));
  if (doc.kind !== 'event') throw new Error(`expected an event, got ${doc.kind}`);
  return doc;
}
