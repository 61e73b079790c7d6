import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  type TemplateReadEvent,
  type TemplateReader,
  type TemplateSource,
} from '../../core/templates/access-key-template.js';
import { describeFileKind, sniffFileKind } from '../../core/templates/file-signature.js';
import { CheckedZip, ZipRejectedError } from '../zip/checked-zip.js';
import { StoredEntriesStream, type StreamedPart } from '../zip/stored-entries-stream.js';
import { FileProblemError, isSourceFailure, megabytes } from './file-problem.js';
import { type HeaderMap, isBlank, mapHeader, rowCells } from './header-map.js';
import { DEFAULT_TEMPLATE_READ_LIMITS, type TemplateReadLimits } from './read-limits.js';
import { fileHead, type Spooled, spool, uploadBytes } from './upload-bytes.js';
import { exceljs, headerText, xlsxCell } from './xlsx-cells.js';

const WORKSHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;
const REQUIRED_PARTS = ['[Content_Types].xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels'];
const SHARED_STRINGS = 'xl/sharedStrings.xml';
/** For workbooks without one (inline strings only): with it exceljs streams sheets instead of spooling them. */
const EMPTY_SHARED_STRINGS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);

/** The slice of exceljs's streaming reader that its type declarations leave out. */
interface StreamedWorksheet extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}
interface StreamedWorkbook extends AsyncIterable<StreamedWorksheet> {
  model?: { sheets?: { name?: string }[] };
}

function notAWorkbook(kind: ReturnType<typeof sniffFileKind>): string {
  switch (kind) {
    case 'ole2':
      return (
        'not an XLSX workbook: this is an Excel 97-2003 workbook (.xls) or a password-protected one; ' +
        'save it as "Pasta de Trabalho do Excel (*.xlsx)" without a password'
      );
    case 'text':
    case 'utf16':
      return 'not an XLSX workbook: this is a text file; if it is the CSV template, send it as CSV';
    default:
      return `not an XLSX workbook: this is ${describeFileKind(kind)}`;
  }
}

/**
 * The parts exceljs needs, in an order it can stream: relationships, workbook, shared strings,
 * then the sheets. Excel itself writes the shared strings after the sheets, which makes exceljs
 * copy every sheet to a temporary file first (and leave it behind when reading fails).
 */
function workbookParts(zip: CheckedZip): StreamedPart[] {
  const sheets = zip.names
    .filter((name) => WORKSHEET.test(name))
    .sort((a, b) => Number(WORKSHEET.exec(a)![1]) - Number(WORKSHEET.exec(b)![1]));
  const missing = REQUIRED_PARTS.filter((name) => !zip.entry(name));
  if (sheets.length === 0) missing.push('xl/worksheets/sheet1.xml');
  if (missing.length > 0) {
    throw new FileProblemError('file', `a ZIP archive but not an Excel workbook: no ${missing.join(', ')}`);
  }
  return [
    { name: 'xl/_rels/workbook.xml.rels' },
    { name: 'xl/workbook.xml' },
    zip.entry(SHARED_STRINGS)
      ? { name: SHARED_STRINGS }
      : { name: SHARED_STRINGS, bytes: EMPTY_SHARED_STRINGS },
    ...sheets.map((name) => ({ name })),
  ];
}

/**
 * Reads an uploaded XLSX: its first bytes must be a ZIP's, its central directory must pass the
 * ZIP limits (CheckedZip), and only then are its workbook parts inflated, within their declared
 * sizes, and parsed by exceljs's streaming reader. The first worksheet (in tab order) is read.
 */
export class XlsxTemplateReader implements TemplateReader {
  readonly format = 'xlsx' as const;

  constructor(private readonly limits: TemplateReadLimits = DEFAULT_TEMPLATE_READ_LIMITS) {}

