import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  type AccessKeyTemplateRow,
  type TemplateReadEvent,
  type TemplateReader,
  type TemplateSource,
  type TemplateWriter,
  templateRowTexts,
  type WriteTemplateResult,
} from '../../core/templates/access-key-template.js';
import { describeFileKind, sniffFileKind } from '../../core/templates/file-signature.js';
import { type Delimiter, delimiterName, detectDelimiter, sepHint } from './csv-dialect.js';
import { FileProblemError } from './file-problem.js';
import { type HeaderMap, mapHeader, rowCells } from './header-map.js';
import { DEFAULT_TEMPLATE_READ_LIMITS, type TemplateReadLimits } from './read-limits.js';
import { UploadTextDecoder } from './text-decoding.js';
import { peek, uploadBytes } from './upload-bytes.js';

/**
 * The template as CSV, written for a Brazilian Excel and read back from whatever it saves:
 * - UTF-8 with a BOM, without which Excel reads UTF-8 as Windows-1252 and mangles every accent;
 * - ';' between fields, because Brazilian Excel uses ',' as the decimal separator and splits a
 *   double-clicked CSV at ';' (a ',' file opens as one column there);
 * - CRLF line ends; fields quoted only when they hold ';', '"' or a line break (RFC 4180 style),
 *   so csv-parse, Python's csv and the like read it with delimiter ';'.
 * Plain CSV cannot tell Excel that a column is text: opened by double-click, 44-digit keys and
 * long ids become numbers (4,12E+43). We do not write `="..."` cells to stop it, which would break
 * every other CSV reader; the XLSX is the format that keeps text as text. The importer repairs
 * nothing, but recognises a key that became a number and says how to fix it.
 */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export class CsvTemplateWriter implements TemplateWriter {
  readonly format = 'csv' as const;
  readonly contentType = CSV_CONTENT_TYPE;
  readonly extension = 'csv';

  async write(rows: AsyncIterable<AccessKeyTemplateRow>, out: Writable): Promise<WriteTemplateResult> {
    let count = 0;
    async function* records() {
      for await (const row of rows) {
        count++;
        yield templateRowTexts(row);
      }
    }
    const stringifier = stringify({
      bom: true,
      delimiter: ';',
      record_delimiter: 'windows',
      header: true,
      columns: [...ACCESS_KEY_TEMPLATE_HEADER],
    });
    // pipeline destroys `out` with the error when the rows or `out` fail.
    await pipeline(Readable.from(records()), stringifier, out);
    return { rows: count };
  }
}

export class CsvTemplateReader implements TemplateReader {
  readonly format = 'csv' as const;

  constructor(private readonly limits: TemplateReadLimits = DEFAULT_TEMPLATE_READ_LIMITS) {}

  async *read(source: TemplateSource): AsyncGenerator<TemplateReadEvent> {
    try {
      yield* this.events(source);
    } catch (err) {
      if (!(err instanceof FileProblemError)) throw err;
      yield { type: 'file-error', problems: err.problems };
    }
  }

  private async *events(source: TemplateSource): AsyncGenerator<TemplateReadEvent> {
    const { head, all } = await peek(uploadBytes(source, this.limits.maxFileBytes), 512);
    const kind = sniffFileKind(head);
    if (kind === 'empty') throw new FileProblemError('file', 'the file is empty');
    if (kind !== 'text' && kind !== 'utf16') {
      const hint = kind === 'zip' ? '; send an .xlsx workbook as XLSX' : '';
      await all.return(undefined);
      throw new FileProblemError('file', `not a CSV file: this is ${describeFileKind(kind)}${hint}`);
    }
    const decoder = new UploadTextDecoder();
    const { firstLine, text } = await this.firstLine(decoder.decode(all));
    let delimiter: string = detectDelimiter(firstLine).delimiter;
    let skipFirstLine = false;
    const hinted = sepHint(firstLine);
    if (hinted) {
      delimiter = hinted;
      skipFirstLine = true;
    }

    const parser = parse({
      delimiter,
      bom: false,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: this.limits.maxLineChars,
      from_line: skipFirstLine ? 2 : 1,
    });
    // Errors surface through the iteration below; the pipeline's own rejection is a duplicate.
    pipeline(Readable.from(text), parser).catch(() => {});

    let recordNumber = 0;
    let header: HeaderMap | undefined;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        recordNumber++;
        if (!header) {
          header = mapHeader(record);
          yield {
            type: 'header',
            columns: header.columns,
            ignored: header.ignored,
            description: `CSV, ${decoder.encoding}, ${delimiterName(delimiter as Delimiter)} delimiter`,
          };
          continue;
        }
        if (recordNumber - 1 > this.limits.maxRows) {
          throw new FileProblemError('file', `more than ${this.limits.maxRows} rows; split the file`);
        }
        if (record.every((field) => field.trim() === '')) continue;
        const fields = record;
        yield {
          type: 'row',
          rowNumber: recordNumber,
          cells: rowCells(header, (i) => ({ kind: 'text', text: fields[i] ?? '' })),
        };
      }
    } catch (err) {
      // The parser knows how many records it completed; rows it parsed may not have reached us yet.
      const row =
        err instanceof CsvError && typeof err.records === 'number' ? err.records + 1 : recordNumber + 1;
      throw err instanceof CsvError ? this.parseProblem(err, row) : err;
    } finally {
      parser.destroy();
    }
    if (!header) throw new FileProblemError('header', 'the file has no header row');
  }

  /** Reads up to the first line break, within the line limit; `text` replays everything. */
  private async firstLine(
    decoded: AsyncGenerator<string>,
  ): Promise<{ firstLine: string; text: AsyncGenerator<string> }> {
    let buffered = '';
    let done = false;
    while (!/[\r\n]/.test(buffered)) {
      const next = await decoded.next();
      if (next.done) {
        done = true;
        break;
      }
      buffered += next.value;
      if (buffered.length > this.limits.maxLineChars && !/[\r\n]/.test(buffered)) {
        await decoded.return(undefined);
        throw new FileProblemError(
          'header',
          `the first line is longer than ${this.limits.maxLineChars} characters`,
        );
      }
    }
    const firstLine = buffered.split(/\r\n|\r|\n/, 1)[0]!;
    async function* text(): AsyncGenerator<string> {
      try {
        if (buffered) yield buffered;
        if (!done) yield* decoded;
      } finally {
        await decoded.return(undefined);
      }
    }
    return { firstLine, text: text() };
  }

  private parseProblem(err: CsvError, row: number): FileProblemError {
    switch (err.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new FileProblemError('file', `a quoted field opened on row ${row} is never closed`);
      case 'CSV_MAX_RECORD_SIZE':
        return new FileProblemError(
          'file',
          `row ${row} is longer than ${this.limits.maxLineChars} characters`,
        );
      default:
        return new FileProblemError('file', `the CSV cannot be read at row ${row}: ${err.message}`);
    }
  }
}
