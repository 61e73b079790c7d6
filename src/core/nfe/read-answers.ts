/**
 * SEFAZ's answers and the archive wrappers that carry authorizations and events without the
 * invoice itself (shapes of the NF-e integration manual, MOC 4.00):
 *
 * | root             | holds                                                          |
 * |------------------|----------------------------------------------------------------|
 * | `retConsSitNFe`  | the situation of one key: `protNFe`, `procEventoNFe`/`retEvento` |
 * | `retEnviNFe`     | a synchronous batch: `protNFe` (asynchronous: only `infRec`)   |
 * | `retConsReciNFe` | the result of an asynchronous batch: `protNFe` (0..50)          |
 * | `retEnvEvento`   | an event batch: `retEvento` (1..20)                             |
 * | `protNFe`        | one protocol, saved on its own                                 |
 *
 * Each protocol and event is carried out as its own element (see XmlOutline.standalone).
 * Requests to SEFAZ (`enviNFe`, `envEvento`, `consSitNFe`, `consReciNFe`, a bare `evento`) carry
 * no decision of SEFAZ and are refused with what to send instead.
 */
import { InvalidInputError } from '../errors.js';
import { validateAccessKey } from './access-key.js';
import { nfeError, nfeField, nfeProblem } from './field-names.js';
import { readProcEvento, readRetEvento } from './read-events.js';
import { readProtocol } from './read-invoice.js';
import type { NfeAnswerDocument, NfeEventPart, NfeProtocolPart } from './types.js';
import type { XmlOutline } from './xml-outline.js';
import { children, text, type XmlNode } from './xml-tree.js';

export const ANSWER_ROOTS: ReadonlySet<string> = new Set([
  'retConsSitNFe',
  'retConsReciNFe',
  'retEnviNFe',
  'retEnvEvento',
  'protNFe',
]);

/** Requests to SEFAZ, and the answer to send instead. */
export const REQUEST_ROOTS: ReadonlyMap<string, string> = new Map([
  ['enviNFe', 'retEnviNFe or retConsReciNFe, or the nfeProc'],
  ['envEvento', 'retEnvEvento, or the procEventoNFe'],
  ['evento', 'retEnvEvento, or the procEventoNFe'],
  ['consSitNFe', 'retConsSitNFe'],
  ['consReciNFe', 'retConsReciNFe'],
]);

/** The protNFe at `at` (its path, for messages). */
function protocolPart(node: XmlNode, outline: XmlOutline, index: number, at: string): NfeProtocolPart {
  const protocol = readProtocol(node, at);
  const field = `${at}/infProt/chNFe`;
  const accessKey = protocol?.chNFe;
  if (!protocol || !accessKey) throw nfeError(field, 'missing');
  const problem = validateAccessKey(accessKey, nfeField(field));
  if (problem) throw new InvalidInputError(`${problem.field}: ${problem.message}`, [problem]);
  return { accessKey, protocol, xml: outline.standalone(index), field };
}

/** What SEFAZ said at the top of an answer, for messages: "cStat 217 (NF-e nao consta...)". */
function said(node: XmlNode): string {
  const cStat = text(node, 'cStat');
  return cStat ? `; SEFAZ answered cStat ${cStat} (${text(node, 'xMotivo') ?? ''})` : '';
}

export function readAnswerDocument(root: string, node: XmlNode, outline: XmlOutline): NfeAnswerDocument {
  const top = 0;
  const protocols: NfeProtocolPart[] = [];
  const events: NfeEventPart[] = [];
  if (root === 'protNFe') {
    protocols.push(protocolPart(node, outline, top, 'protNFe'));
  } else {
    const spans = outline.children(top, 'protNFe');
    for (const [i, p] of children(node, 'protNFe').entries()) {
      protocols.push(protocolPart(p, outline, spans[i] as number, `${root}/protNFe[${i}]`));
    }
  }
  if (root === 'retConsSitNFe') {
    const spans = outline.children(top, 'procEventoNFe');
    for (const [i, p] of children(node, 'procEventoNFe').entries()) {
      const event = readProcEvento(p, `${root}/procEventoNFe[${i}]/`);
      events.push({ event, xml: outline.standalone(spans[i] as number) });
    }
  }
  if (root === 'retConsSitNFe' || root === 'retEnvEvento') {
    const spans = outline.children(top, 'retEvento');
    for (const [i, r] of children(node, 'retEvento').entries()) {
      const event = readRetEvento(r, `${root}/retEvento[${i}]/`);
      events.push({ event, xml: outline.standalone(spans[i] as number) });
    }
  }

  if (root === 'retConsSitNFe') {
    const key = text(node, 'chNFe');
    const strangers = [
      ...protocols.map((p) => ({ key: p.accessKey, field: p.field })),
      ...events.map((e, i) => ({ key: e.event.accessKey, field: `${root}/event[${i}]/chNFe` })),
    ].filter((x) => key && x.key !== key);
    if (strangers.length > 0) {
      const problems = strangers.map((x) =>
        nfeProblem(x.field, `${x.key} is not the key this answer is about (${root}/chNFe ${key})`),
      );
      throw new InvalidInputError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    }
  }
  if (protocols.length === 0 && events.length === 0) {
    const receipt = root === 'retEnviNFe' ? text(node, 'infRec/nRec') : undefined;
    if (receipt) {
      throw nfeError(
        root,
        `holds the receipt ${receipt} of an asynchronous batch, not its protocols: send SEFAZ's retConsReciNFe for it`,
      );
    }
    throw nfeError(root, `holds no protocol (protNFe) and no event${said(node)}`);
  }
  return { kind: 'answer', root, protocols, events };
}
