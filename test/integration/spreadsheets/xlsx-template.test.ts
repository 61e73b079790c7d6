import fs from 'node:fs';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  type AccessKeyTemplateRow,
  checkFilledRow,
  rowResult,
} from '../../../src/core/templates/access-key-template.js';
import { templateReadLimits } from '../../../src/infra/spreadsheets/read-limits.js';
import { XlsxTemplateReader, XlsxTemplateWriter } from '../../../src/infra/spreadsheets/xlsx-template.js';
import { minimalWorkbook, sheetXml, writeZip } from '../../support/hostile-zip.js';
import { unzip } from '../../support/unzip.js';
import { key, NOW, OTHER_CNPJ, SELLER_CNPJ } from '../../unit/templates/keys.js';
import { fileErrorOf, inPieces, liveGrowth, orderItems, readAll, rowsOf, tempDir } from './support.js';

const tmp = tempDir('xlsx-template');
afterAll(tmp.cleanup);

const HEADER = [...ACCESS_KEY_TEMPLATE_HEADER];
const seller = { cnpj: SELLER_CNPJ };
const reader = new XlsxTemplateReader();
const MIB = 1024 * 1024;

async function writeTemplate(name: string, count: number): Promise<string> {
  const file = tmp.file(name);
  expect(await new XlsxTemplateWriter().write(orderItems(count), fs.createWriteStream(file))).toEqual({
    rows: count,
  });
  return file;
}

/** `<c …>…</c>` elements of a sheet's XML, by cell reference. */
function cellsOf(xml: string): Map<string, string> {
  const cells = new Map<string, string>();
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"[^>]*?(?:\/>|>.*?<\/c>)/g)) cells.set(m[1]!, m[0]);
  return cells;
}

