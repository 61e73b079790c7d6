import {
  ACCESS_KEY_TEMPLATE_HEADER,
  EMPTY_CELL,
  REQUIRED_UPLOAD_COLUMNS,
  type TemplateCell,
  type TemplateCells,
  type TemplateColumn,
} from '../../core/templates/access-key-template.js';
import { FileProblemError } from './file-problem.js';

/**
 * The header row of an upload, matched to the template's columns by name (trimmed, any case, in
 * any order). Columns that are not the template's are ignored and listed; only the columns the
 * importer needs are required, so a seller who deleted `sku` still gets the upload through.
 */
export interface HeaderMap {
  /** Template column → position in the file's rows (0-based). */
  positions: ReadonlyMap<TemplateColumn, number>;
  columns: TemplateColumn[];
  ignored: string[];
}

const BY_LOWER = new Map(ACCESS_KEY_TEMPLATE_HEADER.map((c) => [c.toLowerCase(), c]));

export function templateColumn(name: string): TemplateColumn | undefined {
  return BY_LOWER.get(
    name
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
}

/** Throws FileProblemError (field `header`) for duplicated or missing columns. */
export function mapHeader(names: string[]): HeaderMap {
  const positions = new Map<TemplateColumn, number>();
  const ignored: string[] = [];
  names.forEach((name, i) => {
    const column = templateColumn(name);
    if (!column) {
      if (name.trim() !== '') ignored.push(name.trim());
      return;
    }
    if (positions.has(column)) throw new FileProblemError('header', `column ${column} appears twice`);
    positions.set(column, i);
  });
  const missing = REQUIRED_UPLOAD_COLUMNS.filter((c) => !positions.has(c));
  if (missing.length > 0) {
    const found = names
      .map((n) => n.trim())
      .filter((n) => n !== '')
      .slice(0, 12)
      .join(', ');
    throw new FileProblemError(
      'header',
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: the first row must be the ` +
        `template's header (${ACCESS_KEY_TEMPLATE_HEADER.join(', ')}); found ${found === '' ? 'nothing' : found}`,
    );
  }
  return { positions, columns: [...positions.keys()], ignored };
}

/** The template's cells of one row; absent columns and short rows give empty cells. */
export function rowCells(header: HeaderMap, cellAt: (position: number) => TemplateCell): TemplateCells {
  const cells = {} as Record<TemplateColumn, TemplateCell>;
  for (const column of ACCESS_KEY_TEMPLATE_HEADER) {
    const position = header.positions.get(column);
    cells[column] = position === undefined ? EMPTY_CELL : cellAt(position);
  }
  return cells;
}

export function isBlank(cell: TemplateCell): boolean {
  return cell.kind === 'text' && cell.text.trim() === '';
}
