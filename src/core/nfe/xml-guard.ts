/**
 * Hostile-input guard, run before any XML parser sees the bytes: size, encoding, no DTDs,
 * bounded depth, balanced tags. The parser we use silently accepts truncated or mismatched
 * markup, so the tag balance check here is what rejects a cut-off file.
 */
import { InvalidInputError, TooLargeError } from '../errors.js';

export const DEFAULT_MAX_XML_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_XML_DEPTH = 64;
/**
 * Far above any real NF-e (990 items of ~100 elements each), far below what makes the parser slow:
 * 1.2M empty siblings took 1.9 s to refuse before this bound, 200k attributes 1.3 s.
 */
export const DEFAULT_MAX_XML_ELEMENTS = 250_000;
export const DEFAULT_MAX_XML_ATTRIBUTES = 64;

export interface XmlGuardOptions {
  maxBytes?: number;
  maxDepth?: number;
  /** Elements in the whole document. */
  maxElements?: number;
  /** Attributes on one element. */
  maxAttributes?: number;
}

/** Counts the structure pass enforces besides depth. */
export interface XmlCountBounds {
  maxElements?: number;
  maxAttributes?: number;
}

const reject = (message: string): InvalidInputError => InvalidInputError.field('xml', message);

const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
// Files declared ISO-8859-1 are in practice often Windows-1252 (a superset for printable text);
// decoding as windows-1252 is what browsers do with either label.
const LATIN1_NAMES = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'latin-1',
  'windows-1252',
  'cp1252',
]);

function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1');
  const decl = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(head);
  return decl ? decl[1]!.toLowerCase() : null;
}

/** Decodes the bytes to text (BOM stripped): UTF-8, or Latin-1 when the declaration says so. */
export function decodeXmlBytes(bytes: Uint8Array): string {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw reject('UTF-16 is not supported: NF-e files are UTF-8');
  }
  let body = bytes;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    body = bytes.subarray(3);
  const encoding = declaredEncoding(body);
  let text: string;
  if (encoding === null || UTF8_NAMES.has(encoding)) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw reject('body is not valid UTF-8 text (declare encoding="ISO-8859-1" if it is Latin-1)');
    }
  } else if (LATIN1_NAMES.has(encoding)) {
    text = new TextDecoder('windows-1252').decode(body);
  } else {
    throw reject(`unsupported encoding "${encoding}" (expected UTF-8 or ISO-8859-1)`);
  }
  const control = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw reject(`binary content: character U+${code} at offset ${control.index} is not allowed in XML`);
  }
  return text;
}

/** Told of every element, in document order: its start tag's span, then the end of the element. */
export interface MarkupVisitor {
  open(qname: string, start: number, startTagEnd: number): void;
  close(end: number): void;
}

function isNameEnd(code: number): boolean {
  // whitespace, '/', '>'
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2f || code === 0x3e;
}

/** An entity or character reference, from its `&`. */
const REFERENCE = /&(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9a-fA-F]+);/y;

/**
 * Finds an `&` that starts no reference in [from, to) of text and attribute values ("A & B"
 * instead of "A &amp; B", the usual hand-made mistake, which the parser would report as a tag
 * left open). Ranges come in document order, so the next `&` is searched for once per `&`.
 */
function ampersandChecker(text: string): (from: number, to: number) => void {
  let amp = text.indexOf('&');
  return (from, to) => {
    if (amp !== -1 && amp < from) amp = text.indexOf('&', from);
    while (amp !== -1 && amp < to) {
      REFERENCE.lastIndex = amp;
      if (!REFERENCE.test(text)) {
        throw reject(`"&" at offset ${amp} starts no entity or character reference: write &amp;`);
      }
      amp = text.indexOf('&', REFERENCE.lastIndex);
    }
  };
}

/**
 * One linear pass over the markup: skips comments, CDATA and processing instructions, honours
 * quoted attribute values (which may contain `>`), tracks open elements. Rejects declarations
 * (`<!DOCTYPE`, `<!ENTITY`, ...), nesting deeper than maxDepth, mismatched or unclosed tags,
 * more than one root and text outside the root, an `&` that is no reference, and more elements or
 * attributes than `bounds` allow (counted as the pass goes, so a hostile document stops at the
 * bound, not at its end).
 */
