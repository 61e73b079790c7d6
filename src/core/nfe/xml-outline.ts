/**
 * Where each element sits in the text, so that parts of one document can be carried into another
 * byte for byte (a protocol out of a SEFAZ answer into an nfeProc; an event out of a batch). The
 * parser gives values, not positions; this walks the guarded text once with the guard's scanner.
 */
import { checkXmlStructure } from './xml-guard.js';

export interface XmlElementSpan {
  qname: string;
  local: string;
  /** '' for an unprefixed element. */
  prefix: string;
  start: number;
  startTagEnd: number;
  end: number;
  parent: number;
  /** xmlns declarations on this element: prefix ('' for the default namespace) → URI. */
  declares: Map<string, string>;
}

const XMLNS = /\sxmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const PREFIXED_ATTR = /\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=/g;

export class XmlOutline {
  readonly elements: XmlElementSpan[] = [];

  constructor(readonly text: string) {
    const stack: number[] = [];
    checkXmlStructure(text, 10_000, {
      open: (qname, start, startTagEnd) => {
        const colon = qname.indexOf(':');
        const declares = new Map<string, string>();
        for (const m of text.slice(start, startTagEnd).matchAll(XMLNS))
          declares.set(m[1] ?? '', m[2] ?? m[3] ?? '');
        this.elements.push({
          qname,
          local: colon === -1 ? qname : qname.slice(colon + 1),
          prefix: colon === -1 ? '' : qname.slice(0, colon),
          start,
          startTagEnd,
          end: -1,
          parent: stack.at(-1) ?? -1,
          declares,
        });
        stack.push(this.elements.length - 1);
      },
      close: (end) => {
        const index = stack.pop() as number;
        (this.elements[index] as XmlElementSpan).end = end;
      },
    });
  }

  el(index: number): XmlElementSpan {
    return this.elements[index] as XmlElementSpan;
  }

  /** Children of `index` with that local name (all children when omitted), in document order. */
  children(index: number, local?: string): number[] {
    const out: number[] = [];
    const parent = this.el(index);
    for (let i = index + 1; i < this.elements.length; i++) {
      const e = this.el(i);
      if (e.start >= parent.end) break;
      if (e.parent === index && (local === undefined || e.local === local)) out.push(i);
    }
    return out;
  }

  /** The namespace bindings in scope at `index` (its own declarations included). */
  inScope(index: number): Map<string, string> {
    const chain: number[] = [];
    for (let i = index; i !== -1; i = this.el(i).parent) chain.unshift(i);
    const scope = new Map<string, string>();
    for (const i of chain) for (const [p, uri] of this.el(i).declares) scope.set(p, uri);
    return scope;
  }

  /**
   * The element's text, made to stand on its own: the namespace bindings it uses but inherits
   * from its ancestors are declared on its start tag, unless `context` (the new parent's scope)
   * already binds them the same way.
   */
  standalone(index: number, context: ReadonlyMap<string, string> = new Map()): string {
    const e = this.el(index);
    const used = new Set<string>();
    for (let i = index; i < this.elements.length && this.el(i).start < e.end; i++) {
      const d = this.el(i);
      used.add(d.prefix);
      for (const m of this.text.slice(d.start, d.startTagEnd).matchAll(PREFIXED_ATTR)) {
        if (m[1] !== 'xmlns' && m[1] !== 'xml') used.add(m[1] as string);
      }
    }
    const scope = this.inScope(e.parent === -1 ? index : e.parent);
    let decls = '';
    for (const prefix of [...used].sort()) {
      if (e.declares.has(prefix)) continue;
      const uri = scope.get(prefix);
      if (uri === undefined || context.get(prefix) === uri) continue;
      decls += prefix === '' ? ` xmlns="${uri}"` : ` xmlns:${prefix}="${uri}"`;
    }
    const nameEnd = e.start + 1 + e.qname.length;
    return this.text.slice(e.start, nameEnd) + decls + this.text.slice(nameEnd, e.end);
  }
}
