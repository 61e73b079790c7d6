import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessKeyTemplateRow } from '../src/core/templates/access-key-template.js';
import { templateRowTexts } from '../src/core/templates/access-key-template.js';
import { CsvTemplateWriter } from '../src/infra/spreadsheets/csv-template.js';
import { XlsxTemplateWriter } from '../src/infra/spreadsheets/xlsx-template.js';
import { fmt, resultOfChild, table } from './lib.js';
import { templateThroughRoute } from './template-route.js';

/**
 * `npm run build && node dist/bench/templates.js`: the SellerCenter template written with
 * BENCH_TEMPLATE_ROWS rows (default 1,000,000) as XLSX and as CSV, against the same rows written
 * as plain CSV through an fs write stream, in the same run. Each case runs in its own process, so
 * its peak RSS (the kernel's high-water mark) is its own. Read the ratios: machines here are shared.
 * `route-csv` and `route-xlsx` fetch the same template through the real SellerCenter route from a
 * store holding that many order items (template-route.ts): their time runs from the request to the
 * last byte, and their memory is the RSS growth during the download (the store's own load excluded).
 */
const CASES = ['plain-csv', 'csv', 'xlsx', 'route-csv', 'route-xlsx'] as const;
type Case = (typeof CASES)[number];

interface Result {
  name: Case;
  rows: number;
  seconds: number;
  bytes: number;
  peakRssMb: number;
  /** Route cases: RSS growth while the template was downloaded. */
  downloadRssDeltaMb?: number;
}

async function* rows(count: number): AsyncGenerator<AccessKeyTemplateRow> {
  for (let i = 0; i < count; i++) {
    yield {
      orderNumber: `ON-${i}`,
      orderId: `7010${String(i).padStart(12, '0')}`,
      orderItemId: String(20_000_000_000 + i),
      sku: i % 3 === 0 ? `Calçado Açaí ${i % 100}` : `SKU-${i % 5000}`,
      orderDate: new Date(Date.UTC(2026, 10, 1 + (i % 28), 12, 30, i % 60)),
      status: 'shipped',
      invoiceNumber: i % 2 === 0 ? null : String(27_000 + i),
      invoiceSeries: i % 2 === 0 ? null : '3',
    };
  }
}

const quote = (s: string) => (/[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The floor: the same texts joined by hand and written with back-pressure, no library. */
async function plainCsv(count: number, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (line: string) =>
    out.write(line) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write(
    '\uFEFForderNumber;orderId;orderItemId;sku;orderDate;status;invoiceNumber;invoiceSeries;accessKey\r\n',
  );
  for await (const row of rows(count)) await write(`${templateRowTexts(row).map(quote).join(';')}\r\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

async function runCase(name: Case, count: number, file: string): Promise<Result> {
  if (name === 'route-csv' || name === 'route-xlsx') {
    const r = await templateThroughRoute(name === 'route-csv' ? 'csv' : 'xlsx', count, file);
    return { name, ...r, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  const started = process.hrtime.bigint();
  if (name === 'plain-csv') await plainCsv(count, file);
  else {
    const writer = name === 'csv' ? new CsvTemplateWriter() : new XlsxTemplateWriter();
    await writer.write(rows(count), fs.createWriteStream(file));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    name,
    rows: count,
    seconds,
    bytes: fs.statSync(file).size,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function inChild(name: Case, count: number, file: string): Promise<Result> {
  return resultOfChild([fileURLToPath(import.meta.url), name, String(count), file], name);
}

const [, , only, countArg, fileArg] = process.argv;
if (only && CASES.includes(only as Case) && countArg && fileArg) {
  console.log(`RESULT ${JSON.stringify(await runCase(only as Case, Number(countArg), fileArg))}`);
} else {
  const count = Number(process.env.BENCH_TEMPLATE_ROWS ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bench-templates-'));
  try {
    console.log(`template of ${fmt(count)} rows, Node ${process.version}, one process per case`);
    const results: Result[] = [];
    for (const name of CASES) {
      results.push(
        await inChild(name, count, path.join(dir, `template.${name.endsWith('xlsx') ? 'xlsx' : 'csv'}`)),
      );
    }
    const floor = results.find((r) => r.name === 'plain-csv')!;
    const rowsPerSecond = (r: Result) => r.rows / r.seconds;
    const lines = [
      ['case', 'rows/s', 'seconds', 'file MB', 'peak RSS MB', 'download RSS +MB', 'vs plain CSV'],
    ];
    for (const r of results) {
      lines.push([
        r.name,
        fmt(rowsPerSecond(r)),
        fmt(r.seconds, 1),
        fmt(r.bytes / 1024 / 1024, 1),
        fmt(r.peakRssMb),
        r.downloadRssDeltaMb === undefined ? '' : fmt(r.downloadRssDeltaMb),
        `${fmt((rowsPerSecond(r) / rowsPerSecond(floor)) * 100, 1)} %`,
      ]);
    }
    console.log(`\n${table(lines)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
