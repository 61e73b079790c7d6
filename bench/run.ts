import { benchDanfe, danfeRows } from './danfe.js';
import { postgresServerUrl, prepareDataset } from './dataset.js';
import { benchExport, type ExportResult, exportRows } from './export.js';
import { benchGetInvoices, type CaseResult, token } from './get-invoices.js';
import { benchKaufland, type KauflandResult, kauflandRows } from './kaufland.js';
import { fmt, table } from './lib.js';

/**
 * `npm run bench`: every case against a baseline measured in the same run, printed as ratios
 * (machines here are shared and noisy; absolute figures vary, ratios much less).
 * Env: BENCH_INVOICES (100000), BENCH_DURATION (10 s), BENCH_CONNECTIONS (16),
 * BENCH_DATABASE_URL (a PostgreSQL server; default 127.0.0.1:5432, skipped when absent).
 */
const invoices = Number(process.env.BENCH_INVOICES ?? 100_000);
const durationSeconds = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const only = process.argv[2];

function printGetInvoices(results: CaseResult[]) {
  const rows = [['getInvoices (100/page, filtered)', 'req/s', 'p50 ms', 'p99 ms', 'vs bare Fastify']];
  for (const r of results) {
    rows.push([
      `invoicehub · ${r.label}`,
      fmt(r.target.rps),
      fmt(r.target.p50, 1),
      fmt(r.target.p99, 1),
      `${fmt((r.target.rps / r.baseline.rps) * 100, 1)} %`,
    ]);
    rows.push([
      `  bare Fastify, same bytes`,
      fmt(r.baseline.rps),
      fmt(r.baseline.p50, 1),
      fmt(r.baseline.p99, 1),
      '100 %',
    ]);
  }
  console.log(`\n${table(rows)}\n`);
}

if (!only || only === 'get-invoices') {
  console.log(
    `getInvoices over ${fmt(invoices)} invoices, ${connections} connections, ${durationSeconds} s per run`,
  );
  const results: CaseResult[] = [];
  results.push(
    await benchGetInvoices(await prepareDataset('pglite', invoices), {
      connections,
      durationSeconds,
      pages: 20,
    }),
  );
  const pgUrl = await postgresServerUrl();
  if (pgUrl) {
    results.push(
      await benchGetInvoices(await prepareDataset('postgres', invoices, pgUrl), {
        connections,
        durationSeconds,
        pages: 20,
      }),
    );
  } else {
    console.log('(no PostgreSQL reachable: set BENCH_DATABASE_URL to include it)');
  }
  printGetInvoices(results);
}

if (!only || only === 'export') {
  console.log(
    `export of ${fmt(invoices)} invoices into ZIPs, against the zip command line on the same files`,
  );
  const results: ExportResult[] = [];
  const pglite = await prepareDataset('pglite', invoices);
  results.push(await benchExport(pglite, (url) => token(url, pglite)));
  const pgUrl = await postgresServerUrl();
  if (pgUrl) {
    const pg = await prepareDataset('postgres', invoices, pgUrl);
    results.push(await benchExport(pg, (url) => token(url, pg)));
  }
  console.log(`\n${table(exportRows(results))}\n`);
}

if (!only || only === 'kaufland') {
  const listed = Number(process.env.BENCH_KAUFLAND_INVOICES ?? 1000);
  console.log(
    `Kaufland order invoices: list over ${fmt(listed)} invoices, 10 MiB uploads, ${durationSeconds} s per run`,
  );
  const results: KauflandResult[] = [];
  const opts = { invoices: listed, connections, durationSeconds };
  results.push(await benchKaufland('pglite', opts));
  const pgUrl = await postgresServerUrl();
  if (pgUrl) results.push(await benchKaufland('postgres', { ...opts, serverUrl: pgUrl }));
  console.log(`\n${table(kauflandRows(results))}\n`);
}

if (!only || only === 'danfe') {
  const danfes = Number(process.env.BENCH_DANFES ?? 1000);
  console.log(`${fmt(danfes)} DANFEs per case, one process per case (Node ${process.version})`);
  console.log(`\n${table(danfeRows(await benchDanfe(danfes)))}\n`);
}