describe('the XLSX template as written', () => {
  it('reads back with exceljs: header, widths, text format on every cell and column', async () => {
    const file = await writeTemplate('plain.xlsx', 4);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Missing access keys');
    expect(HEADER.map((_, i) => sheet.getRow(1).getCell(i + 1).text)).toEqual(HEADER);
    expect(sheet.getRow(2).getCell(2).text).toBe('7010000000000000');
    expect(sheet.getRow(2).getCell(3).text).toBe('20000000000');
    expect(sheet.getRow(2).getCell(4).text).toBe('Calçado Açaí;"0"');
    expect(sheet.getRow(3).getCell(7).text).toBe('27001');
    expect(sheet.rowCount).toBe(5);
    for (let c = 1; c <= HEADER.length; c++) {
      expect(sheet.getColumn(c).width).toBeGreaterThanOrEqual(14);
      expect(sheet.getColumn(c).numFmt).toBe('@');
      for (let r = 1; r <= 5; r++) expect(sheet.getRow(r).getCell(c).numFmt).toBe('@');
    }
    expect(sheet.getColumn(9).width).toBeGreaterThanOrEqual(44);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('stores ids and keys as strings in the XML (t="inlineStr"), never as numbers, and the key cells empty and text', async () => {
    const file = await writeTemplate('xml.xlsx', 4);
    const parts = await unzip(fs.readFileSync(file));
    const xml = parts.get('xl/worksheets/sheet1.xml')!.toString('utf8');
    const cells = cellsOf(xml);
    expect(cells.size).toBe(5 * 9);
    for (const [ref, cell] of cells) {
      expect(cell, ref).not.toMatch(/<v>/);
      if (/^I\d+$/.test(ref) && ref !== 'I1') expect(cell).toBe(`<c r="${ref}" s="1"/>`);
      else if (!cell.endsWith('/>')) expect(cell, ref).toMatch(/ t="inlineStr"/);
    }
    expect(cells.get('C2')).toBe('<c r="C2" s="1" t="inlineStr"><is><r><t>20000000000</t></r></is></c>');
    const styles = parts.get('xl/styles.xml')!.toString('utf8');
    expect(styles).toMatch(/<cellXfs count="3"><xf [^>]*\/><xf numFmtId="49"[^>]*\/><xf numFmtId="49"/);
    // Excel warns when what is typed in the key column is not 44 characters long.
    expect(xml).toContain('<dataValidation type="textLength" operator="equal"');
    expect(xml).toContain('sqref="I2:I5"><formula1>44</formula1>');
  });

  it('writes 1,000,000 rows with flat memory', async () => {
    const file = tmp.file('million.xlsx');
    const { result, growthMb } = await liveGrowth(() =>
      new XlsxTemplateWriter().write(orderItems(1_000_000), fs.createWriteStream(file)),
    );
    expect(result.rows).toBe(1_000_000);
    expect(growthMb).toBeLessThan(32);
    // The last row is there: the end of the sheet's XML, inflated as a stream.
    const tail = await new Promise<string>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return reject(err);
        zip.on('entry', (entry: yauzl.Entry) => {
          if (entry.fileName !== 'xl/worksheets/sheet1.xml') return zip.readEntry();
          zip.openReadStream(entry, (e, stream) => {
            if (e || !stream) return reject(e);
            let last = '';
            stream.on('data', (chunk: Buffer) => {
              last = (last + chunk.toString('latin1')).slice(-4000);
            });
            stream.on('end', () => {
              zip.close();
              resolve(last);
            });
          });
        });
        zip.readEntry();
      }),
    );
    expect(tail).toContain('<row r="1000001"');
    expect(tail).toContain('<t>20000999999</t>');
    fs.rmSync(file);
  }, 180_000);

  it('stops taking rows while its reader does not read (back-pressure), then finishes', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<AccessKeyTemplateRow> {
      for await (const row of orderItems(200_000)) {
        pulled++;
        yield row;
      }
    }
    const held: (() => void)[] = [];
    let release = false;
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _encoding, callback) {
        if (release) callback();
        else held.push(callback);
      },
    });
    const writing = new XlsxTemplateWriter().write(counted(), out);
    // Wait until the writer stalls: the count of rows pulled stops moving.
    let previous = -1;
    for (let still = 0; still < 10; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      still = pulled === previous ? still + 1 : 0;
      previous = pulled;
    }
    // 200,000 rows are 128 MB of sheet XML; what got in stays within a few buffers' worth.
    expect(pulled).toBeLessThan(20_000);
    release = true;
    for (const callback of held.splice(0)) callback();
    expect(await writing).toEqual({ rows: 200_000 });
  }, 120_000);

  it('rejects, rather than hangs, when the output fails while the workbook is being finished', async () => {
    // A few rows fit in exceljs's buffers: every byte reaches the output during the final commit.
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    await expect(new XlsxTemplateWriter().write(orderItems(5), out)).rejects.toThrow('disk full');
    expect(out.destroyed).toBe(true);
  });

  it('destroys the output and rejects when the rows fail part way', async () => {
    async function* failing() {
      yield* orderItems(50);
      throw new Error('database gone');
    }
    const out = fs.createWriteStream(tmp.file('broken.xlsx'));
    await expect(new XlsxTemplateWriter().write(failing(), out)).rejects.toThrow('database gone');
    expect(out.destroyed).toBe(true);
  });
});

