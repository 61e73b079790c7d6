import type { TemplateCell } from '../../core/templates/access-key-template.js';
import { EMPTY_CELL } from '../../core/templates/access-key-template.js';
import { lazyImport } from '../lazy-import.js';

/** exceljs, loaded when the first workbook is written or read. */
export const exceljs = lazyImport(async () => (await import('exceljs')).default);

/**
 * exceljs's streaming reader gives a cell's value as a string, number, boolean, Date, or one of a
 * few objects (formula, rich text, error, hyperlink). This maps them onto the template's cells.
 * `{ sharedString: n }` is what exceljs hands out when it could not resolve a shared string: the
 * reader turns it into a per-file error rather than treat the cell as empty.
 */
export type XlsxCellRead = TemplateCell | { unresolvedSharedString: number };

type Obj = Record<string, unknown>;

function richText(value: Obj): string | undefined {
  if (!Array.isArray(value.richText)) return undefined;
  return (value.richText as Obj[]).map((run) => (typeof run.text === 'string' ? run.text : '')).join('');
}

export function xlsxCell(value: unknown): XlsxCellRead {
  if (value === null || value === undefined) return EMPTY_CELL;
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'text', text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) {
    return { kind: 'text', text: Number.isNaN(value.getTime()) ? '' : value.toISOString() };
  }
  if (typeof value === 'object') {
    const v = value as Obj;
    if ('formula' in v || 'sharedFormula' in v) {
      const formula = typeof v.formula === 'string' ? v.formula : String(v.sharedFormula ?? '');
      return { kind: 'formula', formula };
    }
    if ('error' in v) return { kind: 'error', code: String(v.error) };
    if ('sharedString' in v) return { unresolvedSharedString: Number(v.sharedString) };
    const rich = richText(v);
    if (rich !== undefined) return { kind: 'text', text: rich };
    if ('text' in v) {
      const text = typeof v.text === 'string' ? v.text : richText(v.text as Obj);
      return { kind: 'text', text: text ?? '' };
    }
  }
  return { kind: 'text', text: String(value) };
}

/** The text of a header cell (a header written as a number or a formula result still counts). */
export function headerText(value: unknown): string {
  const cell = xlsxCell(value);
  if ('unresolvedSharedString' in cell) return '';
  switch (cell.kind) {
    case 'text':
      return cell.text;
    case 'number':
      return String(cell.value);
    default:
      return '';
  }
}
