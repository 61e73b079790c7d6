import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { DEMO_CNPJ, generateDemo, seedDemo } from '../core/demo/demo-data.js';
import { type BulkItemResult, ingestNamed, summarize } from '../core/invoices/bulk-ingest.js';
import { DataDirLockedError } from '../infra/db/data-dir-lock.js';
import { openDatabase } from '../infra/db/database.js';
import { migrate } from '../infra/db/migrate.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { type AppDeps, createDeps, demoDeps } from './deps.js';
import { startServer } from './server.js';
import { startWorker } from './worker.js';

type Values = Record<string, string | string[] | boolean | undefined>;

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

async function withDeps<T>(fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  let deps: AppDeps;
  try {
    deps = await createDeps(config());
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new Error(`${err.message}\nTo work with a running server, use its API (for ingest: --url).`);
    }
    throw err;
  }
  try {
    return await fn(deps);
  } finally {
    await deps.db.close();
  }
}

async function serve(): Promise<number> {
  const server = await startServer(config());
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      server.app.log.info({ signal }, 'shutting down: draining requests');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

/** `invoicehub worker`: jobs only, no HTTP; several may share one PostgreSQL with the servers. */
async function runWorker(): Promise<number> {
  const deps = await createDeps(config());
  const logger = pino({ level: deps.config.logLevel });
  const worker = await startWorker(deps, logger);
  logger.info({ concurrency: deps.config.workerConcurrency }, 'worker started');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  logger.info('worker stopping: finishing or handing back running jobs');
  await worker.stop({ drainMs: 10_000 });
  await deps.db.close();
  return 0;
}

/** Files to ingest: plain files, directories walked recursively (`.xml` and `.zip` inside). */
function* expand(inputs: string[]): Generator<string> {
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${input}: no such file or directory`);
    if (stat.isDirectory()) {
      const entries = fs
        .readdirSync(input, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name));
      yield* expand(
        entries
          .filter((e) => e.isDirectory() || /\.(xml|zip)$/i.test(e.name))
          .map((e) => path.join(input, e.name)),
      );
    } else yield input;
  }
}

async function ingestThroughApi(files: string[], url: string, token: string): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = [];
  for (const file of files) {
    const zip = /\.zip$/i.test(file);
    const res = await fetch(`${url.replace(/\/+$/, '')}/admin/v1/invoices${zip ? '/bulk' : ''}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': zip ? 'application/zip' : 'application/xml',
      },
      body: fs.readFileSync(file),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (zip && res.ok) {
      results.push(...(body.results as BulkItemResult[]));
    } else if (res.ok) {
      const invoice = body.invoice as { id: string; accessKey: string; status: string } | undefined;
      results.push({
        name: file,
        outcome: body.outcome as BulkItemResult['outcome'],
        invoiceId: invoice?.id,
        status: invoice?.status,
      });
    } else {
      results.push({
        name: file,
        outcome: 'failed',
        errors: (body.errors as []) ?? [{ field: 'http', message: String(body.detail) }],
      });
    }
  }
  return results;
}

async function ingest(paths: string[], values: Values): Promise<number> {
  if (paths.length === 0) throw new Error('ingest: give files, directories or ZIPs');
  const files = [...expand(paths)];
  const print = (r: BulkItemResult) => console.log(JSON.stringify(r));
  let results: BulkItemResult[];
  if (typeof values.url === 'string') {
    const token = (values['admin-token'] as string | undefined) ?? process.env.ADMIN_TOKEN;
    if (!token) throw new Error('ingest --url needs --admin-token or ADMIN_TOKEN');
    results = await ingestThroughApi(files, values.url, token);
    results.forEach(print);
  } else {
    results = await withDeps(async (deps) => {
      const out: BulkItemResult[] = [];
      const { ingest: service } = deps.services;
      const xmlFiles = async function* () {
        for (const file of files.filter((f) => !/\.zip$/i.test(f)))
          yield { name: file, bytes: fs.readFileSync(file) };
      };
      const streams = [
        ingestNamed(service, xmlFiles()),
        ...files.filter((f) => /\.zip$/i.test(f)).map((zip) => service.ingestZip(zip)),
      ];
      for (const stream of streams) {
        for await (const r of stream) {
          print(r);
          out.push(r);
        }
      }
      return out;
    });
  }
  const summary = summarize(results);
  console.error(JSON.stringify({ summary }));
  return summary.failed > 0 ? 1 : 0;
}

async function sellerCreate(values: Values): Promise<number> {
  if (typeof values.name !== 'string' || typeof values.cnpj !== 'string') {
    throw new Error('seller create: --name and --cnpj are required');
  }
  const issued = await withDeps((deps) =>
    deps.services.sellers.create({
      name: values.name as string,
      cnpj: values.cnpj as string,
      marketplaceIds: values.marketplace as string[] | undefined,
      storefronts: values.storefront as string[] | undefined,
    }),
  );
  console.log(JSON.stringify(issued, null, 2));
  console.error('The client secret and refresh token are shown once: keep them now.');
  return 0;
}

async function demo(values: Values): Promise<number> {
  const count = Number(values.invoices ?? 300);
  if (!Number.isInteger(count) || count < 1) throw new Error('demo: --invoices must be a positive integer');
  const started = Date.now();
  await withDeps(async (deps) => {
    const progress = (done: number, total: number) => process.stderr.write(`\r${done}/${total} invoices`);
    const sellerId = values['seller-id'] as string | undefined;
    const seller = sellerId
      ? await deps.services.sellers.get(sellerId)
      : await deps.store.sellers.byCnpj(DEMO_CNPJ);
    if (!seller) {
      const { credentials, summary } = await seedDemo(demoDeps(deps), 0);
      const more = await generateDemo(demoDeps(deps), credentials.sellerId, DEMO_CNPJ, {
        invoices: count,
        onProgress: progress,
      });
      console.log(JSON.stringify({ credentials, summary: { ...summary, ...more } }, null, 2));
      return;
    }
    const existing = await deps.store.invoices.countBySeller(seller.seller_id);
    const summary = await generateDemo(demoDeps(deps), seller.seller_id, seller.cnpj, {
      invoices: count,
      startAt: existing,
      seed: existing + 1,
      onProgress: progress,
    });
    console.log(JSON.stringify({ sellerId: seller.seller_id, summary }, null, 2));
  });
  console.error(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

export async function runCommand(positionals: string[], values: Values, usage: string): Promise<number> {
  const [command, sub, ...rest] = positionals;
  switch (command) {
    case 'serve':
      return serve();
    case 'worker':
      return runWorker();
    case 'migrate': {
      const c = config();
      const database = await openDatabase({ databaseUrl: c.databaseUrl, dataDir: c.dataDir });
      try {
        const applied = await migrate(database.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'seller':
      if (sub !== 'create') break;
      return sellerCreate(values);
    case 'ingest':
      return ingest(
        [sub, ...rest].filter((p): p is string => p !== undefined),
        values,
      );
    case 'demo':
      return demo(values);
  }
  console.error(usage);
  return 2;
}
