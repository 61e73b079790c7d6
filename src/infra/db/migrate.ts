import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { packageRoot } from '../package-root.js';
import type { Db } from './database.js';

export interface Migration {
  version: string;
  sql: string;
}

export function loadMigrations(dir = path.join(packageRoot(), 'migrations')): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

// Any constant shared by every invoicehub process: concurrent starts on one PostgreSQL take turns.
const MIGRATION_LOCK = 727_274_001;

/**
 * Applies pending migrations in order, each in its own transaction. Returns the versions applied.
 * Refuses a database that would store text in another encoding than UTF-8 (LATIN1 and the like):
 * NF-e and renderings hold any Unicode text, and stored lengths are read as UTF-8 bytes (a listing
 * page's last rendering is cut off by its length). SQL_ASCII stores the bytes it is sent, UTF-8.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  const { rows } = await sql<{
    encoding: string;
  }>`select current_setting('server_encoding') as encoding`.execute(db);
  const encoding = rows[0]?.encoding ?? '';
  if (encoding !== 'UTF8' && encoding !== 'SQL_ASCII') {
    throw new Error(
      `the database is encoded in ${encoding}: invoicehub needs UTF8 (create it with ENCODING 'UTF8', e.g. from template0)`,
    );
  }
  await sql`create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())`.execute(
    db,
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      const exists = await trx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (exists) return false;
      await sql.raw(migration.sql).execute(trx);
      await trx.insertInto('schema_migrations').values({ version: migration.version }).execute();
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