export function checkXmlStructure(
  text: string,
  maxDepth = DEFAULT_MAX_XML_DEPTH,
  visitor?: MarkupVisitor,
  bounds: XmlCountBounds = {},
): void {
  const maxElements = bounds.maxElements ?? DEFAULT_MAX_XML_ELEMENTS;
  const maxAttributes = bounds.maxAttributes ?? DEFAULT_MAX_XML_ATTRIBUTES;
  let elements = 0;
  const stack: string[] = [];
  let rootSeen = false;
  let i = 0;
  const n = text.length;
  const ampersands = ampersandChecker(text);
  while (i < n) {
    const lt = text.indexOf('<', i);
    const stop = lt === -1 ? n : lt;
    if (stack.length === 0 && text.slice(i, stop).trim() !== '') {
      throw reject(`text outside the root element at offset ${i}`);
    }
    ampersands(i, stop);
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x3f /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw reject('truncated: unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) throw reject('truncated: unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) throw reject('CDATA section outside the root element');
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) throw reject('truncated: unterminated CDATA section');
      i = end + 3;
    } else if (next === 0x21 /* ! */) {
      const word = /^<!([A-Za-z]*)/.exec(text.slice(lt, lt + 12))?.[1] ?? '';
      throw reject(`<!${word}> declarations are not allowed (no DTDs or entities)`);
    } else if (next === 0x2f /* / */) {
      let j = lt + 2;
      while (j < n && !isNameEnd(text.charCodeAt(j))) j++;
      const name = text.slice(lt + 2, j);
      const end = text.indexOf('>', j);
      if (end === -1) throw reject(`truncated: unterminated closing tag </${name}`);
      if (text.slice(j, end).trim() !== '') throw reject(`malformed closing tag </${name}`);
      const open = stack.pop();
      if (open === undefined) throw reject(`closing tag </${name}> without an open element`);
      if (open !== name) throw reject(`mismatched closing tag </${name}>, expected </${open}>`);
      visitor?.close(end + 1);
      i = end + 1;
    } else {
      let j = lt + 1;
      while (j < n && !isNameEnd(text.charCodeAt(j))) j++;
      const name = text.slice(lt + 1, j);
      if (name === '' || /[<"'=]/.test(name)) throw reject(`malformed tag at offset ${lt}`);
      if (++elements > maxElements) throw reject(`more than ${maxElements} elements`);
      let attributes = 0;
      let selfClosing = false;
      let closed = false;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 0x22 || c === 0x27) {
          const q = text.indexOf(c === 0x22 ? '"' : "'", j + 1);
          if (q === -1) break;
          // One quoted value per attribute.
          if (++attributes > maxAttributes)
            throw reject(`<${name}> has more than ${maxAttributes} attributes`);
          ampersands(j + 1, q);
          j = q + 1;
          selfClosing = false;
        } else if (c === 0x3e /* > */) {
          closed = true;
          break;
        } else if (c === 0x3c /* < */) {
          throw reject(`malformed tag <${name}: "<" inside a tag`);
        } else {
          if (c === 0x2f) selfClosing = true;
          else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) selfClosing = false;
          j++;
        }
      }
      if (!closed) throw reject(`truncated: unterminated tag <${name}`);
      if (stack.length === 0 && rootSeen) throw reject(`more than one root element (<${name}>)`);
      rootSeen = true;
      visitor?.open(name, lt, j + 1);
      if (selfClosing) visitor?.close(j + 1);
      else {
        if (stack.length >= maxDepth) throw reject(`elements nested deeper than ${maxDepth} levels`);
        stack.push(name);
      }
      i = j + 1;
    }
  }
  if (stack.length > 0) throw reject(`truncated: element <${stack[stack.length - 1]}> is not closed`);
  if (!rootSeen) throw reject('no root element');
}

/** Runs every check and returns the decoded text, ready for the parser. */
export function guardXml(bytes: Uint8Array, opts: XmlGuardOptions = {}): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  if (bytes.length > maxBytes) {
    throw new TooLargeError(
      `XML body has ${bytes.length} bytes, more than the limit of ${maxBytes}`,
      maxBytes,
    );
  }
  if (bytes.length === 0) throw reject('empty body');
  const text = decodeXmlBytes(bytes);
  const start = text.search(/\S/);
  if (start === -1) throw reject('empty body');
  if (text[start] !== '<') throw reject('not XML: the body does not start with "<"');
  if (/<!DOCTYPE/i.test(text)) throw reject('DOCTYPE is not allowed (no DTDs)');
  if (/<!ENTITY/i.test(text)) throw reject('ENTITY declarations are not allowed');
  checkXmlStructure(text, opts.maxDepth ?? DEFAULT_MAX_XML_DEPTH, undefined, {
    ...(opts.maxElements !== undefined ? { maxElements: opts.maxElements } : {}),
    ...(opts.maxAttributes !== undefined ? { maxAttributes: opts.maxAttributes } : {}),
  });
  return start === 0 ? text : text.slice(start);
}
