import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { DEMO_CNPJ, DEMO_SELLER_NAME, generateDemo } from '../src/core/demo/demo-data.js';
import type { DemoSink } from '../src/core/demo/demo-sink.js';
import { BRAZIL } from '../src/core/marketplaces.js';
import { systemClock } from '../src/infra/clock.js';
import { freshDatabase } from './dataset.js';
import { cliPath, fmt, peakRssMb, rssMb, runLoad, SERVER_ENV, startChild, stopChild } from './lib.js';

export interface RssPhase {
  phase: string;
  /** What the phase did, per second (documents, requests or invoices). */
  rate: string;
  seconds: number;
  /** The server's RSS high-water mark at the end of the phase. */
  peakMb: number;
}

const ADMIN = 'bench-admin-token-0123456789';
const API = '/tax/invoices/2024-06-19';

/**
 * One server on a fresh PostgreSQL database through a day's work, its peak RSS read from the
 * kernel's high-water mark after each phase: bulk ingestion through the operator API (each chunk
 * of generated NF-e the demo generator yields, as a ZIP), getInvoices under load, then an export
 * of every invoice.
 */
export async function benchRss(
  serverUrl: string,
  invoices: number,
  durationSeconds: number,
): Promise<{ idleMb: number; phases: RssPhase[] }> {
  const databaseUrl = await freshDatabase(serverUrl, 'invoicehub_bench_rss');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bench-rss-'));
  const { child, match } = await startChild(
    [cliPath, 'serve'],
    { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ADMIN_TOKEN: ADMIN, ...SERVER_ENV },
    /listening on (http:\/\/\S+)/,
  );
  const pid = child.pid as number;
  try {
    const url = match[1] as string;
    const call = async (
      method: string,
      p: string,
      body?: string | Uint8Array,
      type = 'application/json',
      token = '',
    ) => {
      const res = await fetch(url + p, {
        method,
        headers: {
          'content-type': type,
          ...(token ? { 'x-amz-access-token': token } : { authorization: `Bearer ${ADMIN}` }),
        },
        ...(body ? { body } : {}),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await new Promise((r) => setTimeout(r, 2000));
    const idleMb = rssMb(pid);
    const phases: RssPhase[] = [];
    const seller = (await call(
      'POST',
      '/admin/v1/sellers',
      JSON.stringify({ name: DEMO_SELLER_NAME, cnpj: DEMO_CNPJ, marketplaceIds: [BRAZIL] }),
    )) as { sellerId: string; clientId: string; clientSecret: string; refreshToken: string };

    let t0 = performance.now();
    let documents = 0;
    const sink: DemoSink = {
      ingestMany: async (items) => {
        if (!items.length) return [];
        const files = Object.fromEntries(items.map((item, i) => [`${documents + i}.xml`, item.bytes]));
        documents += items.length;
        const zip = zipSync(files, { level: 1 });
        const answer = (await call('POST', '/admin/v1/invoices/bulk', zip, 'application/zip')) as {
          results: { outcome: string; errors?: unknown[] }[];
        };
        return answer.results.map((r) =>
          r.errors?.length
            ? { ok: false, message: JSON.stringify(r.errors) }
            : { ok: true, status: r.outcome },
        );
      },
      upsertOrders: async () => {},
    };
    await generateDemo({ sink, clock: systemClock }, seller.sellerId, DEMO_CNPJ, {
      invoices,
      onProgress: (done, total) => process.stderr.write(`\r  ingested ${fmt(done)}/${fmt(total)}`),
    });
    process.stderr.write('\n');
    let seconds = (performance.now() - t0) / 1000;
    phases.push({
      phase: `bulk ingestion, ${fmt(documents)} NF-e (generation included)`,
      rate: `${fmt(documents / seconds)} docs/s`,
      seconds,
      peakMb: peakRssMb(pid),
    });

    const token = (
      await call(
        'POST',
        '/auth/o2/token',
        JSON.stringify({
          grant_type: 'refresh_token',
          client_id: seller.clientId,
          client_secret: seller.clientSecret,
          refresh_token: seller.refreshToken,
        }),
      )
    ).access_token as string;
    const paths = [
      `${API}/invoices?marketplaceId=${BRAZIL}&statuses=AUTHORIZED&dateStart=2020-01-01&pageSize=100`,
    ];
    while (paths.length < 20) {
      const page = await call('GET', paths.at(-1) as string, undefined, 'application/json', token);
      const next = page.nextToken as string | undefined;
      if (!next) break;
      paths.push(`${API}/invoices?marketplaceId=${BRAZIL}&nextToken=${encodeURIComponent(next)}`);
    }
    const load = await runLoad({
      url,
      paths,
      headers: { 'x-amz-access-token': token },
      connections: 16,
      durationSeconds,
    });
    phases.push({
      phase: 'getInvoices under load, 16 connections',
      rate: `${fmt(load.rps)} req/s`,
      seconds: durationSeconds,
      peakMb: peakRssMb(pid),
    });

    t0 = performance.now();
    const created = await call(
      'POST',
      `${API}/exports`,
      JSON.stringify({ marketplaceId: BRAZIL, dateStart: '2000-01-01' }),
      'application/json',
      token,
    );
    for (let status = 'REQUESTED'; status === 'REQUESTED' || status === 'PROCESSING'; ) {
      await new Promise((r) => setTimeout(r, 100));
      const exp = (
        await call('GET', `${API}/exports/${created.exportId}`, undefined, 'application/json', token)
      ).export as { status: string; errorMessage: string };
      if (exp.status === 'ERROR') throw new Error(`export failed: ${exp.errorMessage}`);
      status = exp.status;
    }
    seconds = (performance.now() - t0) / 1000;
    phases.push({
      phase: `export of every invoice`,
      rate: `${fmt(documents / seconds)} invoices/s`,
      seconds,
      peakMb: peakRssMb(pid),
    });
    return { idleMb, phases };
  } finally {
    await stopChild(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function rssRows(r: { idleMb: number; phases: RssPhase[] }): string[][] {
  return [
    ['one server, PostgreSQL', 'rate', 'seconds', 'peak RSS MB so far'],
    ['idle after start', '', '', fmt(r.idleMb)],
    ...r.phases.map((p) => [p.phase, p.rate, fmt(p.seconds, 1), fmt(p.peakMb)]),
  ];
}
