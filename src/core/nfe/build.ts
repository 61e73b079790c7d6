/**
 * Deterministic generator of realistic NF-e XML (demo data, tests, benchmarks, a future sandbox
 * issuer). Plain string building: the demo generates 100,000 of these. Same spec, same bytes.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import { type AccessKeyInput, buildAccessKey, UF_BY_CUF } from './access-key.js';
import {
  buildRetEventoXml,
  derivedProtocol,
  escapeXml as esc,
  formatNfeDateTime,
  NFE_NAMESPACE,
} from './build-events.js';
import type { LayoutVersion } from './types.js';

export type { CancellationEventSpec, CorrectionLetterSpec } from './build-events.js';
export { buildCancellationEventXml, buildCorrectionLetterXml } from './build-events.js';

export interface NfePartySpec {
  name: string;
  /** Defaults to the issuing state's UF (emitter) or to the emitter's UF (recipient). */
  uf?: string;
  ie?: string;
  street?: string;
  cityCode?: string;
  city?: string;
  zip?: string;
}
export type NfeEmitterSpec = NfePartySpec & ({ cnpj: string } | { cpf: string });
export type NfeRecipientSpec = NfePartySpec & ({ cnpj: string } | { cpf: string });

export interface NfeItemSpec {
  code: string;
  description: string;
  cfop: string;
  quantity: number;
  unitPrice: number;
  ncm?: string;
  unit?: string;
}

export interface NfeCarrierSpec {
  cnpj: string;
  name: string;
  ie?: string;
  uf?: string;
  plate?: string;
}

export type NfeBuildOutcome =
  | { kind: 'authorized'; protocol: string; at: Date }
  | { kind: 'rejected'; cStat: string; xMotivo: string; at: Date }
  | { kind: 'pending' }
  | { kind: 'cancelled-cstat101'; protocol?: string; at?: Date }
  | { kind: 'cancelled-embedded-event'; at: Date; protocol?: string; eventProtocol?: string };

export interface NfeBuildSpec {
  cUF: string;
  issuedAt: Date;
  emitter: NfeEmitterSpec;
  recipient: NfeRecipientSpec;
  series: number | string;
  number: number | string;
  model?: '55' | '65';
  tpEmis?: string;
  /** 8 digits; derived from series and number when absent. */
  cNF?: string;
  natOp?: string;
  tpNF?: string;
  finNFe?: string;
  tpAmb?: '1' | '2';
  items: NfeItemSpec[];
  referencedKeys?: string[];
  /** infIntermed (layout 4.00 only). */
  intermediary?: { cnpj: string; sellerId?: string };
  carrier?: NfeCarrierSpec;
  layout?: LayoutVersion;
  /** Write the date-only `dEmi` (old files) instead of `dhEmi`. */
  dateOnly?: boolean;
  additionalInfo?: string;
  outcome: NfeBuildOutcome;
  /** Force key parts to disagree with the document (tests). */
  keyOverrides?: Partial<AccessKeyInput>;
}

const CAPITALS = new Map(
  (
    '11:1100205:Porto Velho;12:1200401:Rio Branco;13:1302603:Manaus;14:1400100:Boa Vista;15:1501402:Belem;' +
    '16:1600303:Macapa;17:1721000:Palmas;21:2111300:Sao Luis;22:2211001:Teresina;23:2304400:Fortaleza;' +
    '24:2408102:Natal;25:2507507:Joao Pessoa;26:2611606:Recife;27:2704302:Maceio;28:2800308:Aracaju;' +
    '29:2927408:Salvador;31:3106200:Belo Horizonte;32:3205309:Vitoria;33:3304557:Rio de Janeiro;' +
    '35:3550308:Sao Paulo;41:4106902:Curitiba;42:4205407:Florianopolis;43:4314902:Porto Alegre;' +
    '50:5002704:Campo Grande;51:5103403:Cuiaba;52:5208707:Goiania;53:5300108:Brasilia'
  )
    .split(';')
    .map((row) => {
      const [cUF = '', code = '', name = ''] = row.split(':');
      return [UF_BY_CUF.get(cUF)!, { code, name }] as const;
    }),
);
const DENIED = new Set(['110', '301', '302', '303']);

