import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  type AccessKeyTemplateRow,
  type TemplateColumn,
  type TemplateWriter,
  templateRowTexts,
  type WriteTemplateResult,
} from '../../core/templates/access-key-template.js';
import { exceljs } from './xlsx-cells.js';

export { XlsxTemplateReader } from './xlsx-template-reader.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SHEET_NAME = 'Missing access keys';

/** Characters; the key column fits its 44 characters. */
const WIDTHS: Record<TemplateColumn, number> = {
  orderNumber: 20,
  orderId: 24,
  orderItemId: 24,
  sku: 24,
  orderDate: 22,
  status: 16,
  invoiceNumber: 15,
  invoiceSeries: 14,
  accessKey: 50,
};

/**
 * Every cell is text ('@', Excel's "Text" format), and so is every column, so that what the seller
 * types into the empty `accessKey` cells stays text: 44 digits typed into a "General" cell become
 * 4.12E+43 at once. One shared object per style: exceljs caches a style's id by object identity,
 * and a fresh object per cell costs a serialisation per cell (a third of the writing time).
 */
const TEXT_STYLE: Partial<ExcelJS.Style> = { numFmt: '@' };
const HEADER_STYLE: Partial<ExcelJS.Style> = { numFmt: '@', font: { bold: true, name: 'Calibri', size: 11 } };

/**
 * A one-run rich text: exceljs writes it as an inline string (`t="inlineStr"`). A plain string is
 * written as `t="str"` (a formula's string result) without shared strings, and shared strings keep
 * every distinct string in memory until the end (five per row here): neither will do at 1M rows.
 */
const inline = (text: string): ExcelJS.CellRichTextValue | null =>
  text === '' ? null : { richText: [{ text }] };

/** Present on exceljs's worksheets (streamed ones too), missing from its type declarations. */
interface WithValidations {
  dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
}

/** Rows added between two looks at the output (and turns of the event loop for compression). */
const BATCH = 16;

function whenWritable(stream: Writable): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

export class XlsxTemplateWriter implements TemplateWriter {
  readonly format = 'xlsx' as const;
  readonly contentType = XLSX_CONTENT_TYPE;
  readonly extension = 'xlsx';

  /**
   * exceljs's streaming writer pushes into its ZIP without back-pressure; left alone it buffers
   * the whole sheet ahead of a slow reader. So rows go in small batches, and the next batch waits
   * while the output is full and gives compression (on libuv's threads) a turn of the event loop.
   */
  async write(rows: AsyncIterable<AccessKeyTemplateRow>, out: Writable): Promise<WriteTemplateResult> {
    const sink = new PassThrough();
    let failure: unknown;
    const delivered = pipeline(sink, out);
    // Settles only on failure: exceljs's commit waits for the sink's 'finish' and never hears of
    // an error that came before it started listening.
    const failed = delivered.then(
      () => new Promise<never>(() => {}),
      (err: unknown) => {
        failure ??= err;
        throw err;
      },
    );
    failed.catch(() => {});
    const { stream } = await exceljs();
    const workbook = new stream.xlsx.WorkbookWriter({
      stream: sink,
      useStyles: true,
      useSharedStrings: false,
    });
    let count = 0;
    try {
      const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = ACCESS_KEY_TEMPLATE_HEADER.map((key) => ({
        key,
        width: WIDTHS[key],
        style: TEXT_STYLE,
      }));
      this.addRow(sheet, [...ACCESS_KEY_TEMPLATE_HEADER], HEADER_STYLE);

      for await (const row of rows) {
        if (failure) throw failure;
        this.addRow(sheet, templateRowTexts(row), TEXT_STYLE);
        count++;
        if (count % BATCH === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          await whenWritable(sink);
        }
      }
      if (count > 0) this.validateKeys(sheet, count);
      sheet.commit();
      await Promise.race([workbook.commit(), failed]);
      await delivered;
      return { rows: count };
    } catch (err) {
      sink.destroy(err as Error);
      out.destroy(err as Error);
      throw failure ?? err;
    }
  }

  /**
   * Excel warns when what is typed in a key cell is not 44 characters long. Only over the rows
   * written (validations are written with the sheet's end): some readers, exceljs among them,
   * expand a range into one rule per cell, and a whole column is a million of them.
   */
  private validateKeys(sheet: ExcelJS.Worksheet, rows: number): void {
    const column = sheet.getColumn('accessKey').letter;
    (sheet as unknown as WithValidations).dataValidations.add(`${column}2:${column}${rows + 1}`, {
      type: 'textLength',
      operator: 'equal',
      formulae: [44],
      allowBlank: true,
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: 'accessKey',
      error: 'An NF-e access key (chave de acesso) has 44 characters.',
    });
  }

  private addRow(sheet: ExcelJS.Worksheet, texts: string[], style: Partial<ExcelJS.Style>): void {
    const row = sheet.addRow(texts.map(inline));
    for (let c = 1; c <= texts.length; c++) row.getCell(c).style = style;
    row.commit();
  }
}
