/**
 * What the NF-e reader extracts from a document. The original bytes are kept elsewhere; this is the
 * index. Field names follow the NF-e layout (ide, emit, dest, infProt) where one exists.
 */

export type NfeModel = '55' | '65';
export type LayoutVersion = '3.10' | '4.00';

/** A disagreement between the access key and the document that we accept and report. */
export interface Discrepancy {
  /** The field, concept and path: `issue mode (ide/tpEmis)`. */
  field: string;
  message: string;
}

export interface NfeProtocol {
  /** cStat of infProt: 100/150 authorized, 110/301/302/303 denied, 101 cancelled, others rejected. */
  cStat: string;
  xMotivo: string;
  nProt: string | null;
  dhRecbto: Date | null;
  chNFe: string | null;
}

export interface NfeEvent {
  /** The 44-character key the event refers to (chNFe). */
  accessKey: string;
  /** tpEvento: '110111' cancellation, '110110' correction letter, others kept as they come. */
  eventType: string;
  /** nSeqEvento. */
  sequence: number;
  /** cStat of retEvento/infEvento (135, 136, 155 = registered); '' when the document has no return. */
  statusCode: string;
  statusReason: string;
  protocol: string | null;
  registeredAt: Date | null;
  /** The values of the request's detEvento (justification, correction), '|'-joined; null without a request. */
  detail: string | null;
}

export interface NfeInvoiceDocument {
  kind: 'invoice';
  layoutVersion: LayoutVersion;
  /** Root element: `nfeProc` (distribution file) or `NFe` (bare, unauthorized). */
  root: 'nfeProc' | 'NFe';
  accessKey: string;
  model: NfeModel;
  /** ide/serie as it appears, without leading zeros ("1"). */
  series: string;
  /** ide/nNF without leading zeros ("47428"). */
  number: string;
  /** ide/dhEmi (3.10/4.00); ide/dEmi read as midnight -03:00 if only that is present. */
  issuedAt: Date;
  cUF: string;
  tpNF: string;
  tpEmis: string;
  finNFe: string;
  natOp: string;
  tpAmb: string;
  emitterCnpj: string;
  /** dest/CNPJ, dest/CPF or dest/idEstrangeiro, null when there is no dest. */
  recipientDoc: string | null;
  /** total/ICMSTot/vNF as written ("19104.00"), null when absent. */
  totalAmount: string | null;
  /** infIntermed: the marketplace's CNPJ and the seller's id there. */
  intermediary: { cnpj: string; sellerId: string | null } | null;
  /** NFref/refNFe keys (a symbolic return points at its sale). */
  referencedKeys: string[];
  /** CFOP of every item, in order (used to infer the invoice type). */
  cfops: string[];
  protocol: NfeProtocol | null;
  /** retEvento/procEventoNFe elements appended inside nfeProc (the second cancellation encoding). */
  embeddedEvents: NfeEvent[];
  discrepancies: Discrepancy[];
}

export interface NfeEventDocument {
  kind: 'event';
  /** Root element: `procEventoNFe` or `retEvento`. */
  root: string;
  event: NfeEvent;
}

/** A protocol carried alone (in a SEFAZ answer), with the protNFe element standing on its own. */
export interface NfeProtocolPart {
  accessKey: string;
  protocol: NfeProtocol;
  /** The protNFe element's text, namespace declarations carried onto it. */
  xml: string;
  /** Path of its key, for messages (`retConsReciNFe/protNFe[0]/infProt/chNFe`). */
  field: string;
}

/** An event carried in an answer, with its procEventoNFe (or retEvento) standing on its own. */
export interface NfeEventPart {
  event: NfeEvent;
  xml: string;
}

/**
 * A SEFAZ answer or archive wrapper (retConsSitNFe, retConsReciNFe, retEnviNFe, retEnvEvento, a
 * protNFe alone): the protocols and events it holds, applied together.
 */
export interface NfeAnswerDocument {
  kind: 'answer';
  root: string;
  protocols: NfeProtocolPart[];
  events: NfeEventPart[];
}

export type NfeDocument = NfeInvoiceDocument | NfeEventDocument | NfeAnswerDocument;

/** The invoice status the document implies, in SP-API terms plus PENDING (no protocol yet). */
export type InvoiceStatus = 'PENDING' | 'AUTHORIZED' | 'REJECTED' | 'CANCELED';

export interface DerivedStatus {
  status: InvoiceStatus;
  /** cStat of a rejection/denial, '' otherwise. */
  errorCode: string;
  /** xMotivo of a rejection/denial, '' otherwise. */
  govResponse: string;
}
