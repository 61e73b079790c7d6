/**
 * The rule for one row of a filled template: which order item, which key, and everything that can
 * be said about the key without the database. Whether the key is already used by another order is
 * the caller's check (see `rejectRow`).
 */
import type { FieldProblem } from '../errors.js';
import { parseAccessKey, validateAccessKey } from '../nfe/access-key.js';
import { normalizeCnpj } from '../nfe/cnpj.js';
import type { TemplateCell, TemplateCells, TemplateColumn } from './access-key-template.js';

export interface SellerIdentity {
  /** The seller's CNPJ, numeric or 2026 alphanumeric, with or without punctuation. */
  cnpj: string;
}

export type FilledRowCheck =
  | { outcome: 'filled'; orderId: string; orderItemId: string; accessKey: string }
  /** No key on the row: nothing to change, not an error. */
  | { outcome: 'not-filled'; orderId?: string; orderItemId?: string }
  | { outcome: 'invalid'; orderId?: string; orderItemId?: string; problems: FieldProblem[] };

/** Longer ids than this are not ids from our template. */
const MAX_ID_LENGTH = 200;
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/;
/** A spreadsheet keeps 15 significant digits of a number; shown in full, the rest are zeros. */
const FIFTEEN_DIGITS_THEN_ZEROS = /^[0-9]{15}0{29}$/;
const RETYPE = 'format the column as text and type the 44 digits again';

const LABELS: Record<TemplateColumn, string> = {
  orderNumber: 'order number',
  orderId: 'order id',
  orderItemId: 'order item id',
  sku: 'sku',
  orderDate: 'order date',
  status: 'status',
  invoiceNumber: 'invoice number',
  invoiceSeries: 'invoice series',
  accessKey: 'access key',
};

function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** How a spreadsheet shows a large number: `4.1210775277525E+43`. */
export function spreadsheetNumber(value: number): string {
  return String(value).toUpperCase();
}

function problem(column: TemplateColumn, message: string): FieldProblem {
  return { field: column, message: `${LABELS[column]}: ${message}` };
}

function formulaProblem(column: TemplateColumn, formula: string): FieldProblem {
  const shown = formula.startsWith('=') ? formula : `=${formula}`;
  return problem(
    column,
    `the cell holds a formula (${clip(shown)}), not a value; type or paste the value itself as text`,
  );
}

type IdRead = { value: string } | { problem: FieldProblem };

function readId(cells: TemplateCells, column: TemplateColumn): IdRead {
  const cell = cells[column];
  switch (cell.kind) {
    case 'formula':
      return { problem: formulaProblem(column, cell.formula) };
    case 'error':
      return { problem: problem(column, `the cell shows the spreadsheet error ${cell.code}`) };
    case 'number':
      // Ids such as 2000000001 survive as numbers; a fraction or a rounded giant does not.
      if (Number.isSafeInteger(cell.value) && cell.value >= 0) return { value: String(cell.value) };
      return {
        problem: problem(
          column,
          `the spreadsheet turned it into a number (${spreadsheetNumber(cell.value)}); keep the ${column} column as downloaded`,
        ),
      };
    case 'text': {
      const text = cell.text.trim();
      if (text === '')
        return { problem: problem(column, `missing; keep the ${column} column as downloaded`) };
      if (text.startsWith('=')) return { problem: formulaProblem(column, text) };
      if (text.length > MAX_ID_LENGTH) {
        return { problem: problem(column, `${text.length} characters is too long for an id of ours`) };
      }
      return { value: text };
    }
  }
}

type KeyRead = { kind: 'empty' } | { kind: 'key'; key: string } | { kind: 'problem'; problem: FieldProblem };

/**
 * The key as typed, made comparable: whitespace removed (the DANFE prints the key in groups of
 * four), an `NFe` prefix dropped (the XML's `Id` attribute), letters uppercased. Nothing else is
 * repaired: a key a spreadsheet turned into a number has lost its digits for good.
 */
function readKey(cell: TemplateCell): KeyRead {
  const fail = (message: string): KeyRead => ({ kind: 'problem', problem: problem('accessKey', message) });
  switch (cell.kind) {
    case 'formula':
      return { kind: 'problem', problem: formulaProblem('accessKey', cell.formula) };
    case 'error':
      return fail(`the cell shows the spreadsheet error ${cell.code}; type the 44 characters of the key`);
    case 'number':
      return fail(`the spreadsheet turned it into a number (${spreadsheetNumber(cell.value)}); ${RETYPE}`);
    case 'text': {
      const raw = cell.text.trim();
      if (raw === '') return { kind: 'empty' };
      if (raw.startsWith('=')) return { kind: 'problem', problem: formulaProblem('accessKey', raw) };
      if (SCIENTIFIC.test(raw)) {
        return fail(`the spreadsheet turned it into a number (${clip(raw)}); ${RETYPE}`);
      }
      let key = raw.replace(/\s+/g, '').toUpperCase();
      if (key.length === 47 && key.startsWith('NFE')) key = key.slice(3);
      if (FIFTEEN_DIGITS_THEN_ZEROS.test(key)) {
        return fail(
          `only its first 15 digits are left, the rest are zeros (the spreadsheet stored it as a number); ${RETYPE}`,
        );
      }
      return { kind: 'key', key };
    }
  }
}

