import { sql } from 'kysely';
import type { Database } from './database.js';

/** A table is vacuumed once it has grown this share (and at least MIN_PAGES) past its all-visible pages. */
const SHARE = 0.1;
const MIN_PAGES = 64;

/**
 * What autovacuum does, for tables that get none: every table on PGlite (it runs no background
 * workers) and, on PostgreSQL, tables whose autovacuum is off (server-wide or per table).
 *
 * The signal is how far a table has grown past the pages its last VACUUM found all-visible, which
 * needs no statistics (PGlite keeps none across restarts): inserted rows and updated rows' new
 * versions land on such pages (updates that fit in place go unseen until the table grows again).
 * Until they are vacuumed, an index-only scan (a getInvoices page) visits the table for every row
 * (a VACUUM after a bulk load of 100k invoices: 1.37x getInvoices' throughput on PostgreSQL), dead
 * row versions are never reclaimed, and the planner has no statistics at all. VACUUM skips pages
 * already all-visible, so a run costs what was written since the last one; on PGlite it holds the
 * one session meanwhile (~0.7 s per 100k new invoices). Returns the tables vacuumed.
 */
export async function vacuumWhereNeeded(database: Database): Promise<string[]> {
  const { rows } = await sql<{ table: string; pages: number; visible: number; autovacuumed: boolean }>`
    select c.relname as "table",
           (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
           c.relallvisible::int as visible,
           current_setting('autovacuum') = 'on'
             and not coalesce('autovacuum_enabled=false' = any(c.reloptions), false) as autovacuumed
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind = 'r'
     order by c.relname`.execute(database.db);
  const vacuumed: string[] = [];
  for (const t of rows) {
    if (database.kind === 'postgres' && t.autovacuumed) continue;
    if (t.pages - t.visible < Math.max(MIN_PAGES, t.pages * SHARE)) continue;
    await sql`vacuum (analyze) ${sql.id(t.table)}`.execute(database.db);
    vacuumed.push(t.table);
  }
  return vacuumed;
}
