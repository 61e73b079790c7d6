import type { FastifyInstance } from 'fastify';
import type { BlobStore } from '../../src/core/ports/blob-store.js';
import { ManualClock } from '../../src/infra/clock.js';
import type { JobWorker } from '../../src/infra/jobs/worker.js';
import { buildApp } from '../../src/main/app.js';
import { loadConfig } from '../../src/main/config.js';
import { type AppDeps, createDeps } from '../../src/main/deps.js';
import { listen } from '../../src/main/server.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { operatorClient } from './operator.js';

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
  overrides: { blobs?: BlobStore; logStream?: NodeJS.WritableStream } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(label);
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    ADMIN_TOKEN,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...env,
  });
  const { logStream, ...depOverrides } = overrides;
  const deps = await createDeps(config, { clock, database: db.database, ...depOverrides });
  const app = await buildApp(deps, logStream ? { logStream } : {});
  // As `serve` does: listen, point links at the server, start the in-process worker.
  const { port, worker } = await listen(app, deps);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    app,
    deps,
    clock,
    db,
    admin: operatorClient(url, ADMIN_TOKEN).admin,
    worker,
    close: async () => {
      await app.close();
      await worker?.stop({ drainMs: 2000 });
      await db.close();
    },
  };
}