const money = (cents: number): string => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const tag = (name: string, value: string | undefined): string =>
  value === undefined ? '' : `<${name}>${esc(value)}</${name}>`;
const doc = (d: { cnpj: string } | { cpf: string }): string =>
  'cnpj' in d ? tag('CNPJ', d.cnpj) : tag('CPF', d.cpf);

function address(prefix: 'enderEmit' | 'enderDest', p: NfePartySpec, uf: string): string {
  const capital = CAPITALS.get(uf);
  return (
    `<${prefix}>${tag('xLgr', p.street ?? 'Rua Principal')}<nro>100</nro><xBairro>Centro</xBairro>` +
    tag('cMun', p.cityCode ?? capital?.code ?? '3550308') +
    tag('xMun', p.city ?? capital?.name ?? 'Sao Paulo') +
    tag('UF', uf) +
    tag('CEP', p.zip ?? '01001000') +
    `<cPais>1058</cPais><xPais>BRASIL</xPais></${prefix}>`
  );
}

function defaultCnf(series: number, number: number): string {
  const n = (number * 7919 + series * 104_729 + 13_579) % 100_000_000;
  return String(n === number ? n + 1 : n).padStart(8, '0');
}

function items(spec: NfeBuildSpec, v4: boolean): { xml: string; totalCents: number } {
  let xml = '';
  let totalCents = 0;
  spec.items.forEach((it, i) => {
    const cents = Math.round((it.quantity * it.unitPrice + Number.EPSILON) * 100);
    totalCents += cents;
    const ean = v4 ? '<cEAN>SEM GTIN</cEAN>' : '<cEAN/>';
    const unit = esc(it.unit ?? 'UN');
    const qty = it.quantity.toFixed(4);
    const price = it.unitPrice.toFixed(10);
    xml +=
      `<det nItem="${i + 1}"><prod>${tag('cProd', it.code)}${ean}${tag('xProd', it.description)}` +
      `${tag('NCM', it.ncm ?? '84714900')}${tag('CFOP', it.cfop)}<uCom>${unit}</uCom><qCom>${qty}</qCom>` +
      `<vUnCom>${price}</vUnCom><vProd>${money(cents)}</vProd>${ean.replace(/cEAN/g, 'cEANTrib')}` +
      `<uTrib>${unit}</uTrib><qTrib>${qty}</qTrib><vUnTrib>${price}</vUnTrib><indTot>1</indTot></prod>` +
      '<imposto><ICMS><ICMSSN102><orig>0</orig><CSOSN>102</CSOSN></ICMSSN102></ICMS>' +
      '<PIS><PISNT><CST>07</CST></PISNT></PIS><COFINS><COFINSNT><CST>07</CST></COFINSNT></COFINS></imposto></det>';
  });
  return { xml, totalCents };
}

function totals(v4: boolean, totalCents: number): string {
  const t = money(totalCents);
  const zero = (names: string) =>
    names
      .split(',')
      .map((n) => `<${n}>0.00</${n}>`)
      .join('');
  return v4
    ? `<total><ICMSTot>${zero('vBC,vICMS,vICMSDeson,vFCP,vBCST,vST,vFCPST,vFCPSTRet')}<vProd>${t}</vProd>` +
        `${zero('vFrete,vSeg,vDesc,vII,vIPI,vIPIDevol,vPIS,vCOFINS,vOutro')}<vNF>${t}</vNF></ICMSTot></total>`
    : `<total><ICMSTot>${zero('vBC,vICMS,vICMSDeson,vBCST,vST')}<vProd>${t}</vProd>` +
        `${zero('vFrete,vSeg,vDesc,vII,vIPI,vPIS,vCOFINS,vOutro')}<vNF>${t}</vNF></ICMSTot></total>`;
}

