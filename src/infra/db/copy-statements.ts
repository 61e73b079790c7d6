import { type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * `COPY … FROM STDIN` through Kysely on PostgreSQL, so it runs on whatever connection or
 * transaction the query builder holds. Kysely only knows statements and parameters: a COPY is
 * written as its statement followed by this comment around its one parameter, the data; the
 * client's query (routeCopyStatements) sees the comment, drops it, and streams the data instead.
 * PGlite has no such route: only code that knows it runs on PostgreSQL may build these.
 */
const COPY_OPEN = ' /* copy data: ';
const COPY_DATA = `${COPY_OPEN}$1 */`;

/** `statement` (a `COPY … FROM STDIN`) with `data` as what it reads. */
export function copyStatement(statement: string, data: string | Buffer): RawBuilder<unknown> {
  return sql`${sql.raw(statement + COPY_OPEN)}${data}${sql.raw(' */')}`;
}

/** Routes this client's COPY statements (copyStatement) through pg-copy-streams. */
export function routeCopyStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text !== 'string' || !text.endsWith(COPY_DATA) || !Array.isArray(values))
      return query(...args);
    const data = values[0] as string | Buffer;
    return new Promise((resolve, reject) => {
      const stream = query(copyFrom(text.slice(0, -COPY_DATA.length))) as ReturnType<typeof copyFrom>;
      stream.on('error', reject);
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [] }));
      stream.end(data);
    });
  };
}
