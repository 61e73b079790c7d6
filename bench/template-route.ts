import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { sql } from 'kysely';
import { BRAZIL } from '../src/core/marketplaces.js';
import { makeCnpj } from '../src/core/nfe/cnpj.js';
import { buildApp } from '../src/main/app.js';
import { loadConfig } from '../src/main/config.js';
import { createDeps } from '../src/main/deps.js';
import { listen } from '../src/main/server.js';

export interface RouteResult {
  rows: number;
  seconds: number;
  bytes: number;
  /** Highest RSS sampled during the download, minus the RSS just before it. */
  downloadRssDeltaMb: number;
}

/**
 * The template through the real route: `count` orders of one item each loaded straight into a
 * fresh store (BENCH_DATABASE_URL, else PGlite in a temp folder), then
 * `GET /sellercenter/v2/template/missing-invoice-access-key` timed from the request to the last
 * byte written to `file`. Loading is not timed. Server and client share this process, so the RSS
 * sampled during the download covers both.
 */
export async function templateThroughRoute(
  format: 'csv' | 'xlsx',
  count: number,
  file: string,
): Promise<RouteResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bench-route-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const config = loadConfig({
    DATA_DIR: dataDir,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
    RATE_LIMITS_ENABLED: 'false',
    WORKER_ENABLED: 'false',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const deps = await createDeps(config);
  const app = await buildApp(deps);
  try {
    const seller = await deps.services.sellers.create({
      name: 'Bench',
      cnpj: makeCnpj(String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000)).slice(0, 12)),
      marketplaceIds: [BRAZIL],
    });
    const db = deps.db.db;
    await sql`insert into orders (seller_id, order_id, marketplace_id, order_number, status, created_at, updated_at)
      select ${seller.sellerId}::uuid, 'O' || lpad(g::text, 10, '0'), ${BRAZIL}, g::text,
             (array['ready_to_ship', 'shipped', 'delivered'])[1 + g % 3],
             timestamptz '2026-01-01' + g * interval '1 second', now()
      from generate_series(1, ${count}::int) g`.execute(db);
    await sql`insert into order_items (seller_id, order_id, order_item_id, sku)
      select ${seller.sellerId}::uuid, 'O' || lpad(g::text, 10, '0'), 'I' || g, 'SKU-' || (g % 5000)
      from generate_series(1, ${count}::int) g`.execute(db);
    await sql`analyze orders`.execute(db);
    await sql`analyze order_items`.execute(db);
    const { url } = await listen(app, deps);
    const token = await deps.services.lwa.grant({
      grantType: 'client_credentials',
      clientId: seller.clientId,
      clientSecret: seller.clientSecret,
      refreshToken: undefined,
      scope: undefined,
    });

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = process.hrtime.bigint();
    const res = await fetch(`${url}/sellercenter/v2/template/missing-invoice-access-key?format=${format}`, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    if (res.status !== 200 || !res.body) throw new Error(`template: ${res.status} ${await res.text()}`);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), fs.createWriteStream(file));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    return {
      rows: count,
      seconds,
      bytes: fs.statSync(file).size,
      downloadRssDeltaMb: (peak - baseline) / 1024 / 1024,
    };
  } finally {
    await app.close();
    await deps.db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
