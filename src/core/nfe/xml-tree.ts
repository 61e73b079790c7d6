/**
 * Parsing to a plain tree and the few accessors the readers need. Values stay strings (leading
 * zeros matter), trimmed; entities and character references are decoded by the parser, and
 * DTD-declared ones never get this far (see xml-guard). The tree has the shape readers walk:
 * an element is a string when it has only text, else a node whose children are properties
 * (an array when the name repeats), attributes `@_name`, text `#text`, CDATA `#cdata`;
 * namespace prefixes are dropped.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InvalidInputError } from '../errors.js';

export type XmlValue = string | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

const CDATA = '#cdata';
const TEXT = '#text';
const ATTR = '@_';

/**
 * Subtrees the readers never look at, left out of the tree (an empty string stands for each):
 * tag-heavy ones (taxes, addresses, signature) would be most of the tree. The parser still reads
 * them, so they must be well-formed like the rest.
 */
const SKIPPED: ReadonlySet<string> = new Set([
  'Signature',
  'imposto',
  'enderEmit',
  'enderDest',
  'cobr',
  'transp',
  'pag',
  'infAdic',
  'infRespTec',
]);

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

function attach(parent: XmlNode, name: string, value: XmlValue): void {
  const prev = parent[name];
  if (prev === undefined) parent[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else parent[name] = [prev, value];
}

function hasKeys(node: XmlNode): boolean {
  for (const _ in node) return true;
  return false;
}

interface Frame {
  parent: XmlNode;
  name: string;
  text: string;
}

/**
 * Parses guarded text into a document node whose one property is the root element. `skip` names
 * elements below the root whose subtrees are left out. A well-formedness error rejects the field
 * `xml`; an undefined entity (`&nbsp;`) stays as written, as it always has.
 */
export function parseXmlDocument(text: string, skip: ReadonlySet<string> = new Set()): XmlNode {
  const parser = new SaxesParser();
  const doc: XmlNode = {};
  const stack: Frame[] = [];
  let node = doc;
  let buffer = '';
  let skipping = 0;
  parser.on('error', (e) => {
    if (e.message.endsWith('undefined entity.')) return;
    throw InvalidInputError.field('xml', `malformed XML: ${e.message}`);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (skipping > 0) {
      skipping++;
      return;
    }
    const name = localName(tag.name);
    if (stack.length > 0 && skip.has(name)) {
      skipping = 1;
      attach(node, name, '');
      return;
    }
    const element: XmlNode = {};
    for (const key in tag.attributes) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
      element[ATTR + localName(key)] = tag.attributes[key] as string;
    }
    stack.push({ parent: node, name, text: buffer });
    node = element;
    buffer = '';
  });
  parser.on('text', (s) => {
    if (skipping === 0 && stack.length > 0) buffer += s;
  });
  parser.on('cdata', (s) => {
    if (skipping === 0) attach(node, CDATA, s);
  });
  parser.on('closetag', () => {
    if (skipping > 0) {
      skipping--;
      return;
    }
    const frame = stack.pop() as Frame;
    const trimmed = buffer.trim();
    let value: XmlValue = node;
    if (!hasKeys(node)) value = trimmed;
    else if (trimmed !== '') node[TEXT] = trimmed;
    attach(frame.parent, frame.name, value);
    node = frame.parent;
    buffer = frame.text;
  });
  parser.write(text).close();
  return doc;
}

/** Parses guarded text, leaving out the subtrees no reader looks at; returns the root's name and node. */
export function parseXmlTree(text: string): { name: string; node: XmlNode } {
  const doc = parseXmlDocument(text, SKIPPED);
  const name = Object.keys(doc)[0];
  if (name === undefined) throw InvalidInputError.field('xml', 'no root element');
  const value = doc[name] as XmlValue;
  return { name, node: toNode(Array.isArray(value) ? value[0]! : value) };
}

function toNode(value: XmlValue): XmlNode {
  if (typeof value === 'string') return { [TEXT]: value };
  if (Array.isArray(value)) return toNode(value[0] ?? '');
  return value;
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
  const text = typeof t === 'string' ? t : '';
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
  return typeof value === 'string' ? value.trim() : undefined;
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
