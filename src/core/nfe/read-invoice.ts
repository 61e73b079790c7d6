/**
 * Field extraction for `nfeProc` and bare `NFe`. The key-versus-document checks live in read.ts.
 */
import { InvalidInputError } from '../errors.js';
import { validateAccessKey } from './access-key.js';
import { nfeError, nfeField } from './field-names.js';
import { readProcEvento, readRetEvento } from './read-events.js';
import type { LayoutVersion, NfeEvent, NfeInvoiceDocument, NfeProtocol } from './types.js';
import { attr, child, children, parseNfeDate, text, texts, type XmlNode } from './xml-tree.js';

/** What the key checks need besides the document itself: the raw values and where they came from. */
export interface InvoiceRaw {
  emitField: 'emit/CNPJ' | 'emit/CPF';
  emitDoc: string;
  serie: string;
  nNF: string;
  mod: string;
  cNF: string | undefined;
  dateField: 'ide/dhEmi' | 'ide/dEmi';
  dateText: string;
}

const missing = (field: string, detail = 'missing'): InvalidInputError => nfeError(field, detail);

function required(node: XmlNode | undefined, path: string, field: string): string {
  const value = text(node, path);
  if (value === undefined || value === '') throw missing(field);
  return value;
}

/** "001" → "1", "000000030" → "30", "0" → "0". */
export function stripLeadingZeros(s: string): string {
  return s.replace(/^0+(?=\d)/, '');
}

/** `protNFe/infProt`; `at` is the protNFe's path, for messages (`retConsReciNFe/protNFe[2]`). */
export function readProtocol(protNFe: XmlNode | undefined, at = 'protNFe'): NfeProtocol | null {
  if (!protNFe) return null;
  const inf = child(protNFe, 'infProt');
  if (!inf) throw missing(`${at}/infProt`);
  return {
    cStat: required(inf, 'cStat', `${at}/infProt/cStat`),
    xMotivo: text(inf, 'xMotivo') ?? '',
    nProt: text(inf, 'nProt') || null,
    dhRecbto: parseNfeDate(text(inf, 'dhRecbto')),
    chNFe: text(inf, 'chNFe') || null,
  };
}

function readEmbeddedEvents(proc: XmlNode): NfeEvent[] {
  const events = children(proc, 'retEvento').map((r) => readRetEvento(r, 'nfeProc/'));
  for (const [i, p] of children(proc, 'procEventoNFe').entries()) {
    events.push(readProcEvento(p, `nfeProc/procEventoNFe[${i}]/`));
  }
  return events;
}

export function extractInvoice(
  root: 'nfeProc' | 'NFe',
  node: XmlNode,
): { doc: NfeInvoiceDocument; raw: InvoiceRaw } {
  const nfe = root === 'NFe' ? node : child(node, 'NFe');
  if (!nfe) throw missing('nfeProc/NFe');
  const inf = child(nfe, 'infNFe');
  if (!inf) throw missing('infNFe');

  const id = attr(inf, 'Id');
  if (id === undefined || id === '') throw missing('infNFe/@Id');
  if (!id.startsWith('NFe')) throw missing('infNFe/@Id', `"${id}" does not start with "NFe"`);
  const accessKey = id.slice(3);
  const keyProblem = validateAccessKey(accessKey, nfeField('infNFe/@Id'));
  if (keyProblem) throw new InvalidInputError(`${keyProblem.field}: ${keyProblem.message}`, [keyProblem]);

  const versao = attr(inf, 'versao');
  if (versao !== '3.10' && versao !== '4.00') {
    throw missing('infNFe/@versao', `unsupported layout version "${versao ?? ''}" (expected 3.10 or 4.00)`);
  }
  const layoutVersion: LayoutVersion = versao;

  const ide = child(inf, 'ide');
  if (!ide) throw missing('ide');
  const cUF = required(ide, 'cUF', 'ide/cUF');
  const mod = required(ide, 'mod', 'ide/mod');
  const serie = required(ide, 'serie', 'ide/serie');
  if (!/^[0-9]{1,3}$/.test(serie))
    throw missing('ide/serie', `"${serie}" is not a series number (1 to 3 digits)`);
  const nNF = required(ide, 'nNF', 'ide/nNF');
  if (!/^[0-9]{1,9}$/.test(nNF))
    throw missing('ide/nNF', `"${nNF}" is not an invoice number (1 to 9 digits)`);

  const dhEmi = text(ide, 'dhEmi');
  const dateField = dhEmi ? 'ide/dhEmi' : 'ide/dEmi';
  const dateText = dhEmi || text(ide, 'dEmi');
  if (!dateText) throw missing('ide/dhEmi', 'missing (and no ide/dEmi)');
  const issuedAt = parseNfeDate(dateText);
  if (!issuedAt) throw missing(dateField, `"${dateText}" is not a valid date`);

  const emit = child(inf, 'emit');
  const emitCnpj = text(emit, 'CNPJ');
  const emitCpf = text(emit, 'CPF');
  const emitField = emitCnpj ? 'emit/CNPJ' : 'emit/CPF';
  const emitDoc = emitCnpj || emitCpf;
  if (!emitDoc) throw missing('emit/CNPJ', 'missing (and no emit/CPF)');

  const dest = child(inf, 'dest');
  const intermed = child(inf, 'infIntermed');
  const intermedCnpj = text(intermed, 'CNPJ');

  const protocol = root === 'nfeProc' ? readProtocol(child(node, 'protNFe')) : null;

  const doc: NfeInvoiceDocument = {
    kind: 'invoice',
    layoutVersion,
    root,
    accessKey,
    model: accessKey.slice(20, 22) as NfeInvoiceDocument['model'],
    series: stripLeadingZeros(serie),
    number: stripLeadingZeros(nNF),
    issuedAt,
    cUF,
    tpNF: text(ide, 'tpNF') ?? '',
    tpEmis: text(ide, 'tpEmis') || accessKey.slice(34, 35),
    finNFe: text(ide, 'finNFe') ?? '',
    natOp: text(ide, 'natOp') ?? '',
    tpAmb: text(ide, 'tpAmb') ?? '',
    // In the key's 14-character form (a CPF emitter as "000" + CPF), so it always equals the key's CNPJ part.
    emitterCnpj: emitField === 'emit/CPF' ? `000${emitDoc}` : emitDoc,
    recipientDoc: text(dest, 'CNPJ') || text(dest, 'CPF') || text(dest, 'idEstrangeiro') || null,
    totalAmount: text(inf, 'total/ICMSTot/vNF') || null,
    intermediary: intermedCnpj
      ? { cnpj: intermedCnpj, sellerId: text(intermed, 'idCadIntTran') || null }
      : null,
    referencedKeys: texts(ide, 'NFref/refNFe').filter((k) => k !== ''),
    cfops: texts(inf, 'det/prod/CFOP'),
    protocol,
    embeddedEvents: root === 'nfeProc' ? readEmbeddedEvents(node) : [],
    discrepancies: [],
  };
  return {
    doc,
    raw: { emitField, emitDoc, serie, nNF, mod, cNF: text(ide, 'cNF'), dateField, dateText },
  };
}
