import { pino } from 'pino';
import { openDatabase } from '../../infra/db/database.js';
import { migrate } from '../../infra/db/migrate.js';
import { createDeps } from '../deps.js';
import { applyHeapPolicy } from '../heap-policy.js';
import { startServer } from '../server.js';
import { startWorker } from '../worker.js';
import { config } from './local-deps.js';

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** `invoicehub serve`: what `npm start` runs. */
export async function serve(): Promise<number> {
  const c = config();
  applyHeapPolicy(c);
  const server = await startServer(c);
  const signal = await untilSignal();
  server.app.log.info({ signal }, 'shutting down: draining requests');
  await server.close();
  return 0;
}

/** `invoicehub worker`: jobs only, no HTTP; several may share one PostgreSQL with the servers. */
export async function worker(): Promise<number> {
  const c = config();
  applyHeapPolicy(c);
  const deps = await createDeps(c);
  const logger = pino({ level: deps.config.logLevel });
  const running = await startWorker(deps, logger);
  logger.info({ concurrency: deps.config.workerConcurrency }, 'worker started');
  await untilSignal();
  logger.info('worker stopping: finishing or handing back running jobs');
  await running.stop({ drainMs: 10_000 });
  await deps.db.close();
  return 0;
}

export async function migrateCommand(): Promise<number> {
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
