import { buildNfeXml, type NfeBuildOutcome } from '../../src/core/nfe/build.js';
import { makeCnpj } from '../../src/core/nfe/cnpj.js';
import type { TestApp } from './app.js';

export interface Seller {
  sellerId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  cnpj: string;
}

let cnpjCounter = 100;

/** A fresh valid CNPJ per call, numeric or (every other call) 2026 alphanumeric. */
export function nextCnpj(alphanumeric = false): string {
  cnpjCounter++;
  const base = alphanumeric
    ? `A${String(cnpjCounter).padStart(7, '0')}B001`
    : `${String(cnpjCounter).padStart(8, '0')}0001`;
  return makeCnpj(base);
}

export async function createSeller(
  t: Pick<TestApp, 'admin'>,
  body: Record<string, unknown> = {},
): Promise<Seller> {
  const cnpj = (body.cnpj as string | undefined) ?? nextCnpj();
  const res = await t.admin('POST', '/admin/v1/sellers', { name: `Seller ${cnpj}`, cnpj, ...body });
  if (res.status !== 201) throw new Error(`seller creation failed: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as Omit<Seller, 'cnpj'>), cnpj };
}

export interface InvoiceSpec {
  number: number;
  series?: number;
  issuedAt: Date;
  outcome?: NfeBuildOutcome;
  tpNF?: string;
  referencedKeys?: string[];
}

export function invoiceXml(cnpj: string, spec: InvoiceSpec): { xml: string; accessKey: string } {
  return buildNfeXml({
    cUF: '35',
    issuedAt: spec.issuedAt,
    emitter: { cnpj, name: 'Loja Teste', uf: 'SP' },
    recipient: { cpf: '68161525650', name: 'Fulano' },
    series: spec.series ?? 1,
    number: spec.number,
    ...(spec.tpNF ? { tpNF: spec.tpNF } : {}),
    ...(spec.referencedKeys ? { referencedKeys: spec.referencedKeys } : {}),
    items: [{ code: 'P1', description: 'Produto', cfop: '5102', quantity: 1, unitPrice: 10 }],
    outcome: spec.outcome ?? {
      kind: 'authorized',
      protocol: `135${String(spec.number).padStart(12, '0')}`,
      at: spec.issuedAt,
    },
  });
}

/** Ingests a document through the operator API; returns the parsed answer. */
export async function ingest<B = Record<string, unknown> & { invoice?: { id: string; status: string } }>(
  t: TestApp,
  xml: string | Uint8Array,
  query: Record<string, string> = {},
): Promise<{ status: number; body: B }> {
  const qs = new URLSearchParams(query).toString();
  const res = await t.admin('POST', `/admin/v1/invoices${qs ? `?${qs}` : ''}`, xml, {
    'content-type': 'application/xml',
  });
  return { status: res.status, body: (await res.json()) as never };
}
