import pg from 'pg';
import { DEMO_CNPJ, DEMO_SELLER_NAME, generateDemo } from '../src/core/demo/demo-data.js';
import type { DemoSink } from '../src/core/demo/demo-sink.js';
import { BRAZIL } from '../src/core/marketplaces.js';
import { readNfeDocument } from '../src/core/nfe/read.js';
import { loadConfig } from '../src/main/config.js';
import { createDeps } from '../src/main/deps.js';
import { freshDatabase } from './dataset.js';
import { cpuMsOf, fmt } from './lib.js';

export interface IngestResult {
  label: string;
  documents: number;
  seconds: number;
  parseSeconds: number;
  /** docs/s of the first and the last tenth of the documents. */
  firstTenth: number;
  lastTenth: number;
  /** CPU time per document while ingesting: this process (every thread) and PostgreSQL's processes. */
  nodeCpuUs: number;
  postgresCpuUs: number;
}

/**
 * Bulk ingestion through the real path (IngestService.ingestMany: XML parse, validation, key and
 * number checks, storage; batches of the demo generator, dates in random order) into an empty
 * store, one seller, autovacuum off and no ANALYZE: the rate of the first tenth against the last.
 * The same documents are parsed and validated alone just before each batch is ingested, as the
 * ceiling (`parse-only`). XML generation is not timed. CPU time per document is counted too, for
 * this process (all its threads) and for PostgreSQL's processes on this machine (from /proc).
 */
export async function benchIngest(
  serverUrl: string,
  documents: number,
  opts: { withForeignKeys?: boolean } = {},
): Promise<IngestResult> {
  const databaseUrl = await freshDatabase(serverUrl, `invoicehub_bench_ingest`);
  const dataDir = `/tmp/invoicehub-bench-ingest-${process.pid}`;
  const deps = await createDeps(
    loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO_DATA: 'false', LOG_LEVEL: 'warn' }),
  );
  try {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    for (const table of ['invoices', 'invoice_documents', 'invoice_transactions', 'nfe_events']) {
      await client.query(`alter table ${table} set (autovacuum_enabled = false)`);
    }
    if (opts.withForeignKeys) {
      // The schema before migrations/0009, for an A/B in the same run.
      for (const child of ['invoice_documents', 'invoice_transactions']) {
        await client.query(
          `alter table ${child} add foreign key (seller_id, invoice_id) references invoices on delete cascade`,
        );
      }
    }
    await client.end();
    const seller = await deps.services.sellers.create({
      name: DEMO_SELLER_NAME,
      cnpj: DEMO_CNPJ,
      marketplaceIds: [BRAZIL],
    });
    const batches: { docs: number; ms: number }[] = [];
    let parseMs = 0;
    const cpu = { node: 0, postgres: 0 };
    const sink: DemoSink = {
      ingestMany: async (items) => {
        if (!items.length) return [];
        let t0 = performance.now();
        for (const item of items) readNfeDocument(item.bytes, { maxBytes: 5_242_880 });
        parseMs += performance.now() - t0;
        const postgres = cpuMsOf('postgres'); // outside the timing: it reads /proc
        const node = process.cpuUsage();
        t0 = performance.now();
        const results = await deps.services.ingest.ingestMany(items);
        batches.push({ docs: items.length, ms: performance.now() - t0 });
        const used = process.cpuUsage(node);
        cpu.node += (used.user + used.system) / 1000;
        cpu.postgres += cpuMsOf('postgres') - postgres;
        return results.map((r) =>
          r.ok
            ? { ok: true, status: r.result.invoice?.status ?? 'PENDING' }
            : { ok: false, message: r.message },
        );
      },
      upsertOrders: async () => {},
    };
    await generateDemo({ sink, clock: deps.clock }, seller.sellerId, DEMO_CNPJ, {
      invoices: documents,
      onProgress: (done, total) => process.stderr.write(`\r  ingested ${fmt(done)}/${fmt(total)}`),
    });
    process.stderr.write('\n');
    const total = batches.reduce((s, b) => s + b.docs, 0);
    const rate = (part: typeof batches) =>
      (part.reduce((s, b) => s + b.docs, 0) / part.reduce((s, b) => s + b.ms, 0)) * 1000;
    const tenth = Math.max(1, Math.floor(batches.length / 10));
    return {
      label: opts.withForeignKeys ? 'PostgreSQL, child FKs of 0001 restored' : 'PostgreSQL',
      documents: total,
      seconds: batches.reduce((s, b) => s + b.ms, 0) / 1000,
      parseSeconds: parseMs / 1000,
      firstTenth: rate(batches.slice(0, tenth)),
      lastTenth: rate(batches.slice(-tenth)),
      nodeCpuUs: (cpu.node * 1000) / total,
      postgresCpuUs: (cpu.postgres * 1000) / total,
    };
  } finally {
    await deps.db.close();
  }
}

export function ingestRows(results: IngestResult[]): string[][] {
  const rows = [
    [
      'bulk ingestion',
      'documents',
      'docs/s',
      'parse-only docs/s',
      'vs parse-only',
      'first 10 %',
      'last 10 %',
      'last/first',
      'CPU µs/doc: node',
      'PostgreSQL',
    ],
  ];
  for (const r of results) {
    const rate = r.documents / r.seconds;
    const parse = r.documents / r.parseSeconds;
    rows.push([
      r.label,
      fmt(r.documents),
      fmt(rate),
      fmt(parse),
      `${fmt((rate / parse) * 100, 1)} %`,
      fmt(r.firstTenth),
      fmt(r.lastTenth),
      `${fmt(r.lastTenth / r.firstTenth, 2)}x`,
      fmt(r.nodeCpuUs),
      fmt(r.postgresCpuUs),
    ]);
  }
  return rows;
}
