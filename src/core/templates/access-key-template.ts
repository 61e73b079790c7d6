/**
 * SellerCenter's "missing invoice access key" template: the order items of a seller that need an
 * NF-e access key and have none, one per row, with an empty `accessKey` column for the seller to
 * fill in and upload again. This module is the contract between the core and the file formats:
 * the header, the rows, the cells a reader hands back and the two ports (writer, reader). The
 * formats themselves live in infra (CSV and XLSX); the rule for one filled row is `checkFilledRow`.
 */
import type { Writable } from 'node:stream';
import type { FieldProblem } from '../errors.js';

/** The header row, cell by cell, in this order (SellerCenter's published template). */
export const ACCESS_KEY_TEMPLATE_HEADER = [
  'orderNumber',
  'orderId',
  'orderItemId',
  'sku',
  'orderDate',
  'status',
  'invoiceNumber',
  'invoiceSeries',
  'accessKey',
] as const;

export type TemplateColumn = (typeof ACCESS_KEY_TEMPLATE_HEADER)[number];

/**
 * Columns the upload cannot do without. The others are there for the seller to recognise the
 * order; the importer reads `invoiceNumber` and `invoiceSeries` only to cross-check the key.
 */
export const REQUIRED_UPLOAD_COLUMNS: readonly TemplateColumn[] = ['orderId', 'orderItemId', 'accessKey'];

/** One order item without an access key, as the template lists it. */
export interface AccessKeyTemplateRow {
  orderNumber: string | null;
  orderId: string;
  orderItemId: string;
  sku: string | null;
  orderDate: Date;
  status: string;
  invoiceNumber: string | null;
  invoiceSeries: string | null;
}

/**
 * The text of each cell of a row, in header order, the same in every format. Dates are ISO 8601
 * in UTC to the second (`2026-11-22T14:03:00Z`): unambiguous, sortable as text, and not something
 * a spreadsheet re-reads as a local date. `accessKey` is always empty.
 */
export function templateRowTexts(row: AccessKeyTemplateRow): string[] {
  return [
    row.orderNumber ?? '',
    row.orderId,
    row.orderItemId,
    row.sku ?? '',
    row.orderDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    row.status,
    row.invoiceNumber ?? '',
    row.invoiceSeries ?? '',
    '',
  ];
}

/**
 * A cell of an uploaded file as the reader found it. CSV cells are always text; a workbook's cells
 * keep their kind, because a number where the key should be is the seller's most common mistake.
 */
export type TemplateCell =
  | { kind: 'text'; text: string }
  /** A numeric cell: a 44-digit key typed into it is already lost beyond its 15th digit. */
  | { kind: 'number'; value: number }
  | { kind: 'formula'; formula: string }
  /** A spreadsheet error value such as `#VALUE!` or `#N/A`. */
  | { kind: 'error'; code: string };

export type TemplateCells = Readonly<Record<TemplateColumn, TemplateCell>>;

export const EMPTY_CELL: TemplateCell = Object.freeze({ kind: 'text', text: '' });

/**
 * What a reader yields, in order: one `header`, then `row`s; or a `file-error` (possibly after some
 * rows: a limit reached, a damaged part) after which nothing follows and the whole file is void.
 */
export type TemplateReadEvent =
  | {
      type: 'header';
      /** Columns found, in the file's order (the template's own names). */
      columns: TemplateColumn[];
      /** Header cells that are not template columns: ignored, reported so the seller knows. */
      ignored: string[];
      /** What the reader settled on, e.g. "CSV, UTF-8 with BOM, ';'" or "XLSX, sheet 'x'". */
      description: string;
    }
  | {
      type: 'row';
      /** As the seller's spreadsheet numbers it: the header is row 1. */
      rowNumber: number;
      cells: TemplateCells;
    }
  | { type: 'file-error'; problems: FieldProblem[] };

export type TemplateFormat = 'csv' | 'xlsx';

export const DEFAULT_TEMPLATE_FORMAT: TemplateFormat = 'xlsx';

export interface WriteTemplateResult {
  rows: number;
}

/** Writes the template in one format. Memory stays flat whatever the number of rows. */
export interface TemplateWriter {
  readonly format: TemplateFormat;
  /** `Content-Type` of the file. */
  readonly contentType: string;
  /** Without the dot: `csv`, `xlsx`. */
  readonly extension: string;
  /**
   * Writes the header and one line per row to `out`, waiting on `out` when it is slow, and ends
   * it. When `rows` or `out` fails, `out` is destroyed (a client sees a broken download, never a
   * shorter file that looks complete) and the promise rejects.
   */
  write(rows: AsyncIterable<AccessKeyTemplateRow>, out: Writable): Promise<WriteTemplateResult>;
}

/** An uploaded file: a path on local disk, or its bytes as a stream. */
export type TemplateSource = string | AsyncIterable<Uint8Array>;

/**
 * Reads a filled template. Bad files are normal traffic: whatever the bytes, the reader yields
 * events (a `file-error` for what makes the file unusable) and does not throw, except when the
 * source itself cannot be read (a missing path, a failing disk).
 */
export interface TemplateReader {
  readonly format: TemplateFormat;
  read(source: TemplateSource): AsyncIterable<TemplateReadEvent>;
}

/** A per-file problem: `field` is `file` for the file as a whole, `header` for its first row. */
export function fileProblem(field: 'file' | 'header', message: string): FieldProblem {
  return { field, message };
}

export { checkFilledRow, type FilledRowCheck, type SellerIdentity } from './check-filled-row.js';
export { type ImportRowResult, keyUsedByAnotherOrder, rejectRow, rowResult } from './import-row-result.js';
