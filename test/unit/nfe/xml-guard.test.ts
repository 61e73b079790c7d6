import { describe, expect, it } from 'vitest';
import { InvalidInputError, TooLargeError } from '../../../src/core/errors.js';
import { buildNfeXml } from '../../../src/core/nfe/build.js';
import { readNfeDocument } from '../../../src/core/nfe/read.js';
import { checkXmlStructure, guardXml } from '../../../src/core/nfe/xml-guard.js';
import { bytes, sample, spec } from './fixtures.js';

const SAMPLE = '35180834128745000152550010000474281920007498-nfe.xml';
const base = buildNfeXml(spec());

/** Runs readNfeDocument and returns the InvalidInputError's single problem. */
function problemOf(input: Uint8Array, opts?: { maxBytes?: number; maxDepth?: number }) {
  try {
    readNfeDocument(input, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    const problems = (e as InvalidInputError).problems;
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }
  throw new Error('expected a rejection');
}

describe('xml guard: entities and DTDs', () => {
  it('rejects billion laughs before any expansion', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']>',
      '<nfeProc>&lol9;</nfeProc>',
    ].join('\n');
    expect(problemOf(bytes(lol))).toEqual({ field: 'xml', message: 'DOCTYPE is not allowed (no DTDs)' });
  });

  it('rejects an external entity', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY x SYSTEM "file:///etc/passwd">]><NFe>&x;</NFe>';
    expect(problemOf(bytes(xxe)).message).toMatch(/DOCTYPE is not allowed/);
  });

  it('rejects ENTITY and other declarations even without a DOCTYPE', () => {
    expect(problemOf(bytes('<a><!ENTITY x "y"></a>')).message).toMatch(/ENTITY declarations are not allowed/);
    expect(problemOf(bytes('<a><!ELEMENT a ANY></a>')).message).toBe(
      '<!ELEMENT> declarations are not allowed (no DTDs or entities)',
    );
  });
});

