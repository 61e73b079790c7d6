/**
 * Parsing to a plain tree and the few accessors the readers need. Values stay strings (leading
 * zeros matter). Entities are not expanded by the parser; `text` decodes the five predefined ones
 * and character references itself (DTD-declared entities never get this far: see xml-guard).
 */
import { XMLParser } from 'fast-xml-parser';
import { InvalidInputError } from '../errors.js';

export type XmlValue = string | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

const CDATA = '#cdata';
const TEXT = '#text';
const ATTR = '@_';

/**
 * Subtrees the readers never look at, kept as raw text instead of parsed: tag-heavy ones (taxes,
 * addresses, signature) dominate parse time, and the guard has already checked their structure.
 */
const SKIPPED = [
  'Signature',
  'imposto',
  'enderEmit',
  'enderDest',
  'cobr',
  'transp',
  'pag',
  'infAdic',
  'infRespTec',
];

/** How every NF-e reader parses: values as text, namespaces dropped, entities left to decodeEntities. */
const OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: CDATA,
  trimValues: true,
};

const parser = new XMLParser({ ...OPTIONS, stopNodes: SKIPPED.map((name) => `*.${name}`), jPath: false });

/** A parser that keeps every subtree (the DANFE prints the taxes and addresses the store skips). */
export function fullTreeParser(): XMLParser {
  return new XMLParser(OPTIONS);
}

/** Parses guarded text; returns the root element's name and node. */
export function parseXmlTree(text: string): { name: string; node: XmlNode } {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw InvalidInputError.field('xml', `malformed XML: ${(e as Error).message}`);
  }
  const name = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (name === undefined) throw InvalidInputError.field('xml', 'no root element');
  const value = doc[name] as XmlValue;
  return { name, node: toNode(Array.isArray(value) ? value[0]! : value) };
}

function toNode(value: XmlValue): XmlNode {
  if (typeof value === 'string') return { [TEXT]: value };
  if (Array.isArray(value)) return toNode(value[0] ?? '');
  return value;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(
    ENTITY,
    (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
      if (named !== undefined) return NAMED[named]!;
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

/** All children with that name, as nodes (the parser gives one child as a value, several as an array). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(toNode) : [toNode(value)];
}

/** The first child with that name; `a/b/c` walks down. */
export function child(node: XmlNode | undefined, path: string): XmlNode | undefined {
  let current = node;
  for (const name of path.split('/')) {
    current = children(current, name)[0];
    if (current === undefined) return undefined;
  }
  return current;
}

function nodeText(node: XmlNode): string {
  const t = node[TEXT];
  const c = node[CDATA];
  const text = typeof t === 'string' ? decodeEntities(t) : '';
  const cdata =
    typeof c === 'string' ? c : Array.isArray(c) ? c.filter((x) => typeof x === 'string').join('') : '';
  return (text + cdata).trim();
}

/** Text content of the element at `path` (trimmed, entities decoded); undefined when absent. */
export function text(node: XmlNode | undefined, path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  const parent = slash === -1 ? node : child(node, path.slice(0, slash));
  const leaf = children(parent, path.slice(slash + 1))[0];
  return leaf === undefined ? undefined : nodeText(leaf);
}

/** Text of every element at `path` (the last segments may repeat at any level). */
export function texts(node: XmlNode | undefined, path: string): string[] {
  let level: XmlNode[] = node ? [node] : [];
  for (const name of path.split('/')) level = level.flatMap((n) => children(n, name));
  return level.map(nodeText);
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[ATTR + name];
  return typeof value === 'string' ? decodeEntities(value).trim() : undefined;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parses an NF-e date-time (`2018-08-07T09:19:15-03:00`). A time without offset and a bare date
 * (3.10 `dEmi`) are read in Brasília time (-03:00), a date as midnight. Null when invalid.
 */
export function parseNfeDate(s: string | undefined): Date | null {
  const m = s === undefined ? null : DATE_TIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) =>
    Number(x ?? 0),
  ) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return null;
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  const frac = m[7] ? Number(m[7]) : 0;
  const zone = m[8] ?? '-03:00';
  const offsetMin =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec) + Math.round(frac * 1000) - offsetMin * 60_000;
  return new Date(ms);
}
