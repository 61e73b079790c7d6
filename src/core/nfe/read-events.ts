/**
 * Event documents (cancellation 110111, correction letter 110110, ...): the request
 * `evento/infEvento` and SEFAZ's answer `retEvento/infEvento`, alone or together.
 */
import { InvalidInputError } from '../errors.js';
import { validateAccessKey } from './access-key.js';
import type { NfeEvent, NfeEventDocument } from './types.js';
import { child, children, parseNfeDate, text, type XmlNode } from './xml-tree.js';

/** Event roots we accept, each with where its request and its return live. */
export const EVENT_ROOTS: ReadonlySet<string> = new Set([
  'procEventoNFe',
  'retEnvEvento',
  'envEvento',
  'evento',
  'retEvento',
]);

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw InvalidInputError.field(field, 'missing');
  return value;
}

/**
 * One event from its request and/or return. Key, type and sequence come from the request when
 * there is one; a return that contradicts it is rejected. `base` prefixes the field paths.
 */
export function readEvent(request: XmlNode | undefined, ret: XmlNode | undefined, base: string): NfeEvent {
  const reqPath = `${base}evento/infEvento`;
  const retPath = `${base}retEvento/infEvento`;
  const src = request ?? ret;
  const srcPath = request ? reqPath : retPath;
  const accessKey = required(text(src, 'chNFe'), `${srcPath}/chNFe`);
  const keyProblem = validateAccessKey(accessKey, `${srcPath}/chNFe`);
  if (keyProblem) throw new InvalidInputError(`${keyProblem.field}: ${keyProblem.message}`, [keyProblem]);
  const eventType = required(text(src, 'tpEvento'), `${srcPath}/tpEvento`);
  const seqText = text(src, 'nSeqEvento') ?? (request ? undefined : '1');
  const seq = required(seqText, `${srcPath}/nSeqEvento`);
  if (!/^[0-9]{1,2}$/.test(seq))
    throw InvalidInputError.field(`${srcPath}/nSeqEvento`, `"${seq}" is not a number`);
  if (request && ret) {
    for (const name of ['chNFe', 'tpEvento'] as const) {
      const answered = text(ret, name);
      const asked = text(request, name);
      if (answered !== undefined && answered !== '' && answered !== asked) {
        throw InvalidInputError.field(`${retPath}/${name}`, `return says ${answered}, event says ${asked}`);
      }
    }
  }
  return {
    accessKey,
    eventType,
    sequence: Number(seq),
    statusCode: text(ret, 'cStat') ?? '',
    statusReason: text(ret, 'xMotivo') ?? '',
    protocol: text(ret, 'nProt') || null,
    registeredAt: parseNfeDate(text(ret, 'dhRegEvento')),
  };
}

function single(nodes: XmlNode[], what: string, field: string): XmlNode | undefined {
  if (nodes.length > 1)
    throw InvalidInputError.field(field, `holds ${nodes.length} ${what}; send one per document`);
  return nodes[0];
}

/** `procEventoNFe` (evento + retEvento), used standalone and appended inside `nfeProc`. */
export function readProcEvento(node: XmlNode, base = ''): NfeEvent {
  const request = child(node, 'evento/infEvento');
  const ret = child(node, 'retEvento/infEvento');
  if (!request) throw InvalidInputError.field(`${base}evento/infEvento`, 'missing');
  return readEvent(request, ret, base);
}

export function readEventDocument(root: string, node: XmlNode): NfeEventDocument {
  let event: NfeEvent;
  switch (root) {
    case 'procEventoNFe':
      event = readProcEvento(node);
      break;
    case 'envEvento': {
      const evento = single(children(node, 'evento'), 'events', 'envEvento/evento');
      const request = child(evento, 'infEvento');
      if (!request) throw InvalidInputError.field('envEvento/evento/infEvento', 'missing');
      event = readEvent(request, undefined, 'envEvento/');
      break;
    }
    case 'retEnvEvento': {
      const ret = single(children(node, 'retEvento'), 'event returns', 'retEnvEvento/retEvento');
      const info = child(ret, 'infEvento');
      if (!info) throw InvalidInputError.field('retEnvEvento/retEvento/infEvento', 'missing');
      event = readEvent(undefined, info, 'retEnvEvento/');
      break;
    }
    case 'evento':
    case 'retEvento': {
      const info = child(node, 'infEvento');
      if (!info) throw InvalidInputError.field(`${root}/infEvento`, 'missing');
      event = root === 'evento' ? readEvent(info, undefined, '') : readEvent(undefined, info, '');
      break;
    }
    default:
      throw InvalidInputError.field('xml', `not an NF-e event document: root element <${root}>`);
  }
  return { kind: 'event', root, event };
}
