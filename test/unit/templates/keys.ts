import { buildAccessKey } from '../../../src/core/nfe/access-key.js';
import { makeCnpj } from '../../../src/core/nfe/cnpj.js';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  EMPTY_CELL,
  type TemplateCell,
  type TemplateCells,
  type TemplateColumn,
} from '../../../src/core/templates/access-key-template.js';

/** The seller of these tests, and keys of its invoices (November 2026 unless said otherwise). */
export const SELLER_CNPJ = makeCnpj('112223330001');
export const OTHER_CNPJ = makeCnpj('998887770001');
/** The 2026 alphanumeric example of NFE.md. */
export const ALPHANUMERIC_CNPJ = '12ABC34501DE35';
export const NOW = new Date('2026-11-22T12:00:00Z');

export function key(
  overrides: Partial<{ cnpj: string; yymm: string; model: string; series: string; number: string }> = {},
): string {
  return buildAccessKey({
    cUF: '35',
    yymm: overrides.yymm ?? '2611',
    cnpj: overrides.cnpj ?? SELLER_CNPJ,
    model: overrides.model ?? '55',
    series: overrides.series ?? '1',
    number: overrides.number ?? '27677',
    tpEmis: '1',
    cNF: '12345678',
  });
}

export const text = (t: string): TemplateCell => ({ kind: 'text', text: t });

/** A row as a reader would hand it over: text cells, empty unless given. */
export function cells(values: Partial<Record<TemplateColumn, string | TemplateCell>> = {}): TemplateCells {
  const base: Partial<Record<TemplateColumn, string | TemplateCell>> = {
    orderId: 'ORD-1',
    orderItemId: 'ITEM-1',
    ...values,
  };
  const out = {} as Record<TemplateColumn, TemplateCell>;
  for (const column of ACCESS_KEY_TEMPLATE_HEADER) {
    const v = base[column];
    out[column] = v === undefined ? EMPTY_CELL : typeof v === 'string' ? text(v) : v;
  }
  return out;
}
