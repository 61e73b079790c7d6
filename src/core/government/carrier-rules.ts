/**
 * What SEFAZ checks in the carrier group (`transp/transporta`, `transp/veicTransp`) of an NF-e,
 * with its own rejection codes and texts (Manual de Orientação do Contribuinte, NF-e 4.00). Every
 * failing rule is reported (SEFAZ itself stops at the first one).
 */

import { UF_BY_CUF } from '../nfe/access-key.js';
import { escapeXml as esc } from '../nfe/build-events.js';
import { isValidCnpj, isValidCpf, normalizeCnpj } from '../nfe/cnpj.js';
import type { CarrierContext, InvoiceError } from './issuer.js';

/** The rejections the sandbox issuer produces: cStat → xMotivo. */
export const SEFAZ_REJECTIONS = {
  '225': 'Rejeição: Falha no Schema XML da NFe',
  '542': 'Rejeição: CNPJ do Transportador inválido',
  '543': 'Rejeição: CPF do Transportador inválido',
  '544': 'Rejeição: IE do Transportador inválida',
  '559': 'Rejeição: UF do Transportador não informada',
  '999': 'Rejeição: Erro não catalogado',
} as const;

export type RejectionCode = keyof typeof SEFAZ_REJECTIONS;

export function rejection(code: RejectionCode, detail?: string): InvoiceError {
  return { errorCode: code, description: SEFAZ_REJECTIONS[code] + (detail ? ` (${detail})` : '') };
}

/** The carrier as it goes into the document. */
export interface Carrier {
  taxId?: { kind: 'CNPJ' | 'CPF'; value: string };
  name?: string;
  address?: string;
  ie?: string;
  uf?: string;
  plate?: string;
  plateUf?: string;
}

const UFS = new Set(UF_BY_CUF.values());
/** TPlaca of the NF-e schema: old plates, Mercosul plates. */
const PLATE = /^(?:[A-Z]{2,3}[0-9]{4}|[A-Z]{3,4}[0-9]{3}|[A-Z0-9]{7})$/;

/** São Paulo's IE: 12 digits, check digits at positions 9 and 12 (mod 11, last digit of the rest). */
export function isValidSpIe(ie: string): boolean {
  if (!/^[0-9]{12}$/.test(ie)) return false;
  const d = [...ie].map(Number);
  const dv = (weights: number[]) => (weights.reduce((sum, w, i) => sum + (d[i] ?? 0) * w, 0) % 11) % 10;
  return dv([1, 3, 4, 5, 6, 7, 8, 10]) === d[8] && dv([3, 2, 10, 9, 8, 7, 6, 5, 4, 3, 2]) === d[11];
}

/**
 * The IE check: `ISENTO`, or 2 to 14 digits; São Paulo's check digits are verified (a rural
 * producer's `P…` IE only by shape). Other states' check-digit rules are not applied.
 */
function isPlausibleIe(ie: string, uf: string | undefined): boolean {
  if (ie === 'ISENTO') return true;
  if (uf === 'SP' && /^P[0-9]{12}$/.test(ie)) return true;
  if (!/^[0-9]{2,14}$/.test(ie)) return false;
  return uf !== 'SP' || isValidSpIe(ie);
}

const text = (v: string | undefined) => (v === undefined ? undefined : v.trim());

/** Applies the rules; returns the carrier for the document, or the rejections. */
export function checkCarrier(
  ctx: CarrierContext,
): { ok: true; carrier: Carrier } | { ok: false; errors: InvoiceError[] } {
  const errors: InvoiceError[] = [];
  const carrier: Carrier = {};
  const schema = (element: string) => errors.push(rejection('225', `Elemento: ${element}`));

  const taxId = text(ctx.federalTaxId);
  if (taxId) {
    const value = normalizeCnpj(taxId);
    if (/^[0-9]{11}$/.test(value)) {
      if (isValidCpf(value)) carrier.taxId = { kind: 'CPF', value };
      else errors.push(rejection('543'));
    } else if (isValidCnpj(value)) carrier.taxId = { kind: 'CNPJ', value };
    else errors.push(rejection('542'));
  }
  const name = text(ctx.name);
  if (name) {
    if (name.length < 2 || name.length > 60) schema('transporta/xNome');
    carrier.name = name;
  }
  const address = text(ctx.address);
  if (address) {
    if (address.length > 60) schema('transporta/xEnder');
    carrier.address = address;
  }
  const uf = text(ctx.regionCode)?.toUpperCase();
  if (uf) {
    if (!UFS.has(uf)) schema('transporta/UF');
    carrier.uf = uf;
  }
  const ie = text(ctx.regionTaxId)
    ?.toUpperCase()
    .replace(/[.\-/\s]/g, '');
  if (ie) {
    if (!uf) errors.push(rejection('559'));
    else if (!isPlausibleIe(ie, uf)) errors.push(rejection('544'));
    carrier.ie = ie;
  }
  const plate = text(ctx.vehicleLicensePlate)?.toUpperCase().replace(/[-\s]/g, '');
  const plateUf = text(ctx.vehicleRegistrationRegionCode)?.toUpperCase() || uf;
  if (plate) {
    if (!PLATE.test(plate)) schema('veicTransp/placa');
    if (!plateUf) schema('veicTransp/UF');
    else if (!UFS.has(plateUf)) schema('veicTransp/UF');
    carrier.plate = plate;
    if (plateUf) carrier.plateUf = plateUf;
  } else if (text(ctx.vehicleRegistrationRegionCode)) {
    schema('veicTransp/placa');
  }
  return errors.length ? { ok: false, errors } : { ok: true, carrier };
}

const tag = (name: string, value: string | undefined) => (value ? `<${name}>${esc(value)}</${name}>` : '');

/** `<transp>` with the carrier: freight contracted by the sender (modFrete 0). */
export function transportXml(c: Carrier): string {
  const id = c.taxId ? tag(c.taxId.kind, c.taxId.value) : '';
  const vehicle = c.plate ? `<veicTransp>${tag('placa', c.plate)}${tag('UF', c.plateUf)}</veicTransp>` : '';
  return (
    `<transp><modFrete>0</modFrete><transporta>${id}${tag('xNome', c.name)}${tag('IE', c.ie)}` +
    `${tag('xEnder', c.address)}${tag('UF', c.uf)}</transporta>${vehicle}</transp>`
  );
}