describe('reading a filled XLSX template', () => {
  /** The template opened, filled and saved by a spreadsheet (exceljs's full writer: shared strings, after the sheets). */
  async function fillIn(
    template: string,
    name: string,
    fill: (sheet: ExcelJS.Worksheet) => void,
  ): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(template);
    fill(workbook.worksheets[0]!);
    const file = tmp.file(name);
    await workbook.xlsx.writeFile(file);
    return file;
  }

  it('round trip: written, filled in (text, number, formula cells), read, checked row by row', async () => {
    const template = await writeTemplate('round-trip.xlsx', 6);
    const filled = await fillIn(template, 'filled.xlsx', (sheet) => {
      sheet.getCell('I3').value = key({ number: '27001', series: '3' });
      sheet.getCell('I4').value = 4.2211275277525e43;
      sheet.getCell('I5').value = { formula: 'B5&C5', date1904: false };
      sheet.getCell('I6').value = key({ cnpj: OTHER_CNPJ });
      sheet.getCell('I7').value = key({ yymm: '2701' });
      sheet.getCell('J1').value = 'notes';
    });
    expect([...(await unzip(fs.readFileSync(filled))).keys()]).toContain('xl/sharedStrings.xml');

    const events = await readAll(reader, filled);
    expect(events[0]).toEqual({
      type: 'header',
      columns: HEADER,
      ignored: ['notes'],
      description: 'XLSX, sheet "Missing access keys"',
    });
    const rows = rowsOf(events);
    expect(rows[3]?.cells.accessKey).toEqual({ kind: 'formula', formula: 'B5&C5' });
    const results = rows.map((r) => rowResult(r.rowNumber, checkFilledRow(r.cells, seller, NOW)));
    expect(results.map((r) => [r.rowNumber, r.outcome])).toEqual([
      [2, 'unchanged'],
      [3, 'accepted'],
      [4, 'rejected'],
      [5, 'rejected'],
      [6, 'rejected'],
      [7, 'rejected'],
    ]);
    expect(results[1]).toMatchObject({
      orderItemId: '20000000001',
      accessKey: key({ number: '27001', series: '3' }),
    });
    expect(results[2]?.problems[0]?.message).toBe(
      'access key: the spreadsheet turned it into a number (4.2211275277525E+43); format the column as text and type the 44 digits again',
    );
    expect(results[3]?.problems[0]?.message).toContain('the cell holds a formula (=B5&C5)');
    expect(results[4]?.problems[0]?.message).toContain('not by this seller');
    expect(results[5]?.problems[0]?.message).toContain('is after the current month 2026-11');
  });

  it('reads the first tab, takes columns in any order, names missing ones', async () => {
    const workbook = new ExcelJS.Workbook();
    const first = workbook.addWorksheet('Planilha1');
    first.addRow(['accessKey', 'orderItemId', 'orderId']);
    first.addRow([key(), 'ITEM-9', 'ORD-9']);
    workbook.addWorksheet('Outra').addRow(HEADER);
    const file = tmp.file('tabs.xlsx');
    await workbook.xlsx.writeFile(file);
    const rows = rowsOf(await readAll(reader, file));
    expect(rows.map((r) => checkFilledRow(r.cells, seller, NOW))).toEqual([
      { outcome: 'filled', orderId: 'ORD-9', orderItemId: 'ITEM-9', accessKey: key() },
    ]);

    const missing = new ExcelJS.Workbook();
    missing.addWorksheet('x').addRow(['orderNumber', 'orderId', 'sku']);
    const missingFile = tmp.file('missing.xlsx');
    await missing.xlsx.writeFile(missingFile);
    expect(fileErrorOf(await readAll(reader, missingFile))[0]).toMatchObject({
      field: 'header',
      message: expect.stringMatching(/^missing columns orderItemId, accessKey/),
    });
  });

  it('reads an upload stream (spooled to a private file, removed afterwards)', async () => {
    const template = await writeTemplate('stream.xlsx', 3);
    const spoolDir = tmp.file('spool');
    fs.mkdirSync(spoolDir);
    const streamed = new XlsxTemplateReader(templateReadLimits({ tempDir: spoolDir }));
    const events = await readAll(streamed, inPieces(fs.readFileSync(template), 4096));
    expect(rowsOf(events)).toHaveLength(3);
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  });
});

