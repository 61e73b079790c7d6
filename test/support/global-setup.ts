import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/infra/db/database.js';
import { migrate } from '../../src/infra/db/migrate.js';
import { ensureCliBuilt } from './cli-process.js';

/**
 * Creating a PGlite cluster (initdb) takes seconds; copying a migrated one takes milliseconds. On
 * PGlite runs, build one template per run and let every test file start from a copy of it.
 */
export default async function setup(): Promise<() => void> {
  // Threads load the build of the sources (a thread cannot load TypeScript): keep it current.
  ensureCliBuilt();
  if (process.env.TEST_DATABASE_URL) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-template-'));
  // A timer that holds the process: were the database thread to hang without holding it, vitest
  // would otherwise exit 0 having run no test at all.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the PGlite template was not ready within 120 s')), 120_000);
  });
  try {
    await Promise.race([
      timeout,
      (async () => {
        const database = await openDatabase({ databaseUrl: undefined, dataDir: dir });
        await migrate(database.db);
        await database.close();
      })(),
    ]);
  } finally {
    clearTimeout(timer);
  }
  process.env.INVOICEHUB_PGLITE_TEMPLATE = path.join(dir, 'pglite');
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