describe('xml guard: size, depth, structure', () => {
  it('rejects nesting 10,000 deep, and honours a custom limit', () => {
    const deep = `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`;
    expect(problemOf(bytes(deep)).message).toBe('elements nested deeper than 64 levels');
    const five = '<a><b><c><d><e/></d></c></b></a>';
    expect(() => checkXmlStructure(five, 4)).not.toThrow();
    expect(() => checkXmlStructure('<a><b><c><d><e></e></d></c></b></a>', 4)).toThrow(/deeper than 4/);
  });

  it('refuses 1.2M sibling elements and 200k attributes at the bound, not after parsing them', () => {
    const siblings = `<nfeProc>${'<a/>'.repeat(1_200_000)}</nfeProc>`;
    expect(problemOf(bytes(siblings), { maxBytes: 10 * 1024 * 1024 }).message).toBe(
      'more than 250000 elements',
    );
    const attrs = `<nfeProc ${Array.from({ length: 200_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`;
    expect(problemOf(bytes(attrs), { maxBytes: 10 * 1024 * 1024 }).message).toBe(
      '<nfeProc> has more than 64 attributes',
    );
    expect(() => checkXmlStructure('<a><b/><b/><b/></a>', 64, undefined, { maxElements: 3 })).toThrow(
      /more than 3 elements/,
    );
    expect(() => checkXmlStructure('<a x="1" y=\'2\'/>', 64, undefined, { maxAttributes: 2 })).not.toThrow();
  });

  it('rejects a body over the byte limit with TooLargeError', () => {
    const body = sample(SAMPLE);
    let error: unknown;
    try {
      readNfeDocument(body, { maxBytes: 10_000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TooLargeError);
    expect((error as TooLargeError).limitBytes).toBe(10_000);
    expect((error as TooLargeError).message).toBe(
      `XML body has ${body.length} bytes, more than the limit of 10000`,
    );
    expect(readNfeDocument(body, { maxBytes: body.length }).kind).toBe('invoice');
  });

  it('rejects truncated XML', () => {
    const body = sample(SAMPLE);
    expect(problemOf(body.subarray(0, Math.floor(body.length / 2))).message).toMatch(/^truncated: /);
    expect(problemOf(body.subarray(0, body.length - 12)).message).toBe(
      'truncated: element <nfeProc> is not closed',
    );
    expect(problemOf(bytes('<NFe><infNFe versao="4.00')).message).toBe('truncated: unterminated tag <infNFe');
  });

  it('rejects mismatched tags, several roots and text outside the root', () => {
    expect(problemOf(bytes('<a><b></a>')).message).toBe('mismatched closing tag </a>, expected </b>');
    expect(problemOf(bytes('<a/><b/>')).message).toBe('more than one root element (<b>)');
    expect(problemOf(bytes('<a/>trailing')).message).toMatch(/^text outside the root element/);
  });

  it('rejects an empty body, whitespace and non-XML', () => {
    expect(problemOf(new Uint8Array(0))).toEqual({ field: 'xml', message: 'empty body' });
    expect(problemOf(bytes(' \n\t ')).message).toBe('empty body');
    expect(problemOf(bytes('{"invoice": 1}')).message).toBe('not XML: the body does not start with "<"');
  });

  it('rejects binary garbage', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xd8, 0x3c]);
    expect(problemOf(png).message).toMatch(/^body is not valid UTF-8 text/);
    expect(problemOf(bytes('<a>\u0000\u0001</a>')).message).toBe(
      'binary content: character U+0000 at offset 3 is not allowed in XML',
    );
    expect(problemOf(new Uint8Array([0xff, 0xfe, 0x3c, 0x00])).message).toMatch(/UTF-16 is not supported/);
  });

  it('rejects an "&" that starts no reference, in text or in an attribute, naming its offset', () => {
    expect(problemOf(bytes('<a><b>Acucar & Cia</b></a>')).message).toBe(
      '"&" at offset 13 starts no entity or character reference: write &amp;',
    );
    expect(problemOf(bytes('<a b="P&D"/>')).message).toBe(
      '"&" at offset 7 starts no entity or character reference: write &amp;',
    );
    expect(problemOf(bytes('<a>&#xZZ;</a>')).message).toMatch(/^"&" at offset 3 /);
    const fine = '<a b="&amp;&#38;"><!-- R&D --><![CDATA[ & ]]>&lt;&nbsp;</a>';
    expect(guardXml(bytes(fine))).toBe(fine);
  });

  it('leaves to the parser what only a parser sees, as a malformed-XML problem', () => {
    const twice = base.xml.replace('<infNFe ', '<infNFe versao="4.00" ');
    expect(problemOf(bytes(twice)).message).toMatch(/^malformed XML: .*duplicate attribute: versao/);
    const lt = base.xml.replace('<infNFe ', '<infNFe note="a<b" ');
    expect(problemOf(bytes(lt)).message).toMatch(/^malformed XML: \d+:\d+: /);
  });

  it('skips comments, CDATA, processing instructions and ">" in attribute values', () => {
    const tricky =
      '<?xml version="1.0"?><!-- <x> --><a b="1>2" c=\'</a>\'><![CDATA[<not><closed>]]><?pi <y>?><d/></a>';
    expect(guardXml(bytes(tricky))).toBe(tricky);
  });
});

describe('xml guard: encodings', () => {
  const accented = 'Venda de açúcar & café São João';

  it('reads a document declared ISO-8859-1 as Latin-1', () => {
    const { xml, accessKey } = buildNfeXml(spec({ natOp: accented }));
    const latin1 = xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    const body = new Uint8Array(Buffer.from(latin1, 'latin1'));
    expect(body.length).toBe(bytes(latin1).length - 5); // ç ú é ã ã: one byte each instead of two
    const doc = readNfeDocument(body);
    expect(doc.kind === 'invoice' && doc.natOp).toBe(accented);
    expect(doc.kind === 'invoice' && doc.accessKey).toBe(accessKey);
  });

  it('rejects Latin-1 bytes that claim to be UTF-8, and unknown encodings', () => {
    const { xml } = buildNfeXml(spec({ natOp: accented }));
    expect(problemOf(new Uint8Array(Buffer.from(xml, 'latin1'))).message).toMatch(/not valid UTF-8/);
    const ebcdic = xml.replace('encoding="UTF-8"', 'encoding="EBCDIC-US"');
    expect(problemOf(bytes(ebcdic)).message).toBe(
      'unsupported encoding "ebcdic-us" (expected UTF-8 or ISO-8859-1)',
    );
  });

  it('accepts a UTF-8 BOM', () => {
    const body = sample(SAMPLE);
    const withBom = new Uint8Array(body.length + 3);
    withBom.set([0xef, 0xbb, 0xbf]);
    withBom.set(body, 3);
    const doc = readNfeDocument(withBom);
    expect(doc.kind === 'invoice' && doc.accessKey).toBe('35180834128745000152550010000474281920007498');
  });
});
