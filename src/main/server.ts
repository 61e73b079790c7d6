import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../core/demo/demo-data.js';
import type { IssuedCredentials } from '../core/sellers/sellers-service.js';
import type { JobWorker } from '../infra/jobs/worker.js';
import { buildApp } from './app.js';
import { type Config, publicBaseUrl } from './config.js';
import { type AppDeps, createDeps, demoDeps, resolveAdminToken } from './deps.js';
import { sellerCenterTryLines } from './sellercenter-banner.js';
import { startWorker } from './worker.js';

export interface RunningServer {
  app: FastifyInstance;
  deps: AppDeps;
  url: string;
  close(): Promise<void>;
}

const DEMO_FILE = 'demo-credentials.json';

/**
 * On an empty store with DEMO_DATA on, seed the demo seller. Its credentials are kept in DATA_DIR
 * (sandbox convenience, documented) so every start can print them again.
 */
export async function ensureDemo(
  deps: AppDeps,
  opts: { fresh?: boolean; say?: (line: string) => void } = {},
): Promise<IssuedCredentials | undefined> {
  const file = path.join(deps.config.dataDir, DEMO_FILE);
  // After a reset the old credentials are gone with their seller.
  if (opts.fresh) fs.rmSync(file, { force: true });
  if ((await deps.store.sellers.count()) === 0 && deps.config.demoData) {
    const { credentials, summary } = await seedDemo(demoDeps(deps));
    fs.mkdirSync(deps.config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    (opts.say ?? console.log)(
      `Seeded the demo marketplace: ${summary.invoices} invoices, ${summary.orders} orders; ` +
        `Kaufland: ${summary.kaufland.orders} orders, ${summary.kaufland.invoices} order invoices.`,
    );
    return credentials;
  }
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as IssuedCredentials;
}

function banner(
  url: string,
  adminToken: { token: string; fromEnv: boolean; file: string },
  demo?: IssuedCredentials,
) {
  const lines = [`invoicehub listening on ${url}  (docs: ${url}/docs)`];
  // A token from ADMIN_TOKEN is the operator's own: not echoed. A generated one lives in DATA_DIR.
  lines.push(
    adminToken.fromEnv
      ? 'Operator API token: the ADMIN_TOKEN you set'
      : `Operator API token (generated, kept in ${adminToken.file}): ${adminToken.token}`,
  );
  if (demo) {
    lines.push(
      '',
      'Demo seller (sandbox):',
      `  sellerId      ${demo.sellerId}`,
      `  clientId      ${demo.clientId}`,
      `  clientSecret  ${demo.clientSecret}`,
      `  refreshToken  ${demo.refreshToken}`,
      '',
      'Try Kaufland (signed with openssl):',
      `  URL='${url}/kaufland/v2/order-invoices?storefront=de'; TS=$(date +%s)`,
      `  SIG=$(printf 'GET\\n%s\\n\\n%s' "$URL" "$TS" | openssl dgst -sha256 -hmac '${demo.clientSecret}' | sed 's/^.* //')`,
      `  curl -s "$URL" -H 'Shop-Client-Key: ${demo.clientId}' -H "Shop-Timestamp: $TS" -H "Shop-Signature: $SIG"`,
      '',
      'Try SP-API:',
      `  TOKEN=$(curl -s ${url}/auth/o2/token -d grant_type=refresh_token -d client_id=${demo.clientId} \\`,
      `      -d client_secret=${demo.clientSecret} --data-urlencode 'refresh_token=${demo.refreshToken}' \\`,
      `      | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `  curl -s "${url}/tax/invoices/2024-06-19/invoices?marketplaceId=A2Q3Y263D00KWC&pageSize=5" -H "x-amz-access-token: $TOKEN"`,
      '',
      ...sellerCenterTryLines(url, demo),
    );
  }
  console.log(lines.join('\n'));
}

/**
 * Listens on HOST:PORT, points download links at the public base URL and starts the in-process
 * worker unless WORKER_ENABLED=false: what `serve` and the tests share.
 */
export async function listen(
  app: FastifyInstance,
  deps: AppDeps,
): Promise<{ url: string; port: number; worker: JobWorker | undefined }> {
  const { config } = deps;
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = publicBaseUrl(config, port);
  deps.baseUrl.current = url;
  const worker = config.workerEnabled ? await startWorker(deps, app.log) : undefined;
  return { url, port, worker };
}

/** Fails before anything is written when HOST:PORT is taken (PORT=0 picks a free one: nothing to check). */
async function assertPortFree(config: Config): Promise<void> {
  if (config.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`${config.host}:${config.port} is already in use: stop what listens there, or set PORT`)
          : err,
      ),
    );
    probe.listen(config.port, config.host, () => probe.close(() => resolve()));
  });
}

/** `invoicehub serve`: open, migrate, seed, listen; drain on SIGINT/SIGTERM. */
export async function startServer(config: Config, opts: { quiet?: boolean } = {}): Promise<RunningServer> {
  await assertPortFree(config);
  const deps = await createDeps(config);
  let app: FastifyInstance | undefined;
  try {
    const demo = await ensureDemo(deps);
    app = await buildApp(deps);
    const { url, worker } = await listen(app, deps);
    if (!opts.quiet) banner(url, { ...resolveAdminToken(config), fromEnv: Boolean(config.adminToken) }, demo);
    const running = app;
    let closing: Promise<void> | undefined;
    return {
      app: running,
      deps,
      url,
      close: () => {
        // Stop taking requests and drain them, then let running jobs finish or hand them back.
        closing ??= (async () => {
          await running.close();
          await worker?.stop({ drainMs: 10_000 });
          await deps.db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await app?.close();
    await deps.db.close();
    throw err;
  }
}
