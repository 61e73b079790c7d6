import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { routeCopyStatements } from './copy-statements.js';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import { openPGliteThread } from './pglite-thread.js';
import { prepareMarkedStatements } from './prepared-statements.js';
import type { DB } from './schema.js';

export type Db = Kysely<DB>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
}

// int8 (counts, sums) as numbers: every value we store fits in 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
      // A dead server must not hang requests forever.
      connectionTimeoutMillis: 10_000,
    });
    // Idle clients see server restarts as errors; without a listener they would crash the process.
    pool.on('error', () => {});
    // A server restart also errors the clients checked out at that moment; the failed query already
    // reports it, so this listener only keeps the event from crashing the process.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      prepareMarkedStatements(client);
      routeCopyStatements(client);
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => db.destroy(),
    };
  }
  const unlock = lockDataDir(options.dataDir);
  try {
    const pglite = await openPGliteThread(`${options.dataDir}/pglite`);
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      ping: async () => {
        await pglite.query('select 1', []);
      },
      close: async () => {
        try {
          await db.destroy();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
