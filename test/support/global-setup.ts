import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/infra/db/database.js';
import { migrate } from '../../src/infra/db/migrate.js';

/**
 * Creating a PGlite cluster (initdb) takes seconds; copying a migrated one takes milliseconds. On
 * PGlite runs, build one template per run and let every test file start from a copy of it.
 */
export default async function setup(): Promise<() => void> {
  if (process.env.TEST_DATABASE_URL) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-template-'));
  const database = await openDatabase({ databaseUrl: undefined, dataDir: dir });
  await migrate(database.db);
  await database.close();
  process.env.INVOICEHUB_PGLITE_TEMPLATE = path.join(dir, 'pglite');
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
