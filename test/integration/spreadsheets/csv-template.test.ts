import fs from 'node:fs';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  checkFilledRow,
  rowResult,
} from '../../../src/core/templates/access-key-template.js';
import { CsvTemplateReader, CsvTemplateWriter } from '../../../src/infra/spreadsheets/csv-template.js';
import { templateReadLimits } from '../../../src/infra/spreadsheets/read-limits.js';
import { key, NOW, OTHER_CNPJ, SELLER_CNPJ } from '../../unit/templates/keys.js';
import { fileErrorOf, inPieces, liveGrowth, orderItems, readAll, rowsOf, tempDir } from './support.js';

const tmp = tempDir('csv-template');
afterAll(tmp.cleanup);

const HEADER = [...ACCESS_KEY_TEMPLATE_HEADER];
const seller = { cnpj: SELLER_CNPJ };
const reader = new CsvTemplateReader();

async function writeTemplate(name: string, count: number): Promise<string> {
  const file = tmp.file(name);
  const result = await new CsvTemplateWriter().write(orderItems(count), fs.createWriteStream(file));
  expect(result).toEqual({ rows: count });
  return file;
}

/** Rows of a CSV file as any CSV library reads them. */
function parseCsv(text: string, delimiter = ';'): string[][] {
  return parse(text, { delimiter, bom: true, relax_column_count: true }) as string[][];
}

function writeText(name: string, text: string, encoding: BufferEncoding = 'utf8'): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, Buffer.from(text, encoding));
  return file;
}

/** A CSV as a seller's spreadsheet might save it (header, then rows by column name). */
function csvOf(rows: Record<string, string>[], delimiter = ';', columns: string[] = HEADER): string {
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? '')),
    { header: true, columns, delimiter, record_delimiter: 'windows' },
  );
}

const base = { orderNumber: 'ON-1', orderId: 'ORD-1', orderItemId: 'ITEM-1', sku: 'SKU', status: 'shipped' };

describe('the CSV template as written', () => {
  it('is UTF-8 with a BOM, ;-separated, CRLF, and reads back with csv-parse', async () => {
    const file = await writeTemplate('plain.csv', 6);
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(HEADER.join(';'));
    expect(text.split('\r\n')).toHaveLength(8); // header, 6 rows, and the empty string after the last CRLF
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');

    const records = parseCsv(text);
    expect(records[0]).toEqual(HEADER);
    expect(records).toHaveLength(7);
    expect(records[1]).toEqual([
      'ON-0',
      '7010000000000000',
      '20000000000',
      'Calçado Açaí;"0"',
      '2026-11-01T12:30:00Z',
      'shipped',
      '',
      '',
      '',
    ]);
    expect(records[2]?.slice(6)).toEqual(['27001', '3', '']);
    // A field holding the delimiter and quotes is quoted, quotes doubled.
    expect(text).toContain(';"Calçado Açaí;""0""";');
  });

  it('writes 1,000,000 rows with flat memory, and reads them back as rows, streaming', async () => {
    const file = tmp.file('million.csv');
    const written = await liveGrowth(() =>
      new CsvTemplateWriter().write(orderItems(1_000_000), fs.createWriteStream(file)),
    );
    expect(written.result.rows).toBe(1_000_000);
    expect(written.growthMb).toBeLessThan(32);

    const read = await liveGrowth(async () => {
      let rows = 0;
      let last = 0;
      for await (const event of reader.read(file)) {
        if (event.type === 'file-error') throw new Error(JSON.stringify(event));
        if (event.type === 'row') {
          rows++;
          last = event.rowNumber;
        }
      }
      return { rows, last };
    });
    expect(read.result).toEqual({ rows: 1_000_000, last: 1_000_001 });
    expect(read.growthMb).toBeLessThan(32);
    fs.rmSync(file);
  }, 120_000);

  it('destroys the output and rejects when the rows fail part way', async () => {
    async function* failing() {
      yield* orderItems(3);
      throw new Error('database gone');
    }
    const out = fs.createWriteStream(tmp.file('broken.csv'));
    await expect(new CsvTemplateWriter().write(failing(), out)).rejects.toThrow('database gone');
    expect(out.destroyed).toBe(true);
  });
});

