import fs from 'node:fs';
import path from 'node:path';
import { benchDanfe, danfeRows } from './danfe.js';
import { ensurePgDatabase, postgresServerUrl, prepareDataset } from './dataset.js';
import { benchExport, type ExportResult, exportRows } from './export.js';
import { benchGetInvoices, type CaseResult, token } from './get-invoices.js';
import { benchIngest, type IngestResult, ingestRows } from './ingest.js';
import { benchKaufland, type KauflandResult, kauflandRows } from './kaufland.js';
import { benchDir, fmt, type LoadResult, table } from './lib.js';
import { machineFacts, writeBlock } from './report.js';
import { benchRss, rssRows } from './rss.js';
import { loadScaleSeller } from './scale-dataset.js';
import { benchStartup, startupRows } from './startup.js';

/**
 * `npm run bench`: every case against a baseline measured in the same run, printed as ratios
 * (machines here are shared and noisy; absolute figures vary, ratios much less).
 * Env: BENCH_INVOICES (100000), BENCH_DURATION (10 s), BENCH_CONNECTIONS (1,16,64),
 * BENCH_DATABASE_URL (a PostgreSQL server; default 127.0.0.1:5432, skipped when absent).
 */
const invoices = Number(process.env.BENCH_INVOICES ?? 100_000);
const durationSeconds = Number(process.env.BENCH_DURATION ?? 10);
const connections = (process.env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const only = process.argv[2];

function getInvoicesRows(results: CaseResult[]): string[][] {
  const rows = [
    ['getInvoices (100/page, filtered)', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'vs bare Fastify', 'vs Prism'],
  ];
  for (const r of results) {
    for (const l of r.loads) {
      rows.push([
        `invoicehub · ${r.label}`,
        String(l.connections),
        fmt(l.target.rps),
        fmt(l.target.p50, 1),
        fmt(l.target.p99, 1),
        l.baseline ? `${fmt((l.target.rps / l.baseline.rps) * 100, 1)} %` : '-',
        l.prism ? `${fmt(l.target.rps / l.prism.rps, 2)}x` : '-',
      ]);
      const baselines = [
        ['  bare Fastify, same bytes', l.baseline, '100 %', ''],
        ["  Prism mock of Amazon's model", l.prism, '', '1.00x'],
      ] as const;
      for (const [label, b, vsFastify, vsPrism] of baselines)
        if (b) rows.push([label, '', fmt(b.rps), fmt(b.p50, 1), fmt(b.p99, 1), vsFastify, vsPrism]);
    }
  }
  return rows;
}

const pgServer = await postgresServerUrl();
const facts = await machineFacts(pgServer);
console.log(facts);

/** Prints a case's table and keeps it in BENCHMARKS.md. */
function report(name: string, title: string, rows: string[][]) {
  const text = table(rows);
  console.log(`\n${text}\n`);
  writeBlock(name, title, facts, text);
}

if (!only || only === 'get-invoices') {
  console.log(
    `getInvoices over ${fmt(invoices)} invoices, ${connections.join('/')} connections, ${durationSeconds} s per run`,
  );
  const results: CaseResult[] = [];
  const opts = { connections, durationSeconds, pages: 20 };
  results.push(await benchGetInvoices(await prepareDataset('pglite', invoices), opts));
  if (pgServer) {
    results.push(await benchGetInvoices(await prepareDataset('postgres', invoices, pgServer), opts));
  } else {
    console.log('(no PostgreSQL reachable: set BENCH_DATABASE_URL to include it)');
  }
  report('get-invoices', `getInvoices over ${fmt(invoices)} invoices`, getInvoicesRows(results));
}

// Opt-in (not in a plain `npm run bench`): getInvoices at 10k and at 1M invoices of one seller.
if (only === 'scale') {
  const small = Number(process.env.BENCH_SCALE_SMALL ?? 10_000);
  const large = Number(process.env.BENCH_SCALE_LARGE ?? 1_000_000);
  if (!pgServer) throw new Error('scale needs PostgreSQL (BENCH_DATABASE_URL)');
  const url = await ensurePgDatabase(pgServer, 'invoicehub_bench_scale');
  const dataDir = path.resolve(benchDir, '../../bench/.data/pg-scale');
  fs.mkdirSync(dataDir, { recursive: true });
  const opts = { connections: [16], durationSeconds, pages: 20, baselines: false };
  const results: CaseResult[] = [];
  for (const [n, tag] of [
    [small, `${fmt(small)} invoices`],
    [large, `${fmt(large)} invoices`],
  ] as const) {
    results.push(await benchGetInvoices(await loadScaleSeller(url, dataDir, n, tag), opts));
  }
  const [a, b] = results.map((r) => r.loads[0]?.target as LoadResult);
  const rows = getInvoicesRows(results);
  rows.push([
    `${fmt(large)} vs ${fmt(small)}: latency p50 ${fmt((b?.p50 ?? 0) / (a?.p50 || 1), 2)}x, p99 ${fmt((b?.p99 ?? 0) / (a?.p99 || 1), 2)}x, req/s ${fmt((b?.rps ?? 0) / (a?.rps || 1), 2)}x`,
  ]);
  report('scale', `getInvoices at ${fmt(small)} and ${fmt(large)} invoices of one seller (PostgreSQL)`, rows);
}

if (!only || only === 'ingest') {
  const documents = Number(process.env.BENCH_INGEST_INVOICES ?? 100_000);
  const pgUrl = pgServer;
  if (pgUrl) {
    console.log(`bulk ingestion of ${fmt(documents)} generated NF-e into an empty store, autovacuum off`);
    const results: IngestResult[] = [await benchIngest(pgUrl, documents)];
    if (process.env.BENCH_INGEST_AB === '1') {
      results.push(await benchIngest(pgUrl, documents, { withForeignKeys: true }));
    }
    report('ingest', `bulk ingestion of ${fmt(documents)} NF-e`, ingestRows(results));
  } else {
    console.log('(ingest: no PostgreSQL reachable)');
  }
}

if (!only || only === 'export') {
  console.log(
    `export of ${fmt(invoices)} invoices into ZIPs, against the zip command line on the same files`,
  );
  const results: ExportResult[] = [];
  if (process.env.BENCH_EXPORT_DB !== 'postgres') {
    const pglite = await prepareDataset('pglite', invoices);
    results.push(await benchExport(pglite, (url) => token(url, pglite)));
  }
  const pgUrl = await postgresServerUrl();
  if (pgUrl && process.env.BENCH_EXPORT_DB !== 'pglite') {
    const pg = await prepareDataset('postgres', invoices, pgUrl);
    results.push(await benchExport(pg, (url) => token(url, pg)));
  }
  report('export', `export of ${fmt(invoices)} invoices`, exportRows(results));
}

// The server's peak RSS through ingestion, getInvoices under load and an export, in one process.
if (!only || only === 'rss') {
  if (pgServer) {
    console.log(
      `one server through bulk ingestion of ${fmt(invoices)} NF-e, getInvoices under load and an export`,
    );
    report(
      'rss',
      "peak RSS of one server through a day's work",
      rssRows(await benchRss(pgServer, invoices, durationSeconds)),
    );
  } else {
    console.log('(rss: no PostgreSQL reachable)');
  }
}

if (!only || only === 'kaufland') {
  const listed = Number(process.env.BENCH_KAUFLAND_INVOICES ?? 1000);
  console.log(
    `Kaufland order invoices: list over ${fmt(listed)} invoices, 10 MiB uploads, ${durationSeconds} s per run`,
  );
  const results: KauflandResult[] = [];
  const opts = {
    invoices: listed,
    connections: connections.includes(16) ? 16 : (connections[0] ?? 16),
    durationSeconds,
  };
  results.push(await benchKaufland('pglite', opts));
  const pgUrl = await postgresServerUrl();
  if (pgUrl) results.push(await benchKaufland('postgres', { ...opts, serverUrl: pgUrl }));
  report('kaufland', 'Kaufland order invoices', kauflandRows(results));
}

if (!only || only === 'danfe') {
  const danfes = Number(process.env.BENCH_DANFES ?? 1000);
  console.log(`${fmt(danfes)} DANFEs per case, one process per case (Node ${process.version})`);
  report('danfe', `${fmt(danfes)} DANFEs`, danfeRows(await benchDanfe(danfes)));
}

if (!only || only === 'startup') {
  console.log('start on an empty store with demo data, until /readyz answers; idle RSS 3 s later');
  report('startup', 'start on an empty store', startupRows(await benchStartup(pgServer)));
}
