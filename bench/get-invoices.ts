import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from './dataset.js';
import {
  benchDir,
  cliPath,
  fmt,
  type LoadResult,
  runLoad,
  SERVER_ENV,
  startChild,
  stopChild,
} from './lib.js';
import { startPrism } from './prism.js';

export interface LoadAt {
  connections: number;
  target: LoadResult;
  /** Null when not measured (the scale case). */
  baseline: LoadResult | null;
  /** Stoplight Prism mocking Amazon's model (null when it is not installed). */
  prism: LoadResult | null;
}

export interface CaseResult {
  label: string;
  pageBytes: number;
  loads: LoadAt[];
}

const BASE = '/tax/invoices/2024-06-19/invoices';

export async function token(url: string, d: Dataset): Promise<string> {
  const res = await fetch(`${url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'refresh_token',
      client_id: d.credentials.clientId,
      client_secret: d.credentials.clientSecret,
      refresh_token: d.credentials.refreshToken,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * getInvoices, pages of 100 with a status filter over the whole dataset: the first `pages` pages
 * of one walk, requested round-robin, at each connection count, against a bare Fastify server
 * serving the first page's bytes and Stoplight Prism mocking Amazon's model, in the same run.
 */
export async function benchGetInvoices(
  d: Dataset,
  opts: { connections: number[]; durationSeconds: number; pages: number; baselines?: boolean },
): Promise<CaseResult> {
  const { child, match } = await startChild(
    [cliPath, 'serve'],
    { ...d.env, ...SERVER_ENV },
    /listening on (http:\/\/\S+)/,
  );
  const others: ChildProcess[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bench-'));
  try {
    const url = match[1] as string;
    const headers = { 'x-amz-access-token': await token(url, d) };
    const first = `${BASE}?marketplaceId=A2Q3Y263D00KWC&statuses=AUTHORIZED&dateStart=2020-01-01&pageSize=100`;
    const paths = [first];
    let firstBody: Buffer | undefined;
    for (let next: string | undefined = first; paths.length <= opts.pages && next; ) {
      const res = await fetch(url + next, { headers });
      const raw = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`getInvoices answered ${res.status}: ${raw}`);
      firstBody ??= raw;
      const body = JSON.parse(raw.toString()) as { nextToken?: string };
      next = body.nextToken
        ? `${BASE}?marketplaceId=A2Q3Y263D00KWC&nextToken=${encodeURIComponent(body.nextToken)}`
        : undefined;
      if (next && paths.length < opts.pages) paths.push(next);
      else break;
    }
    const bodyFile = path.join(tmp, 'page.json');
    fs.writeFileSync(bodyFile, firstBody as Buffer);
    const withBaselines = opts.baselines ?? true;
    const baseline = await startChild(
      [path.join(benchDir, 'baseline-server.js'), bodyFile],
      {},
      /LISTENING (\d+)/,
    );
    others.push(baseline.child);
    const baseUrl = `http://127.0.0.1:${baseline.match[1]}`;
    const prism = withBaselines ? await startPrism() : null;
    if (prism) others.push(prism.child);
    const loads: LoadAt[] = [];
    for (const connections of opts.connections) {
      const load = { paths, headers, connections, durationSeconds: opts.durationSeconds };
      const measure = async (at: string) => {
        await runLoad({ ...load, url: at, durationSeconds: 2 }); // warm-up: JIT, caches, pools
        return runLoad({ ...load, url: at });
      };
      const target = await measure(url);
      if (target.non2xx || target.errors) {
        process.stderr.write(
          `warning: ${target.non2xx} non-2xx answers and ${target.errors} errors under load\n`,
        );
      }
      loads.push({
        connections,
        target,
        baseline: withBaselines ? await measure(baseUrl) : null,
        prism: prism ? await measure(prism.url) : null,
      });
    }
    process.stderr.write(
      `  ${d.label}: ${paths.length} distinct pages of ${fmt((firstBody as Buffer).length)} bytes\n`,
    );
    return { label: d.label, pageBytes: (firstBody as Buffer).length, loads };
  } finally {
    for (const other of others) await stopChild(other);
    await stopChild(child);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
