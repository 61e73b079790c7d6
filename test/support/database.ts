import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/infra/db/database.js';
import { loadMigrations, type Migration, migrate } from '../../src/infra/db/migrate.js';

export interface TestDatabase {
  database: Database;
  /** Where PGlite lives, or a scratch folder on PostgreSQL runs; use it as DATA_DIR. */
  dataDir: string;
  /** Set on PostgreSQL runs: the URL of this test's own fresh database. */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: PGlite in a temp dir by default, or a new database
 * on the server named by TEST_DATABASE_URL (dropped at close). `migrations`: only these (a store
 * as an older version left it, to test an upgrade).
 */
export async function createTestDatabase(
  label = 'test',
  { migrations }: { migrations?: Migration[] } = {},
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `invoicehub-${label}-`));
  const serverUrl = process.env.TEST_DATABASE_URL;
  let databaseUrl: string | undefined;
  let dropDatabase = async () => {};
  if (serverUrl) {
    const name = `ih_${label.replace(/\W/g, '_')}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    };
  }
  const template = process.env.INVOICEHUB_PGLITE_TEMPLATE;
  // The template holds every migration: not for an older store.
  if (!databaseUrl && !migrations && template && fs.existsSync(template)) {
    fs.cpSync(template, path.join(dataDir, 'pglite'), { recursive: true });
  }
  const database = await openDatabase({ databaseUrl, dataDir });
  await migrate(database.db, migrations ?? loadMigrations());
  return {
    database,
    dataDir,
    databaseUrl,
    close: async () => {
      await database.close();
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
