/**
 * Reads what a DANFE shows from a stored NF-e (nfeProc or bare NFe). The bytes pass the same guard
 * as at ingestion (encoding, no DTDs, depth, balance); the tree keeps the subtrees ingestion
 * skips (addresses, taxes, transport, additional info).
 */
import { InvalidInputError } from '../errors.js';
import type { InvoiceStatus } from '../nfe/types.js';
import { checkXmlStructure, decodeXmlBytes } from '../nfe/xml-guard.js';
import { attr, child, children, parseXmlDocument, text, type XmlNode } from '../nfe/xml-tree.js';
import type { DanfeDocument, DanfeItem, DanfeParty } from './danfe-document.js';

/** The first element with that name, breadth-first (envelopes nest the NF-e at different depths). */
function find(root: XmlNode, name: string, maxDepth = 4): XmlNode | undefined {
  let level: XmlNode[] = [root];
  for (let depth = 0; depth < maxDepth && level.length; depth++) {
    const next: XmlNode[] = [];
    for (const node of level) {
      const hit = children(node, name)[0];
      if (hit) return hit;
      for (const key of Object.keys(node)) {
        if (!key.startsWith('@_') && !key.startsWith('#')) next.push(...children(node, key));
      }
    }
    level = next;
  }
  return undefined;
}

const s = (node: XmlNode | undefined, path: string): string => text(node, path) ?? '';

/** The ICMS group of an item (`ICMS00`, `ICMSSN102`, ...): one child whatever its name. */
function taxGroup(tax: XmlNode | undefined): XmlNode | undefined {
  if (!tax) return undefined;
  const name = Object.keys(tax).find((k) => !k.startsWith('@_') && !k.startsWith('#'));
  return name ? children(tax, name)[0] : undefined;
}

function party(node: XmlNode | undefined, address: string): DanfeParty {
  const a = child(node, address);
  const street = [s(a, 'xLgr'), s(a, 'nro'), s(a, 'xCpl')].filter(Boolean).join(', ');
  return {
    name: s(node, 'xNome'),
    doc: s(node, 'CNPJ') || s(node, 'CPF') || s(node, 'idEstrangeiro'),
    ie: s(node, 'IE'),
    street,
    district: s(a, 'xBairro'),
    city: s(a, 'xMun'),
    uf: s(a, 'UF'),
    zip: s(a, 'CEP'),
    phone: s(a, 'fone'),
  };
}

function item(det: XmlNode): DanfeItem {
  const prod = child(det, 'prod');
  const icms = taxGroup(child(det, 'imposto/ICMS'));
  const ipi = child(det, 'imposto/IPI/IPITrib');
  const cst = text(icms, 'CST') ?? text(icms, 'CSOSN') ?? '';
  return {
    code: s(prod, 'cProd'),
    description: s(prod, 'xProd'),
    ncm: s(prod, 'NCM'),
    cst: cst ? `${s(icms, 'orig')}${cst}` : '',
    cfop: s(prod, 'CFOP'),
    unit: s(prod, 'uCom'),
    quantity: s(prod, 'qCom'),
    unitPrice: s(prod, 'vUnCom'),
    total: s(prod, 'vProd'),
    icmsBase: s(icms, 'vBC'),
    icmsValue: s(icms, 'vICMS'),
    icmsRate: s(icms, 'pICMS'),
    ipiValue: s(ipi, 'vIPI'),
    ipiRate: s(ipi, 'pIPI'),
  };
}

/** The DANFE of a stored document; `status` is the invoice's stored status (it decides the marks). */
export function readDanfe(bytes: Uint8Array, status: InvoiceStatus): DanfeDocument {
  const xml = decodeXmlBytes(bytes);
  checkXmlStructure(xml);
  const root = parseXmlDocument(xml);
  const nfe = find(root, 'NFe');
  const inf = child(nfe, 'infNFe');
  if (!inf) throw InvalidInputError.field('xml', 'no NFe/infNFe element: not an NF-e document');
  const id = attr(inf, 'Id') ?? '';
  const accessKey = id.replace(/^NFe/, '');
  const ide = child(inf, 'ide');
  const model = s(ide, 'mod') === '65' ? '65' : '55';
  const prot = [find(root, 'protNFe')]
    .map((p) => child(p, 'infProt'))
    .find((p) => p && s(p, 'chNFe') === accessKey && s(p, 'nProt'));
  const emit = child(inf, 'emit');
  const tot = child(inf, 'total/ICMSTot');
  const transp = child(inf, 'transp');
  const carrier = child(transp, 'transporta');
  const vehicle = child(transp, 'veicTransp');
  const vol = child(transp, 'vol');
  const supl = child(nfe, 'infNFeSupl');
  return {
    model,
    accessKey,
    number: s(ide, 'nNF'),
    series: s(ide, 'serie'),
    issuedAt: s(ide, 'dhEmi') || s(ide, 'dEmi'),
    exitAt: s(ide, 'dhSaiEnt') || s(ide, 'dSaiEnt'),
    direction: s(ide, 'tpNF'),
    operation: s(ide, 'natOp'),
    testEnvironment: s(ide, 'tpAmb') === '2',
    emitter: {
      ...party(emit, 'enderEmit'),
      tradeName: s(emit, 'xFant'),
      ieSt: s(emit, 'IEST'),
    },
    recipient: party(child(inf, 'dest'), 'enderDest'),
    protocol: prot ? { number: s(prot, 'nProt'), at: s(prot, 'dhRecbto') } : undefined,
    totals: {
      icmsBase: s(tot, 'vBC'),
      icms: s(tot, 'vICMS'),
      stBase: s(tot, 'vBCST'),
      st: s(tot, 'vST'),
      products: s(tot, 'vProd'),
      freight: s(tot, 'vFrete'),
      insurance: s(tot, 'vSeg'),
      discount: s(tot, 'vDesc'),
      other: s(tot, 'vOutro'),
      ipi: s(tot, 'vIPI'),
      total: s(tot, 'vNF'),
      approximateTaxes: s(tot, 'vTotTrib'),
    },
    transport: {
      freightMode: s(transp, 'modFrete'),
      carrierName: s(carrier, 'xNome'),
      carrierDoc: s(carrier, 'CNPJ') || s(carrier, 'CPF'),
      carrierIe: s(carrier, 'IE'),
      carrierAddress: s(carrier, 'xEnder'),
      carrierCity: s(carrier, 'xMun'),
      carrierUf: s(carrier, 'UF'),
      plate: s(vehicle, 'placa'),
      plateUf: s(vehicle, 'UF'),
      volumes: s(vol, 'qVol'),
      species: s(vol, 'esp'),
      brand: s(vol, 'marca'),
      numbering: s(vol, 'nVol'),
      grossWeight: s(vol, 'pesoB'),
      netWeight: s(vol, 'pesoL'),
    },
    items: children(inf, 'det').map(item),
    payments: children(child(inf, 'pag'), 'detPag').map((p) => ({
      method: s(p, 'tPag'),
      amount: s(p, 'vPag'),
    })),
    change: s(child(inf, 'pag'), 'vTroco'),
    additionalInfo: s(inf, 'infAdic/infCpl'),
    fiscoInfo: s(inf, 'infAdic/infAdFisco'),
    qrCode: s(supl, 'qrCode'),
    consultUrl: s(supl, 'urlChave'),
    cancelled: status === 'CANCELED',
    withoutFiscalValue: status === 'PENDING' || status === 'REJECTED' || s(ide, 'tpAmb') === '2',
  };
}