describe('reading a filled CSV template', () => {
  it('round trip: written, filled in by the seller, read, checked row by row', async () => {
    const file = await writeTemplate('round-trip.csv', 5);
    const records = parseCsv(fs.readFileSync(file, 'utf8'));
    const keyAt = HEADER.indexOf('accessKey');
    const numberAt = HEADER.indexOf('invoiceNumber');
    records[2]![keyAt] = key({ number: records[2]![numberAt]!, series: '3' });
    records[3]![keyAt] = key({ cnpj: OTHER_CNPJ });
    records[4]![keyAt] = '4,22113E+43';
    const filled = tmp.file('filled.csv');
    fs.writeFileSync(filled, `\uFEFF${stringify(records, { delimiter: ';', record_delimiter: 'windows' })}`);

    const events = await readAll(reader, filled);
    expect(events[0]).toEqual({
      type: 'header',
      columns: HEADER,
      ignored: [],
      description: "CSV, UTF-8 with BOM, ';' delimiter",
    });
    const results = rowsOf(events).map((r) => rowResult(r.rowNumber, checkFilledRow(r.cells, seller, NOW)));
    expect(results.map((r) => [r.rowNumber, r.outcome])).toEqual([
      [2, 'unchanged'],
      [3, 'accepted'],
      [4, 'rejected'],
      [5, 'rejected'],
      [6, 'unchanged'],
    ]);
    expect(results[1]).toMatchObject({ orderId: '7010000000000001', orderItemId: '20000000001' });
    expect(results[2]?.problems[0]?.message).toContain('issued by CNPJ 99.888.777/0001');
    expect(results[3]?.problems[0]?.message).toBe(
      'access key: the spreadsheet turned it into a number (4,22113E+43); format the column as text and type the 44 digits again',
    );
  });

  it('reads what Brazilian Excel saves as plain CSV: Windows-1252, ;-separated, no BOM', async () => {
    const text = csvOf([{ ...base, sku: 'Calçado Açaí “Promoção”', accessKey: key() }]);
    const bytes = Buffer.from(text.replace('“', '\u0093').replace('”', '\u0094'), 'latin1');
    const file = tmp.file('excel-latin1.csv');
    fs.writeFileSync(file, bytes);
    const events = await readAll(reader, file);
    expect(events[0]).toMatchObject({ description: "CSV, Windows-1252 (Latin-1), ';' delimiter" });
    const [row] = rowsOf(events);
    expect(row?.cells.sku).toEqual({ kind: 'text', text: 'Calçado Açaí “Promoção”' });
    expect(checkFilledRow(row!.cells, seller, NOW).outcome).toBe('filled');
  });

  it.each([
    [',', "','"],
    ['\t', 'tab'],
  ])('detects the %j delimiter from the header', async (delimiter, name) => {
    const file = writeText(
      `delimiter-${name}.csv`,
      csvOf([{ ...base, sku: 'a;b,c', accessKey: key() }], delimiter),
    );
    const events = await readAll(reader, file);
    expect(events[0]).toMatchObject({ type: 'header', description: `CSV, ASCII, ${name} delimiter` });
    const [row] = rowsOf(events);
    expect(row?.cells.sku).toEqual({ kind: 'text', text: 'a;b,c' });
    expect(checkFilledRow(row!.cells, seller, NOW).outcome).toBe('filled');
  });

  it('honours a "sep=" first line and reads UTF-16 tab-separated text (Excel "Unicode text")', async () => {
    const sep = writeText('sep.csv', `sep=,\r\n${csvOf([{ ...base, accessKey: key() }], ',')}`);
    const sepRows = rowsOf(await readAll(reader, sep));
    expect(sepRows.map((r) => [r.rowNumber, checkFilledRow(r.cells, seller, NOW).outcome])).toEqual([
      [2, 'filled'],
    ]);

    const unicode = tmp.file('unicode.txt');
    fs.writeFileSync(
      unicode,
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(csvOf([{ ...base, sku: 'Açaí', accessKey: key() }], '\t'), 'utf16le'),
      ]),
    );
    const events = await readAll(reader, unicode);
    expect(events[0]).toMatchObject({ description: 'CSV, UTF-16LE, tab delimiter' });
    expect(rowsOf(events)[0]?.cells.sku).toEqual({ kind: 'text', text: 'Açaí' });
  });

  it('ignores and lists extra columns; takes the columns in any order', async () => {
    const columns = ['notes', 'accessKey', 'orderItemId', 'orderId', 'sku'];
    const file = writeText('extra.csv', csvOf([{ ...base, notes: 'pago', accessKey: key() }], ';', columns));
    const events = await readAll(reader, file);
    expect(events[0]).toMatchObject({
      columns: ['accessKey', 'orderItemId', 'orderId', 'sku'],
      ignored: ['notes'],
    });
    expect(checkFilledRow(rowsOf(events)[0]!.cells, seller, NOW)).toMatchObject({
      outcome: 'filled',
      orderItemId: 'ITEM-1',
    });
  });

  it('names missing and duplicated columns in a per-file error', async () => {
    const missing = writeText('missing.csv', csvOf([base], ';', ['orderNumber', 'orderId', 'sku']));
    const problems = fileErrorOf(await readAll(reader, missing));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('header');
    expect(problems[0]?.message).toMatch(
      /^missing columns orderItemId, accessKey: the first row must be the template's header/,
    );

    const twice = writeText('twice.csv', 'orderId;orderItemId;accessKey;AccessKey\r\n');
    expect(fileErrorOf(await readAll(reader, twice))[0]?.message).toBe('column accessKey appears twice');
  });

  it('gives each row its spreadsheet row number, skipping blank lines without renumbering', async () => {
    const text = `${HEADER.join(';')}\r\n;ORD-1;ITEM-1;;;;;;${key()}\r\n\r\n;;;;;;;;\r\n;ORD-3;ITEM-3;;;;;;=A1\r\n`;
    const rows = rowsOf(await readAll(reader, writeText('blank-lines.csv', text)));
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 5]);
    const formula = checkFilledRow(rows[1]!.cells, seller, NOW);
    expect(formula.outcome).toBe('invalid');
  });

  it('reads a stream as well as a path', async () => {
    const text = `\uFEFF${csvOf([{ ...base, accessKey: key() }])}`;
    const events = await readAll(reader, inPieces(Buffer.from(text, 'utf8'), 7));
    expect(rowsOf(events)).toHaveLength(1);
  });
});