describe('XLSX uploads that are not workbooks, or are traps', () => {
  async function problemOf(file: string, limits = templateReadLimits()) {
    const problems = fileErrorOf(await readAll(new XlsxTemplateReader(limits), file));
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }

  it.each([
    [
      'a CSV',
      Buffer.from(`\uFEFF${HEADER.join(';')}\r\n`),
      'not an XLSX workbook: this is a text file; if it is the CSV template, send it as CSV',
    ],
    [
      'an .xls',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      /^not an XLSX workbook: this is an Excel 97-2003 workbook/,
    ],
    ['a PDF', Buffer.from('%PDF-1.4\n'), 'not an XLSX workbook: this is a PDF document'],
    ['nothing', Buffer.alloc(0), 'not an XLSX workbook: this is an empty file'],
  ])('refuses %s sent as XLSX', async (label, bytes, message) => {
    const file = tmp.file(`not-xlsx-${label}.xlsx`);
    fs.writeFileSync(file, bytes);
    const problem = await problemOf(file);
    expect(problem.field).toBe('file');
    expect(problem.message).toMatch(message);
  });

  it('refuses a ZIP that is not a workbook, naming the missing parts', async () => {
    const file = tmp.file('not-a-workbook.xlsx');
    await writeZip(file, [{ name: 'photo.txt', data: 'hello' }]);
    expect((await problemOf(file)).message).toBe(
      'a ZIP archive but not an Excel workbook: no [Content_Types].xml, xl/workbook.xml, xl/_rels/workbook.xml.rels, xl/worksheets/sheet1.xml',
    );
  });

  it('refuses a ZIP bomb (1 GiB of zeros as the sheet) without inflating it', async () => {
    const file = tmp.file('bomb.xlsx');
    await writeZip(file, [
      ...minimalWorkbook(sheetXml([HEADER])).filter((p) => p.name !== 'xl/worksheets/sheet1.xml'),
      { name: 'xl/worksheets/sheet1.xml', zeros: 1024 * MIB },
    ]);
    const { result, growthMb } = await liveGrowth(() => problemOf(file));
    expect(result.message).toMatch(
      /^refused: xl\/worksheets\/sheet1\.xml would unpack \d+ times its packed size/,
    );
    expect(growthMb).toBeLessThan(50);
  }, 60_000);

  it('cuts off a sheet that lies about its size and voids the file, after the rows it had', async () => {
    const rows = [
      HEADER,
      ...Array.from({ length: 2000 }, (_, i) => ['', `ORD-${i}`, `ITEM-${i}`, '', '', '', '', '', '']),
    ];
    const parts = minimalWorkbook(sheetXml(rows));
    const sheet = parts.find((p) => p.name === 'xl/worksheets/sheet1.xml')!;
    sheet.declaredSize = Buffer.byteLength(sheet.data as string) / 2;
    const file = tmp.file('liar.xlsx');
    await writeZip(file, parts);
    const events = await readAll(reader, file);
    expect(rowsOf(events).length).toBeLessThan(2000);
    expect(fileErrorOf(events)[0]?.message).toMatch(/^damaged workbook: .*(declared|too many bytes)/);
  });

  it('gives damaged sheet data a per-file error (no hang, no crash)', async () => {
    const rows = [
      HEADER,
      ...Array.from({ length: 3000 }, (_, i) => ['', `ORD-${i}`, `ITEM-${i * 7919}`, '', '', '', '', '', '']),
    ];
    const parts = minimalWorkbook(sheetXml(rows)).map((p) =>
      p.name === 'xl/worksheets/sheet1.xml' ? { ...p, damage: true } : p,
    );
    const file = tmp.file('damaged.xlsx');
    await writeZip(file, parts);
    // Inflating fails, or the garbage it produced first fails the XML parser: either voids the file.
    expect(fileErrorOf(await readAll(reader, file))[0]?.message).toMatch(
      /^(damaged workbook: |the workbook cannot be read \()/,
    );
  });

  it('gives malformed sheet XML a per-file error', async () => {
    const file = tmp.file('bad-xml.xlsx');
    const broken = sheetXml([HEADER]).replace('</sheetData>', '<row r="2"><c r="B2" <<>></row></sheetData>');
    await writeZip(file, minimalWorkbook(broken));
    expect(fileErrorOf(await readAll(reader, file))[0]?.message).toMatch(/^the workbook cannot be read \(/);
  });

  it('applies the row limit and the file size limit', async () => {
    const template = await writeTemplate('limits.xlsx', 10);
    const few = await readAll(new XlsxTemplateReader(templateReadLimits({ maxRows: 4 })), template);
    expect(rowsOf(few)).toHaveLength(4);
    expect(fileErrorOf(few)[0]?.message).toBe('more than 4 rows; split the file');
    expect((await problemOf(template, templateReadLimits({ maxFileBytes: 1000 }))).message).toBe(
      'the file is larger than 1 KB',
    );
  });
});
