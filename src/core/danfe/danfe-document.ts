/**
 * What a DANFE (Documento Auxiliar da NF-e) shows, read from the stored NF-e and the invoice's
 * status. Values stay as the XML wrote them (decimal strings, digits); the renderer formats them.
 */
export interface DanfeParty {
  name: string;
  /** CNPJ or CPF digits (or the 2026 alphanumeric CNPJ), empty for an anonymous consumer. */
  doc: string;
  ie: string;
  street: string;
  district: string;
  city: string;
  uf: string;
  zip: string;
  phone: string;
}

export interface DanfeItem {
  code: string;
  description: string;
  ncm: string;
  /** CST (regime normal, origin + CST) or CSOSN (Simples Nacional, origin + CSOSN). */
  cst: string;
  cfop: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  total: string;
  icmsBase: string;
  icmsValue: string;
  icmsRate: string;
  ipiValue: string;
  ipiRate: string;
}

export interface DanfeTotals {
  icmsBase: string;
  icms: string;
  stBase: string;
  st: string;
  products: string;
  freight: string;
  insurance: string;
  discount: string;
  other: string;
  ipi: string;
  total: string;
  approximateTaxes: string;
}

export interface DanfeTransport {
  /** modFrete: 0 emitter, 1 recipient, 2 third party, 3/4 own, 9 none. */
  freightMode: string;
  carrierName: string;
  carrierDoc: string;
  carrierIe: string;
  carrierAddress: string;
  carrierCity: string;
  carrierUf: string;
  plate: string;
  plateUf: string;
  volumes: string;
  species: string;
  brand: string;
  numbering: string;
  grossWeight: string;
  netWeight: string;
}

export interface DanfeDocument {
  model: '55' | '65';
  accessKey: string;
  number: string;
  series: string;
  /** ISO date-time as written in the XML (local time of the issuer). */
  issuedAt: string;
  exitAt: string;
  /** tpNF: 0 entrada, 1 saída. */
  direction: string;
  operation: string;
  /** tpAmb 2: issued in the SEFAZ test environment. */
  testEnvironment: boolean;
  emitter: DanfeParty & { tradeName: string; ieSt: string };
  recipient: DanfeParty;
  protocol: { number: string; at: string } | undefined;
  totals: DanfeTotals;
  transport: DanfeTransport;
  items: DanfeItem[];
  payments: { method: string; amount: string }[];
  change: string;
  additionalInfo: string;
  fiscoInfo: string;
  /** NFC-e: infNFeSupl. */
  qrCode: string;
  consultUrl: string;
  /** The marks the invoice's stored status calls for. */
  cancelled: boolean;
  withoutFiscalValue: boolean;
}

export interface RenderedDanfe {
  pdf: Uint8Array;
  pages: number;
}

/** Renders a DANFE as a PDF (an infra adapter: model 55 portrait, model 65 receipt). */
export interface DanfeRenderer {
  render(doc: DanfeDocument): Promise<RenderedDanfe>;
}
