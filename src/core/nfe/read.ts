/**
 * The single entry point for NF-e XML: guard, parse, recognize the document, check the key.
 *
 * Access key versus document (the key is what SEFAZ authorized; it is never rewritten):
 *
 * | key part        | compared with                              | on disagreement           |
 * |-----------------|--------------------------------------------|---------------------------|
 * | check digit     | recomputed                                 | fatal (access key)        |
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
import { nfeField, nfeProblem } from './field-names.js';
import { ANSWER_ROOTS, REQUEST_ROOTS, readAnswerDocument } from './read-answers.js';
import { EVENT_ROOTS, readEventDocument } from './read-events.js';
import { extractInvoice } from './read-invoice.js';
import type { Discrepancy, NfeDocument, NfeInvoiceDocument } from './types.js';
import { guardXml, type XmlGuardOptions } from './xml-guard.js';
import { XmlOutline } from './xml-outline.js';
import { parseXmlTree } from './xml-tree.js';

export type ReadNfeOptions = XmlGuardOptions;

/** Every root ingestion reads, in the order a message lists them. */
export const ACCEPTED_ROOTS: readonly string[] = ['nfeProc', 'NFe', ...EVENT_ROOTS, ...ANSWER_ROOTS];

export function readNfeDocument(bytes: Uint8Array, opts: ReadNfeOptions = {}): NfeDocument {
  const text = guardXml(bytes, opts);
  const { name, node } = parseXmlTree(text);
  if (name === 'nfeProc' || name === 'NFe') return readInvoice(name, node);
  if (EVENT_ROOTS.has(name)) return readEventDocument(name, node);
  if (ANSWER_ROOTS.has(name)) return readAnswerDocument(name, node, new XmlOutline(text));
  if (name === 'Envelope' || name === 'nfeResultMsg') return readWrapped(text);
  const answer = REQUEST_ROOTS.get(name);
  if (answer !== undefined) {
    throw InvalidInputError.field(
      'xml',
      `<${name}> is a request to SEFAZ, not its answer: it holds no authorization or registration; send ${answer}`,
    );
  }
  throw InvalidInputError.field(
    'xml',
    `not an NF-e document: root element <${name}>; accepted roots: ${ACCEPTED_ROOTS.join(', ')}, ` +
      "and SEFAZ's SOAP Envelope around them",
  );
}

const KNOWN_ROOTS = new Set([...ACCEPTED_ROOTS, ...REQUEST_ROOTS.keys()]);

/**
 * A web-service answer saved as it came (SOAP `Envelope/Body/nfeResultMsg/…`): the first known root
 * inside is read on its own. Only answers and events: an invoice is stored as its own file.
 */
function readWrapped(text: string): NfeDocument {
  const outline = new XmlOutline(text);
  const index = outline.elements.findIndex((e, i) => i > 0 && KNOWN_ROOTS.has(e.local));
  const wrapper = outline.el(0).local;
  if (index === -1) {
    throw InvalidInputError.field(
      'xml',
      `<${wrapper}> holds no NF-e answer (accepted inside: ${ACCEPTED_ROOTS.join(', ')})`,
    );
  }
  const inner = outline.standalone(index);
  const doc = readNfeDocument(new TextEncoder().encode(inner), { maxBytes: Number.MAX_SAFE_INTEGER });
  if (doc.kind === 'invoice') {
    throw InvalidInputError.field(
      'xml',
      `an ${doc.root} inside a SOAP <${wrapper}>: send the ${doc.root} file itself`,
    );
  }
  if (doc.kind === 'answer') return doc;
  return { kind: 'answer', root: doc.root, protocols: [], events: [{ event: doc.event, xml: inner }] };
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
    fatal.push(
      nfeProblem(
        'protNFe/infProt/chNFe',
        `${chNFe} differs from the access key ${doc.accessKey} (infNFe/@Id)`,
      ),
    );
  }
  if (key.cUF !== doc.cUF) fatal.push(nfeProblem('ide/cUF', says(key.cUF, doc.cUF)));
  const emitInKey = raw.emitField === 'emit/CPF' ? `000${raw.emitDoc}` : raw.emitDoc;
  if (key.cnpj !== emitInKey) fatal.push(nfeProblem(raw.emitField, says(key.cnpj, raw.emitDoc)));
  if (key.model !== raw.mod) fatal.push(nfeProblem('ide/mod', says(key.model, raw.mod)));
  if (Number(key.series) !== Number(raw.serie))
    fatal.push(nfeProblem('ide/serie', says(key.series, raw.serie)));
  if (Number(key.number) !== Number(raw.nNF)) fatal.push(nfeProblem('ide/nNF', says(key.number, raw.nNF)));
  if (fatal.length > 0) {
    throw new InvalidInputError(fatal.map((p) => `${p.field}: ${p.message}`).join('; '), fatal);
  }

  const docYymm = raw.dateText.slice(2, 4) + raw.dateText.slice(5, 7);
  if (key.yymm !== docYymm) {
    discrepancies.push({
      field: nfeField(raw.dateField),
      message: `access key month ${key.yymm} (YYMM), document issued ${raw.dateText} (${docYymm})`,
    });
  }
  if (key.tpEmis !== doc.tpEmis) discrepancies.push(nfeProblem('ide/tpEmis', says(key.tpEmis, doc.tpEmis)));
  if (raw.cNF !== undefined && raw.cNF !== '' && key.cNF !== raw.cNF.padStart(8, '0')) {
    discrepancies.push(nfeProblem('ide/cNF', says(key.cNF, raw.cNF)));
  }
  for (const event of doc.embeddedEvents) {
    if (event.accessKey !== doc.accessKey) {
      discrepancies.push({
        field: nfeField('nfeProc/retEvento'),
        message: `embedded event ${event.eventType} refers to another key ${event.accessKey}; it does not apply here`,
      });
    }
  }
  doc.discrepancies = discrepancies;
  return doc;
}
