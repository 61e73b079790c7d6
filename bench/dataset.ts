import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DEMO_CNPJ, generateDemo, seedDemo } from '../src/core/demo/demo-data.js';
import type { IssuedCredentials } from '../src/core/sellers/sellers-service.js';
import { loadConfig } from '../src/main/config.js';
import { createDeps, demoDeps } from '../src/main/deps.js';
import { benchDir } from './lib.js';

export interface Dataset {
  label: string;
  env: Record<string, string>;
  credentials: IssuedCredentials;
}

/** Where PGlite datasets are kept between runs (generating 100k invoices takes minutes). */
const DATA_ROOT = path.resolve(benchDir, '../../bench/.data');

/** The local PostgreSQL of BENCH_DATABASE_URL (default 127.0.0.1:5432), or null when none answers. */
export async function postgresServerUrl(): Promise<string | null> {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return url;
  } catch {
    return null;
  }
}

export async function ensurePgDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await client.query(`create database "${name}"`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Datasets are named for the stored form of their documents: one made before migrations/0011
 * holds plain documents (read, and exported, the way an upgraded store's older rows are).
 */
const DATASET_SUFFIX = '_d11';

/**
 * A store holding `invoices` demo invoices for the demo seller, made once and reused; returns the
 * environment that points a server at it and fresh credentials for the seller.
 */
export async function prepareDataset(
  kind: 'pglite' | 'postgres',
  invoices: number,
  serverUrl?: string,
): Promise<Dataset> {
  const name = `${invoices}${DATASET_SUFFIX}`;
  const env: Record<string, string> =
    kind === 'pglite'
      ? { DATA_DIR: path.join(DATA_ROOT, `pglite-${name}`) }
      : {
          DATA_DIR: path.join(DATA_ROOT, `pg-${name}`),
          DATABASE_URL: await ensurePgDatabase(serverUrl as string, `invoicehub_bench_${name}`),
        };
  fs.mkdirSync(env.DATA_DIR as string, { recursive: true });
  const deps = await createDeps(loadConfig({ ...env, DEMO_DATA: 'false', LOG_LEVEL: 'warn' }));
  try {
    let seller = await deps.store.sellers.byCnpj(DEMO_CNPJ);
    if (!seller) {
      await seedDemo(demoDeps(deps), 0);
      seller = await deps.store.sellers.byCnpj(DEMO_CNPJ);
    }
    const sellerId = seller?.seller_id as string;
    const have = await deps.store.invoices.countBySeller(sellerId);
    if (have < invoices) {
      const started = Date.now();
      process.stderr.write(`generating ${invoices - have} invoices on ${kind} (once; kept for later runs)\n`);
      await generateDemo(demoDeps(deps), sellerId, DEMO_CNPJ, {
        invoices: invoices - have,
        startAt: have,
        seed: have + 1,
        onProgress: (done, total) => process.stderr.write(`\r  ${done}/${total}`),
      });
      process.stderr.write(`\n  done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
    const credentials = await deps.services.sellers.issueCredentials(sellerId);
    return { label: kind === 'pglite' ? 'PGlite' : 'PostgreSQL', env, credentials };
  } finally {
    await deps.db.close();
  }
}

/** A fresh database on the server for this run (dropped first), autovacuum off on its tables. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
