import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * Empties every table of the store in one transaction, keeping the schema, its migrations and the
 * signing secret (so page tokens and links of other processes stay verifiable). For `invoicehub
 * reset` on a sandbox; nothing reaches it over HTTP.
 */
export async function emptyStore(db: Db): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await sql<{ tablename: string }>`
      select tablename from pg_tables
      where schemaname = current_schema() and tablename not in ('schema_migrations', 'settings')
      order by tablename`.execute(trx);
    const tables = rows.rows.map((r) => r.tablename);
    if (tables.length) {
      await sql
        .raw(`truncate ${tables.map((t) => `"${t}"`).join(', ')} restart identity cascade`)
        .execute(trx);
    }
    await sql`delete from settings where key <> 'signing_secret'`.execute(trx);
    return tables;
  });
}
