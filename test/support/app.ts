import type { FastifyInstance } from 'fastify';
import type { BlobStore } from '../../src/core/ports/blob-store.js';
import { ManualClock } from '../../src/infra/clock.js';
import type { JobWorker } from '../../src/infra/jobs/worker.js';
import { buildApp } from '../../src/main/app.js';
import { loadConfig } from '../../src/main/config.js';
import { type AppDeps, createDeps } from '../../src/main/deps.js';
import { startWorker } from '../../src/main/worker.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  url: string;
  app: FastifyInstance;
  deps: AppDeps;
  clock: ManualClock;
  db: TestDatabase;
  worker: JobWorker | undefined;
  /** Calls the operator API with the admin token. */
  admin(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The production app (buildApp) on a fresh database, listening on a loopback port, with a clock the
 * test moves by hand. `env` adds configuration variables exactly as an operator would set them.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  label = 'app',
  overrides: { blobs?: BlobStore } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(label);
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    ADMIN_TOKEN,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...env,
  });
  const deps = await createDeps(config, { clock, database: db.database, ...overrides });
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  deps.baseUrl.current = url;
  // As in `serve`: the worker runs in the same process unless WORKER_ENABLED=false.
  const worker = config.workerEnabled ? await startWorker(deps, app.log) : undefined;
  return {
    url,
    app,
    deps,
    clock,
    db,
    admin: (method, path, body, headers = {}) =>
      fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body !== undefined && !(body instanceof Uint8Array) && typeof body !== 'string'
            ? { 'content-type': 'application/json' }
            : {}),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: body instanceof Uint8Array || typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    worker,
    close: async () => {
      await app.close();
      await worker?.stop({ drainMs: 2000 });
      await db.close();
    },
  };
}
