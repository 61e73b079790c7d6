import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { benchDir, cliPath, fmt, type LoadResult, peakRssMb, runLoad, startChild, stopChild } from './lib.js';

/**
 * Kaufland's order invoices on a fresh demo store: the list (30 per page, over `invoices` uploaded
 * invoices) and 10 MiB uploads, each against a bare Fastify server receiving and answering the same
 * bytes in the same run. Requests are signed once: a signature stays valid for the 300 s window.
 */
export interface KauflandResult {
  label: string;
  list: { target: LoadResult; baseline: LoadResult };
  upload: { target: LoadResult; baseline: LoadResult; peakRssMb: number; fileMb: number };
}

const BASE = '/kaufland/v2/order-invoices';

function signedHeaders(
  url: string,
  method: string,
  body: Buffer,
  creds: { clientId: string; clientSecret: string },
) {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', creds.clientSecret)
    .update(`${method}\n${url}\n`)
    .update(body)
    .update(`\n${ts}`)
    .digest('hex');
  return {
    'shop-client-key': creds.clientId,
    'shop-timestamp': ts,
    'shop-signature': signature,
    'content-type': 'application/json',
  };
}

/** A PDF of `bytes` bytes: a real header, then filler in a comment-free stream. */
function pdfOf(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n');
  return Buffer.concat([head, Buffer.alloc(bytes - head.length, 0x41)]);
}

async function freshEnv(
  kind: 'pglite' | 'postgres',
  serverUrl: string | undefined,
  tmp: string,
): Promise<{ env: Record<string, string>; drop?: () => Promise<void> }> {
  const DATA_DIR = path.join(tmp, 'data');
  if (kind === 'pglite') return { env: { DATA_DIR } };
  const name = `invoicehub_bench_kaufland_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl as string);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR, DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

export async function benchKaufland(
  kind: 'pglite' | 'postgres',
  opts: { serverUrl?: string; invoices: number; connections: number; durationSeconds: number },
): Promise<KauflandResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bench-kaufland-'));
  const { env, drop } = await freshEnv(kind, opts.serverUrl, tmp);
  const server = await startChild(
    [cliPath, 'serve'],
    { ...env, PORT: '0', RATE_LIMITS_ENABLED: 'false', LOG_LEVEL: 'warn', DEMO_DATA: 'true' },
    /listening on (http:\/\/\S+)/,
  );
  let baseline: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const url = server.match[1] as string;
    const creds = JSON.parse(
      fs.readFileSync(path.join(env.DATA_DIR as string, 'demo-credentials.json'), 'utf8'),
    );
    const orders = ['MXE5BY1', 'MB7UWLD', 'MQ3ZK8T', 'MC4HN2R'];

    // The listed store: `invoices` small uploads, 8 at a time, through the API itself.
    const small = Buffer.from(
      JSON.stringify({
        original_name: 'r.pdf',
        mime_type: 'application/pdf',
        data: pdfOf(2048).toString('base64'),
      }),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < opts.invoices) {
          const target = `${url}${BASE}/${orders[next++ % orders.length]}`;
          const res = await fetch(target, {
            method: 'POST',
            headers: signedHeaders(target, 'POST', small, creds),
            body: small,
          });
          if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
        }
      }),
    );

    const listPath = `${BASE}?storefront=de`;
    const listHeaders = signedHeaders(`${url}${listPath}`, 'GET', Buffer.alloc(0), creds);
    const page = Buffer.from(await (await fetch(url + listPath, { headers: listHeaders })).arrayBuffer());
    const listLoad = { paths: [listPath], headers: listHeaders, connections: opts.connections };
    await runLoad({ ...listLoad, url, durationSeconds: 2 });
    const listTarget = await runLoad({ ...listLoad, url, durationSeconds: opts.durationSeconds });

    // 10 MiB uploads: few connections (each request carries ~14 MB of base64).
    const fileBytes = 10 * 1024 * 1024;
    const uploadFile = path.join(tmp, 'upload.json');
    const big = Buffer.from(
      JSON.stringify({
        original_name: 'big.pdf',
        mime_type: 'application/pdf',
        data: pdfOf(fileBytes).toString('base64'),
      }),
    );
    fs.writeFileSync(uploadFile, big);
    const uploadPath = `${BASE}/${orders[0]}`;
    const uploadLoad = {
      paths: [uploadPath],
      headers: signedHeaders(`${url}${uploadPath}`, 'POST', big, creds),
      connections: 4,
      bodyFile: uploadFile,
    };
    const uploadTarget = await runLoad({ ...uploadLoad, url, durationSeconds: opts.durationSeconds });
    const peak = peakRssMb(server.child.pid as number);

    const pageFile = path.join(tmp, 'page.json');
    fs.writeFileSync(pageFile, page);
    baseline = await startChild([path.join(benchDir, 'baseline-server.js'), pageFile], {}, /LISTENING (\d+)/);
    const baseUrl = `http://127.0.0.1:${baseline.match[1]}`;
    await runLoad({ ...listLoad, url: baseUrl, durationSeconds: 2 });
    const listBase = await runLoad({ ...listLoad, url: baseUrl, durationSeconds: opts.durationSeconds });
    const uploadBase = await runLoad({ ...uploadLoad, url: baseUrl, durationSeconds: opts.durationSeconds });
    for (const [what, r] of [
      ['list', listTarget],
      ['upload', uploadTarget],
    ] as const) {
      if (r.non2xx || r.errors)
        process.stderr.write(`warning: ${what}: ${r.non2xx} non-2xx, ${r.errors} errors\n`);
    }
    return {
      label: kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
      list: { target: listTarget, baseline: listBase },
      upload: {
        target: uploadTarget,
        baseline: uploadBase,
        peakRssMb: peak,
        fileMb: fileBytes / 1024 / 1024,
      },
    };
  } finally {
    if (baseline) await stopChild(baseline.child);
    await stopChild(server.child);
    await drop?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function kauflandRows(results: KauflandResult[]): string[][] {
  const rows = [['Kaufland', 'req/s', 'p50 ms', 'p99 ms', 'vs bare Fastify', 'server peak RSS']];
  for (const r of results) {
    const ratio = (t: LoadResult, b: LoadResult) => `${fmt((t.rps / b.rps) * 100, 1)} %`;
    rows.push([
      `list (30/page) · ${r.label}`,
      fmt(r.list.target.rps),
      fmt(r.list.target.p50, 1),
      fmt(r.list.target.p99, 1),
      ratio(r.list.target, r.list.baseline),
      '',
    ]);
    rows.push([
      '  bare Fastify, same bytes',
      fmt(r.list.baseline.rps),
      fmt(r.list.baseline.p50, 1),
      fmt(r.list.baseline.p99, 1),
      '100 %',
      '',
    ]);
    rows.push([
      `upload ${r.upload.fileMb} MiB · ${r.label}`,
      fmt(r.upload.target.rps, 1),
      fmt(r.upload.target.p50),
      fmt(r.upload.target.p99),
      ratio(r.upload.target, r.upload.baseline),
      `${fmt(r.upload.peakRssMb)} MB`,
    ]);
    rows.push([
      '  bare Fastify, receiving the body',
      fmt(r.upload.baseline.rps, 1),
      fmt(r.upload.baseline.p50),
      fmt(r.upload.baseline.p99),
      '100 %',
      '',
    ]);
  }
  return rows;
}