function transport(carrier: NfeCarrierSpec | undefined): string {
  if (!carrier) return '<transp><modFrete>9</modFrete></transp>';
  const vehicle = carrier.plate
    ? `<veicTransp>${tag('placa', carrier.plate)}${tag('UF', carrier.uf)}</veicTransp>`
    : '';
  return (
    `<transp><modFrete>0</modFrete><transporta>${tag('CNPJ', carrier.cnpj)}${tag('xNome', carrier.name)}` +
    `${tag('IE', carrier.ie)}${tag('UF', carrier.uf)}</transporta>${vehicle}</transp>`
  );
}

/** Builds the document; returns it with its access key. */
export function buildNfeXml(spec: NfeBuildSpec): { xml: string; accessKey: string } {
  const layout = spec.layout ?? '4.00';
  const v4 = layout === '4.00';
  const uf = UF_BY_CUF.get(spec.cUF);
  if (!uf) throw InvalidInputError.field('cUF', `${spec.cUF} is not a valid state code`);
  if (spec.intermediary && !v4)
    throw InvalidInputError.field('intermediary', 'infIntermed does not exist in layout 3.10');
  const model = spec.model ?? '55';
  const tpEmis = spec.tpEmis ?? '1';
  const tpAmb = spec.tpAmb ?? '1';
  const series = Number(spec.series);
  const number = Number(spec.number);
  const cNF = spec.cNF ?? defaultCnf(series, number);
  const issued = formatNfeDateTime(spec.issuedAt);
  const emitterDoc = 'cnpj' in spec.emitter ? spec.emitter.cnpj : spec.emitter.cpf;
  const accessKey = buildAccessKey({
    cUF: spec.cUF,
    yymm: issued.slice(2, 4) + issued.slice(5, 7),
    cnpj: emitterDoc,
    model,
    series: String(series),
    number: String(number),
    tpEmis,
    cNF,
    ...spec.keyOverrides,
  });
  const emitUf = spec.emitter.uf ?? uf;
  const destUf = spec.recipient.uf ?? emitUf;
  const refs = (spec.referencedKeys ?? []).map((k) => `<NFref>${tag('refNFe', k)}</NFref>`).join('');
  const contingency =
    tpEmis === '1'
      ? ''
      : `<dhCont>${issued}</dhCont><xJust>Contingencia por falha de comunicacao com a SEFAZ</xJust>`;
  const date = spec.dateOnly ? `<dEmi>${issued.slice(0, 10)}</dEmi>` : `<dhEmi>${issued}</dhEmi>`;
  const ide =
    `<ide><cUF>${spec.cUF}</cUF><cNF>${cNF}</cNF>${tag('natOp', spec.natOp ?? 'Venda de mercadoria')}` +
    (v4 ? '' : '<indPag>0</indPag>') +
    `<mod>${model}</mod><serie>${series}</serie><nNF>${number}</nNF>${date}${tag('tpNF', spec.tpNF ?? '1')}` +
    `<idDest>${destUf === emitUf ? 1 : 2}</idDest><cMunFG>${CAPITALS.get(emitUf)?.code ?? '3550308'}</cMunFG>` +
    `<tpImp>${model === '65' ? 4 : 1}</tpImp><tpEmis>${tpEmis}</tpEmis><cDV>${accessKey.slice(43)}</cDV>` +
    `<tpAmb>${tpAmb}</tpAmb>${tag('finNFe', spec.finNFe ?? '1')}<indFinal>${'cpf' in spec.recipient ? 1 : 0}</indFinal>` +
    `<indPres>2</indPres>${v4 ? `<indIntermed>${spec.intermediary ? 1 : 0}</indIntermed>` : ''}` +
    `<procEmi>0</procEmi><verProc>invoicehub 1.0</verProc>${contingency}${refs}</ide>`;
  const emit =
    `<emit>${doc(spec.emitter)}${tag('xNome', spec.emitter.name)}${address('enderEmit', spec.emitter, emitUf)}` +
    `${tag('IE', spec.emitter.ie ?? 'ISENTO')}<CRT>1</CRT></emit>`;
  const dest =
    `<dest>${doc(spec.recipient)}${tag('xNome', spec.recipient.name)}` +
    `${address('enderDest', spec.recipient, destUf)}<indIEDest>9</indIEDest></dest>`;
  const det = items(spec, v4);
  const total = money(det.totalCents);
  const payment =
    (spec.finNFe ?? '1') === '1'
      ? `<tPag>15</tPag><vPag>${total}</vPag>`
      : '<tPag>90</tPag><vPag>0.00</vPag>';
  const intermed = spec.intermediary
    ? `<infIntermed>${tag('CNPJ', spec.intermediary.cnpj)}${tag('idCadIntTran', spec.intermediary.sellerId)}</infIntermed>`
    : '';
  const infNFe =
    `<infNFe versao="${layout}" Id="NFe${accessKey}">${ide}${emit}${dest}${det.xml}${totals(v4, det.totalCents)}` +
    transport(spec.carrier) +
    (v4 ? `<pag><detPag><indPag>0</indPag>${payment}</detPag></pag>` : '') +
    `${intermed}<infAdic>${tag('infCpl', spec.additionalInfo ?? `Pedido ${number}`)}</infAdic></infNFe>`;

  const outcome = spec.outcome;
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  if (outcome.kind === 'pending')
    return { xml: `${head}<NFe xmlns="${NFE_NAMESPACE}">${infNFe}</NFe>`, accessKey };

  const nfe = `<NFe xmlns="${NFE_NAMESPACE}">${infNFe}</NFe>`;
  const yy = issued.slice(2, 4);
  const seed = series * 1_000_000_000 + number;
  const authorizedAt = new Date(spec.issuedAt.getTime() + 30_000);
  const prot = (cStat: string, xMotivo: string, at: Date, nProt: string | undefined): string =>
    `<protNFe versao="${layout}"><infProt><tpAmb>${tpAmb}</tpAmb><verAplic>invoicehub-1.0</verAplic>` +
    `<chNFe>${accessKey}</chNFe><dhRecbto>${formatNfeDateTime(at)}</dhRecbto>${tag('nProt', nProt)}` +
    (nProt ? `<digVal>${createHash('sha1').update(nfe).digest('base64')}</digVal>` : '') +
    `${tag('cStat', cStat)}${tag('xMotivo', xMotivo)}</infProt></protNFe>`;
  let tail: string;
  switch (outcome.kind) {
    case 'authorized':
      tail = prot('100', 'Autorizado o uso da NF-e', outcome.at, outcome.protocol);
      break;
    case 'rejected': {
      const nProt = DENIED.has(outcome.cStat) ? derivedProtocol('1', spec.cUF, yy, seed) : undefined;
      tail = prot(outcome.cStat, outcome.xMotivo, outcome.at, nProt);
      break;
    }
    case 'cancelled-cstat101':
      tail = prot(
        '101',
        'Cancelamento de NF-e homologado',
        outcome.at ?? new Date(spec.issuedAt.getTime() + 3_600_000),
        outcome.protocol ?? derivedProtocol('1', spec.cUF, yy, seed),
      );
      break;
    case 'cancelled-embedded-event':
      tail =
        prot(
          '100',
          'Autorizado o uso da NF-e',
          authorizedAt,
          outcome.protocol ?? derivedProtocol('1', spec.cUF, yy, seed),
        ) +
        buildRetEventoXml({
          accessKey,
          eventType: '110111',
          sequence: 1,
          statusCode: '135',
          registeredAt: outcome.at,
          tpAmb,
          ...(outcome.eventProtocol ? { protocol: outcome.eventProtocol } : {}),
        });
      break;
  }
  return {
    xml: `${head}<nfeProc xmlns="${NFE_NAMESPACE}" versao="${layout}">${nfe}${tail}</nfeProc>`,
    accessKey,
  };
}
