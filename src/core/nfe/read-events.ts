/**
 * Event documents (cancellation 110111, correction letter 110110, ...): the request
 * `evento/infEvento` and SEFAZ's answer `retEvento/infEvento`, together (procEventoNFe) or the
 * answer alone (retEvento). Batches of them (retEnvEvento) are answers: see read-answers.ts.
 */
import { InvalidInputError } from '../errors.js';
import { validateAccessKey } from './access-key.js';
import { nfeError, nfeField } from './field-names.js';
import type { NfeEvent, NfeEventDocument } from './types.js';
import { child, parseNfeDate, text, type XmlNode, type XmlValue } from './xml-tree.js';

/** Event documents read as one event. */
export const EVENT_ROOTS: ReadonlySet<string> = new Set(['procEventoNFe', 'retEvento']);

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw nfeError(field, 'missing');
  return value;
}

/** detEvento's values in document order (attributes aside), for telling two events apart. */
function detailOf(request: XmlNode | undefined): string | null {
  const det = child(request, 'detEvento');
  if (!det) return null;
  const values: string[] = [];
  const walk = (v: XmlValue): void => {
    if (typeof v === 'string') values.push(v.trim());
    else if (Array.isArray(v)) v.forEach(walk);
    else for (const [k, inner] of Object.entries(v)) if (!k.startsWith('@_')) walk(inner);
  };
  walk(det);
  return values.join('|');
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
  const keyProblem = validateAccessKey(accessKey, nfeField(`${srcPath}/chNFe`));
  if (keyProblem) throw new InvalidInputError(`${keyProblem.field}: ${keyProblem.message}`, [keyProblem]);
  const eventType = required(text(src, 'tpEvento'), `${srcPath}/tpEvento`);
  const seqText = text(src, 'nSeqEvento') ?? (request ? undefined : '1');
  const seq = required(seqText, `${srcPath}/nSeqEvento`);
  if (!/^[0-9]{1,2}$/.test(seq)) throw nfeError(`${srcPath}/nSeqEvento`, `"${seq}" is not a number`);
  if (request && ret) {
    for (const name of ['chNFe', 'tpEvento'] as const) {
      const answered = text(ret, name);
      const asked = text(request, name);
      if (answered !== undefined && answered !== '' && answered !== asked) {
        throw nfeError(`${retPath}/${name}`, `return says ${answered}, event says ${asked}`);
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
    detail: detailOf(request),
  };
}

/** `procEventoNFe` (evento + retEvento), used standalone, inside answers and appended inside `nfeProc`. */
export function readProcEvento(node: XmlNode, base = ''): NfeEvent {
  const request = child(node, 'evento/infEvento');
  const ret = child(node, 'retEvento/infEvento');
  if (!request) throw nfeError(`${base}evento/infEvento`, 'missing');
  return readEvent(request, ret, base);
}

/** A `retEvento` (SEFAZ's answer alone). */
export function readRetEvento(node: XmlNode, base = ''): NfeEvent {
  const info = child(node, 'infEvento');
  if (!info) throw nfeError(`${base}retEvento/infEvento`, 'missing');
  return readEvent(undefined, info, base);
}

export function readEventDocument(root: string, node: XmlNode): NfeEventDocument {
  const event = root === 'procEventoNFe' ? readProcEvento(node) : readRetEvento(node);
  return { kind: 'event', root, event };
}
