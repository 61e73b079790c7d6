/**
 * An invoice stored bare (NFe) and its protocol arriving later become one distribution file, the
 * `nfeProc` the manual defines: `<nfeProc versao><NFe/><protNFe/></nfeProc>`. Both elements are
 * carried over as they were written (the NFe's signature stays valid: the new root binds only the
 * NFe's own prefix, to the same namespace); the result is UTF-8 whatever the inputs' encoding.
 */
import { guardXml } from './xml-guard.js';
import { XmlOutline } from './xml-outline.js';

function nfeIndex(outline: XmlOutline): number {
  return outline.el(0).local === 'NFe' ? 0 : (outline.children(0, 'NFe')[0] as number);
}

/** The NFe element of a bare NFe or an nfeProc, standing on its own: what SEFAZ authorized. */
export function nfeElement(document: Uint8Array): string {
  const outline = new XmlOutline(guardXml(document, { maxBytes: Number.MAX_SAFE_INTEGER }));
  return outline.standalone(nfeIndex(outline));
}

/** `stored`: the document kept for the invoice (a bare NFe, or an nfeProc whose protocol is replaced). */
export function joinNfeProc(stored: Uint8Array, protNFe: string): Uint8Array {
  const outline = new XmlOutline(guardXml(stored, { maxBytes: Number.MAX_SAFE_INTEGER }));
  const nfe = nfeIndex(outline);
  const e = outline.el(nfe);
  const uri = outline.inScope(nfe).get(e.prefix) ?? '';
  const infNFe = outline.children(nfe, 'infNFe')[0];
  const version =
    infNFe === undefined
      ? undefined
      : /\sversao\s*=\s*["']([^"']*)["']/.exec(
          outline.text.slice(outline.el(infNFe).start, outline.el(infNFe).startTagEnd),
        )?.[1];
  const name = e.prefix === '' ? 'nfeProc' : `${e.prefix}:nfeProc`;
  const xmlns = e.prefix === '' ? 'xmlns' : `xmlns:${e.prefix}`;
  const text =
    `<?xml version="1.0" encoding="UTF-8"?><${name} ${xmlns}="${uri}" versao="${version ?? '4.00'}">` +
    outline.standalone(nfe, new Map([[e.prefix, uri]])) +
    protNFe +
    `</${name}>`;
  return new TextEncoder().encode(text);
}