  async *read(source: TemplateSource): AsyncGenerator<TemplateReadEvent> {
    let spooled: Spooled | undefined;
    let zip: CheckedZip | undefined;
    let input: Readable | undefined;
    let entries: StoredEntriesStream | undefined;
    try {
      let file: string;
      if (typeof source === 'string') {
        file = source;
        if ((await stat(file)).size > this.limits.maxFileBytes) {
          throw new FileProblemError(
            'file',
            `the file is larger than ${megabytes(this.limits.maxFileBytes)}`,
          );
        }
      } else {
        spooled = await spool(uploadBytes(source, this.limits.maxFileBytes), this.limits.tempDir);
        file = spooled.path;
      }
      const kind = sniffFileKind(await fileHead(file, 512));
      if (kind !== 'zip') throw new FileProblemError('file', notAWorkbook(kind));
      zip = await CheckedZip.open(file, this.limits.zip);
      entries = new StoredEntriesStream(zip, workbookParts(zip));
      input = Readable.from(entries.bytes());
      const { stream } = await exceljs();
      const workbook = new stream.xlsx.WorkbookReader(input, {
        worksheets: 'emit',
        sharedStrings: 'cache',
        styles: 'ignore',
        hyperlinks: 'ignore',
        entries: 'ignore',
      }) as unknown as StreamedWorkbook;
      yield* this.firstSheet(workbook);
      if (entries.failure) throw entries.failure;
    } catch (err) {
      if (isSourceFailure(err)) throw err;
      // A part that broke while streaming also breaks exceljs's parse: the cause is the part.
      const cause = entries?.failure;
      yield {
        type: 'file-error',
        problems: cause
          ? new FileProblemError('file', `damaged workbook: ${cause.message}`).problems
          : problemsOf(err),
      };
    } finally {
      input?.destroy();
      zip?.close();
      await spooled?.remove();
    }
  }

  private async *firstSheet(workbook: StreamedWorkbook): AsyncGenerator<TemplateReadEvent> {
    for await (const sheet of workbook) {
      // workbook.xml is streamed before the sheets, so the tab order is known by now.
      const firstTab = workbook.model?.sheets?.[0]?.name;
      if (firstTab !== undefined && sheet.name !== undefined && sheet.name !== firstTab) continue;
      yield* this.sheetRows(sheet);
      return;
    }
    throw new FileProblemError('file', 'the workbook has no worksheet');
  }

  private async *sheetRows(sheet: StreamedWorksheet): AsyncGenerator<TemplateReadEvent> {
    let header: HeaderMap | undefined;
    let dataRows = 0;
    for await (const row of sheet) {
      const values = row.values as unknown[];
      if (!header) {
        const names: string[] = [];
        for (let i = 1; i < values.length; i++) names.push(headerText(values[i]));
        if (names.every((name) => name.trim() === '')) continue;
        header = mapHeader(names);
        yield {
          type: 'header',
          columns: header.columns,
          ignored: header.ignored,
          description: `XLSX, sheet "${sheet.name ?? '?'}"`,
        };
        continue;
      }
      if (++dataRows > this.limits.maxRows) {
        throw new FileProblemError('file', `more than ${this.limits.maxRows} rows; split the file`);
      }
      const cells = rowCells(header, (i) => {
        const cell = xlsxCell(values[i + 1]);
        if ('unresolvedSharedString' in cell) {
          throw new FileProblemError(
            'file',
            `row ${row.number}: the text of a cell could not be resolved (shared string ${cell.unresolvedSharedString}); ` +
              'open the file in Excel and save it again',
          );
        }
        return cell;
      });
      if (ACCESS_KEY_TEMPLATE_HEADER.every((column) => isBlank(cells[column]))) continue;
      yield { type: 'row', rowNumber: row.number, cells };
    }
    if (!header) throw new FileProblemError('header', 'the first worksheet is empty: no header row');
  }
}

function problemsOf(err: unknown): FileProblemError['problems'] {
  if (err instanceof FileProblemError) return err.problems;
  if (err instanceof ZipRejectedError)
    return new FileProblemError('file', `refused: ${err.message}`).problems;
  const message = err instanceof Error ? err.message : String(err);
  return new FileProblemError(
    'file',
    `the workbook cannot be read (${message}); open it in Excel and save it again as .xlsx`,
  ).problems;
}