function formatCnpj(cnpj: string): string {
  if (cnpj.length !== 14) return cnpj;
  return `${cnpj.slice(0, 2)}.${cnpj.slice(2, 5)}.${cnpj.slice(5, 8)}/${cnpj.slice(8, 12)}-${cnpj.slice(12)}`;
}

/** What the key itself says against the seller, the calendar and the row's invoice columns. */
function keyProblems(key: string, cells: TemplateCells, seller: SellerIdentity, now: Date): FieldProblem[] {
  if (key.length !== 44) return [problem('accessKey', `must have 44 characters, got ${key.length}`)];
  const invalid = validateAccessKey(key);
  if (invalid) {
    const hint = invalid.message.startsWith('wrong check digit') ? ' (a mistyped or swapped character?)' : '';
    return [problem('accessKey', invalid.message + hint)];
  }
  const parts = parseAccessKey(key);
  const problems: FieldProblem[] = [];
  const sellerCnpj = normalizeCnpj(seller.cnpj);
  if (parts.cnpj !== sellerCnpj) {
    problems.push(
      problem(
        'accessKey',
        `issued by CNPJ ${formatCnpj(parts.cnpj)}, not by this seller (${formatCnpj(sellerCnpj)})`,
      ),
    );
  }
  const year = 2000 + Number(parts.yymm.slice(0, 2));
  const month = Number(parts.yymm.slice(2));
  if (month < 1 || month > 12) {
    problems.push(problem('accessKey', `its AAMM ${parts.yymm} is not a year and month`));
  } else {
    // The month in the key is the issuer's local one; Brazil is behind UTC, so a month after the
    // current UTC month is in the future everywhere in Brazil.
    const nowMonths = now.getUTCFullYear() * 12 + now.getUTCMonth();
    if (year * 12 + (month - 1) > nowMonths) {
      const current = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      problems.push(
        problem(
          'accessKey',
          `its month ${year}-${parts.yymm.slice(2)} (AAMM ${parts.yymm}) is after the current month ${current}`,
        ),
      );
    }
  }
  problems.push(...crossCheck(cells, 'invoiceNumber', Number(parts.number), 'invoice number'));
  problems.push(...crossCheck(cells, 'invoiceSeries', Number(parts.series), 'series'));
  return problems;
}

/** When the row names the invoice, the key must be that invoice's (a key pasted on the wrong row). */
function crossCheck(
  cells: TemplateCells,
  column: 'invoiceNumber' | 'invoiceSeries',
  inKey: number,
  what: string,
): FieldProblem[] {
  const cell = cells[column];
  let onRow: number | undefined;
  if (cell.kind === 'number' && Number.isSafeInteger(cell.value)) onRow = cell.value;
  if (cell.kind === 'text' && /^\d{1,9}$/.test(cell.text.trim())) onRow = Number(cell.text.trim());
  if (onRow === undefined || onRow === inKey) return [];
  return [problem('accessKey', `its ${what} is ${inKey} but this row's ${column} is ${onRow}`)];
}

/**
 * Checks one row of a filled template for `seller` at `now`. An empty `accessKey` means the seller
 * did not fill the row in (`not-filled`). Every problem found is returned, each naming its column.
 */
export function checkFilledRow(cells: TemplateCells, seller: SellerIdentity, now: Date): FilledRowCheck {
  const key = readKey(cells.accessKey);
  const orderId = readId(cells, 'orderId');
  const orderItemId = readId(cells, 'orderItemId');
  const ids = {
    ...('value' in orderId ? { orderId: orderId.value } : {}),
    ...('value' in orderItemId ? { orderItemId: orderItemId.value } : {}),
  };
  if (key.kind === 'empty') return { outcome: 'not-filled', ...ids };

  const problems: FieldProblem[] = [];
  if ('problem' in orderId) problems.push(orderId.problem);
  if ('problem' in orderItemId) problems.push(orderItemId.problem);
  if (key.kind === 'problem') problems.push(key.problem);
  else problems.push(...keyProblems(key.key, cells, seller, now));

  if (problems.length > 0 || key.kind !== 'key' || !('value' in orderId) || !('value' in orderItemId)) {
    return { outcome: 'invalid', ...ids, problems };
  }
  return { outcome: 'filled', orderId: orderId.value, orderItemId: orderItemId.value, accessKey: key.key };
}
