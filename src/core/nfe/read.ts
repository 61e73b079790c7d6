/**
 * The single entry point for NF-e XML: guard, parse, recognize the document, check the key.
 *
 * Access key versus document (the key is what SEFAZ authorized; it is never rewritten):
 *
 * | key part        | compared with                              | on disagreement           |
 * |-----------------|--------------------------------------------|---------------------------|
 * | check digit     | recomputed                                 | fatal (infNFe/@Id)        |
 * | whole key       | protNFe/infProt/chNFe                      | fatal                     |
 * | cUF             | ide/cUF                                    | fatal                     |
 * | CNPJ            | emit/CNPJ, or "000" + emit/CPF             | fatal                     |
 * | mod             | ide/mod                                    | fatal                     |
 * | serie, nNF      | ide/serie, ide/nNF (numerically)           | fatal                     |
 * | AAMM            | ide/dhEmi or ide/dEmi, local date as written | accepted, discrepancy   |
 * | tpEmis          | ide/tpEmis                                 | accepted, discrepancy     |
 * | cNF             | ide/cNF                                    | accepted, discrepancy     |
 *
 * Fatal parts are the invoice's identity (who issued which number in which series and model):
 * a document that disagrees there is not the invoice its key names. Month, issue mode and random
 * code disagree in real files (month turn, contingency re-issue, issuer bugs) without changing
 * which invoice it is, so they are reported and the document is kept.
 */
import type { FieldProblem } from '../errors.js';
import { InvalidInputError } from '../errors.js';
import { parseAccessKey } from './access-key.js';
import { EVENT_ROOTS, readEventDocument } from './read-events.js';
import { extractInvoice } from './read-invoice.js';
import type { Discrepancy, NfeDocument, NfeInvoiceDocument } from './types.js';
import { guardXml, type XmlGuardOptions } from './xml-guard.js';
import { parseXmlTree } from './xml-tree.js';

export type ReadNfeOptions = XmlGuardOptions;

export function readNfeDocument(bytes: Uint8Array, opts: ReadNfeOptions = {}): NfeDocument {
  const text = guardXml(bytes, opts);
  const { name, node } = parseXmlTree(text);
  if (name === 'nfeProc' || name === 'NFe') return readInvoice(name, node);
  if (EVENT_ROOTS.has(name)) return readEventDocument(name, node);
  throw InvalidInputError.field('xml', `not an NF-e document: root element <${name}>`);
}

function readInvoice(
  root: 'nfeProc' | 'NFe',
  node: Parameters<typeof extractInvoice>[1],
): NfeInvoiceDocument {
  const { doc, raw } = extractInvoice(root, node);
  const key = parseAccessKey(doc.accessKey);
  const fatal: FieldProblem[] = [];
  const discrepancies: Discrepancy[] = [];
  const says = (keyValue: string, docValue: string) =>
    `access key says ${keyValue}, document says ${docValue}`;

  const chNFe = doc.protocol?.chNFe;
  if (chNFe && chNFe !== doc.accessKey) {
    fatal.push({
      field: 'protNFe/infProt/chNFe',
      message: `${chNFe} differs from infNFe/@Id key ${doc.accessKey}`,
    });
  }
  if (key.cUF !== doc.cUF) fatal.push({ field: 'ide/cUF', message: says(key.cUF, doc.cUF) });
  const emitInKey = raw.emitField === 'emit/CPF' ? `000${raw.emitDoc}` : raw.emitDoc;
  if (key.cnpj !== emitInKey) fatal.push({ field: raw.emitField, message: says(key.cnpj, raw.emitDoc) });
  if (key.model !== raw.mod) fatal.push({ field: 'ide/mod', message: says(key.model, raw.mod) });
  if (Number(key.series) !== Number(raw.serie))
    fatal.push({ field: 'ide/serie', message: says(key.series, raw.serie) });
  if (Number(key.number) !== Number(raw.nNF))
    fatal.push({ field: 'ide/nNF', message: says(key.number, raw.nNF) });
  if (fatal.length > 0) {
    throw new InvalidInputError(fatal.map((p) => `${p.field}: ${p.message}`).join('; '), fatal);
  }

  const docYymm = raw.dateText.slice(2, 4) + raw.dateText.slice(5, 7);
  if (key.yymm !== docYymm) {
    discrepancies.push({
      field: raw.dateField,
      message: `access key month ${key.yymm} (YYMM), document issued ${raw.dateText} (${docYymm})`,
    });
  }
  if (key.tpEmis !== doc.tpEmis)
    discrepancies.push({ field: 'ide/tpEmis', message: says(key.tpEmis, doc.tpEmis) });
  if (raw.cNF !== undefined && raw.cNF !== '' && key.cNF !== raw.cNF.padStart(8, '0')) {
    discrepancies.push({ field: 'ide/cNF', message: says(key.cNF, raw.cNF) });
  }
  for (const event of doc.embeddedEvents) {
    if (event.accessKey !== doc.accessKey) {
      discrepancies.push({
        field: 'nfeProc/retEvento',
        message: `embedded event ${event.eventType} refers to another key ${event.accessKey}; it does not apply here`,
      });
    }
  }
  doc.discrepancies = discrepancies;
  return doc;
}
