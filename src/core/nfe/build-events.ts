/**
 * Event documents for demo data and tests: cancellation (110111) and correction letter (110110)
 * as `procEventoNFe`, plus the `retEvento` that build.ts appends inside an nfeProc.
 */
import { InvalidInputError } from '../errors.js';
import { validateAccessKey } from './access-key.js';

export const NFE_NAMESPACE = 'http://www.portalfiscal.inf.br/nfe';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!) : s;
}

/** `2018-08-07T09:19:15-03:00`: the instant in Brasília time, as NF-e files write it. */
export function formatNfeDateTime(d: Date): string {
  return new Date(d.getTime() - 3 * 3_600_000).toISOString().slice(0, 19) + '-03:00';
}

export interface EventReturnSpec {
  accessKey: string;
  eventType: string;
  sequence: number;
  statusCode: string;
  registeredAt: Date;
  /** Defaults to a number derived from key and sequence (only registered events get one). */
  protocol?: string;
  tpAmb?: string;
}

const REGISTERED = new Set(['135', '136', '155']);
const STATUS_TEXT: Record<string, string> = {
  '135': 'Evento registrado e vinculado a NF-e',
  '136': 'Evento registrado, mas nao vinculado a NF-e',
  '155': 'Cancelamento homologado fora de prazo',
};
const EVENT_NAME: Record<string, string> = { '110111': 'Cancelamento', '110110': 'Carta de Correcao' };

function checkKey(accessKey: string): void {
  const problem = validateAccessKey(accessKey);
  if (problem) throw new InvalidInputError(`${problem.field}: ${problem.message}`, [problem]);
}

/** A 15-digit protocol number: type, cUF, year, then 10 digits derived from the seed. */
export function derivedProtocol(prefix: string, cUF: string, yy: string, seed: number): string {
  return prefix + cUF + yy + String(Math.abs(Math.trunc(seed)) % 10_000_000_000).padStart(10, '0');
}

/** `<retEvento>`: SEFAZ's answer to one event. */
export function buildRetEventoXml(spec: EventReturnSpec): string {
  const key = spec.accessKey;
  const registered = REGISTERED.has(spec.statusCode);
  const protocol =
    spec.protocol ??
    derivedProtocol('1', key.slice(0, 2), key.slice(2, 4), Number(key.slice(25, 34)) * 7 + spec.sequence);
  const xEvento = registered ? `<xEvento>${EVENT_NAME[spec.eventType] ?? 'Evento'} registrado</xEvento>` : '';
  return (
    `<retEvento versao="1.00"><infEvento><tpAmb>${spec.tpAmb ?? '1'}</tpAmb><verAplic>invoicehub-1.0</verAplic>` +
    `<cOrgao>${key.slice(0, 2)}</cOrgao><cStat>${escapeXml(spec.statusCode)}</cStat>` +
    `<xMotivo>${STATUS_TEXT[spec.statusCode] ?? 'Rejeicao: evento nao registrado'}</xMotivo>` +
    `<chNFe>${key}</chNFe><tpEvento>${spec.eventType}</tpEvento>${xEvento}<nSeqEvento>${spec.sequence}</nSeqEvento>` +
    `<dhRegEvento>${formatNfeDateTime(spec.registeredAt)}</dhRegEvento>` +
    (registered ? `<nProt>${protocol}</nProt>` : '') +
    '</infEvento></retEvento>'
  );
}

interface EventCommon {
  accessKey: string;
  /** The author's CNPJ (14) or CPF (11). */
  cnpj: string;
  at: Date;
  sequence?: number;
  /** retEvento cStat; '135' registered and linked. */
  statusCode?: string;
  /** SEFAZ registration time; defaults to `at` + 2 s. */
  registeredAt?: Date;
  eventProtocol?: string;
  tpAmb?: string;
}

function buildProcEvento(spec: EventCommon, eventType: string, detEvento: string): string {
  checkKey(spec.accessKey);
  const seq = spec.sequence ?? 1;
  const tpAmb = spec.tpAmb ?? '1';
  const author = spec.cnpj.length === 11 ? `<CPF>${spec.cnpj}</CPF>` : `<CNPJ>${escapeXml(spec.cnpj)}</CNPJ>`;
  const id = `ID${eventType}${spec.accessKey}${String(seq).padStart(2, '0')}`;
  const ret = buildRetEventoXml({
    accessKey: spec.accessKey,
    eventType,
    sequence: seq,
    statusCode: spec.statusCode ?? '135',
    registeredAt: spec.registeredAt ?? new Date(spec.at.getTime() + 2000),
    tpAmb,
    ...(spec.eventProtocol ? { protocol: spec.eventProtocol } : {}),
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?><procEventoNFe xmlns="${NFE_NAMESPACE}" versao="1.00">` +
    `<evento versao="1.00"><infEvento Id="${id}"><cOrgao>${spec.accessKey.slice(0, 2)}</cOrgao>` +
    `<tpAmb>${tpAmb}</tpAmb>${author}<chNFe>${spec.accessKey}</chNFe>` +
    `<dhEvento>${formatNfeDateTime(spec.at)}</dhEvento><tpEvento>${eventType}</tpEvento>` +
    `<nSeqEvento>${seq}</nSeqEvento><verEvento>1.00</verEvento>` +
    `<detEvento versao="1.00">${detEvento}</detEvento></infEvento></evento>${ret}</procEventoNFe>`
  );
}

export interface CancellationEventSpec extends EventCommon {
  /** nProt of the authorization being cancelled. */
  protocol: string;
  /** 15 to 255 characters. */
  justification: string;
}

export function buildCancellationEventXml(spec: CancellationEventSpec): string {
  if (spec.justification.length < 15 || spec.justification.length > 255) {
    throw InvalidInputError.field('justification', 'must have 15 to 255 characters');
  }
  const det =
    `<descEvento>Cancelamento</descEvento><nProt>${escapeXml(spec.protocol)}</nProt>` +
    `<xJust>${escapeXml(spec.justification)}</xJust>`;
  return buildProcEvento(spec, '110111', det);
}

const CONDITIONS_OF_USE =
  'A Carta de Correcao e disciplinada pelo paragrafo 1o-A do art. 7o do Convenio S/N, de 15 de dezembro de 1970 ' +
  'e pode ser utilizada para regularizacao de erro ocorrido na emissao de documento fiscal, desde que o erro nao ' +
  'esteja relacionado com: I - as variaveis que determinam o valor do imposto tais como: base de calculo, ' +
  'aliquota, diferenca de preco, quantidade, valor da operacao ou da prestacao; II - a correcao de dados ' +
  'cadastrais que implique mudanca do remetente ou do destinatario; III - a data de emissao ou de saida.';

export interface CorrectionLetterSpec extends EventCommon {
  /** 15 to 1000 characters. */
  correction: string;
}

export function buildCorrectionLetterXml(spec: CorrectionLetterSpec): string {
  if (spec.correction.length < 15 || spec.correction.length > 1000) {
    throw InvalidInputError.field('correction', 'must have 15 to 1000 characters');
  }
  const det =
    `<descEvento>Carta de Correcao</descEvento><xCorrecao>${escapeXml(spec.correction)}</xCorrecao>` +
    `<xCondUso>${CONDITIONS_OF_USE}</xCondUso>`;
  return buildProcEvento(spec, '110110', det);
}