describe('CSV files that are not what they claim', () => {
  it.each([
    [
      'an XLSX',
      Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'),
      /not a CSV file: this is a ZIP archive .*send an \.xlsx workbook as XLSX/,
    ],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1'), /not a CSV file: this is a PDF document/],
    ['an .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /Excel 97-2003/],
    ['empty', Buffer.alloc(0), /the file is empty/],
  ])('refuses %s', async (_label, bytes, message) => {
    const problems = fileErrorOf(await readAll(reader, inPieces(bytes)));
    expect(problems[0]?.field).toBe('file');
    expect(problems[0]?.message).toMatch(message);
  });

  it('refuses a quote never closed, an endless line, too many rows and too many bytes', async () => {
    const limits = templateReadLimits({ maxRows: 3, maxLineChars: 200, maxFileBytes: 5000 });
    const small = new CsvTemplateReader(limits);
    const unclosed = writeText('unclosed.csv', `${HEADER.join(';')}\r\n;ORD-1;"ITEM-1;;;;;;\r\n`);
    expect(fileErrorOf(await readAll(small, unclosed))[0]?.message).toBe(
      'a quoted field opened on row 2 is never closed',
    );

    const longRow = writeText(
      'long-row.csv',
      `${HEADER.join(';')}\r\n;ORD-1;ITEM-1;${'x'.repeat(300)};;;;;\r\n`,
    );
    expect(fileErrorOf(await readAll(small, longRow))[0]?.message).toBe(
      'row 2 is longer than 200 characters',
    );

    const endless = writeText('endless.csv', 'x'.repeat(1000));
    expect(fileErrorOf(await readAll(small, endless))[0]).toEqual({
      field: 'header',
      message: 'the first line is longer than 200 characters',
    });

    const lines = Array.from({ length: 5 }, (_, i) => `;ORD-${i};ITEM-${i};;;;;;`).join('\r\n');
    const events = await readAll(small, writeText('many.csv', `${HEADER.join(';')}\r\n${lines}\r\n`));
    expect(rowsOf(events)).toHaveLength(3);
    expect(fileErrorOf(events)[0]?.message).toBe('more than 3 rows; split the file');

    const big = writeText('big.csv', `${HEADER.join(';')}\r\n${'y'.repeat(6000)}`);
    expect(fileErrorOf(await readAll(small, big))[0]?.message).toBe('the file is larger than 5 KB');
  });

  it('refuses a file that changes encoding part way', async () => {
    const head = Buffer.from(
      `${HEADER.join(';')}\r\n;ORD-1;ITEM-1;Açaí;;;;;\r\n${';ORD;ITEM;x;;;;;\r\n'.repeat(500)}`,
      'utf8',
    );
    const tail = Buffer.from(';ORD-2;ITEM-2;Calçado;;;;;\r\n', 'latin1');
    const file = tmp.file('mixed.csv');
    fs.writeFileSync(file, Buffer.concat([head, tail]));
    expect(fileErrorOf(await readAll(reader, file))[0]?.message).toMatch(
      /stops being valid UTF-8 near byte \d+/,
    );
  });

  it('lets the failure of the upload stream itself through to the caller', async () => {
    async function* broken() {
      yield Buffer.from(`${HEADER.join(';')}\r\n`);
      throw new Error('client went away');
    }
    await expect(readAll(reader, broken())).rejects.toThrow('client went away');
  });

  it('never writes to its output after it failed', async () => {
    let writes = 0;
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(writes > 1 ? new Error('disk full') : null);
      },
    });
    await expect(new CsvTemplateWriter().write(orderItems(100_000), out)).rejects.toThrow('disk full');
    expect(writes).toBe(2);
  });
});
