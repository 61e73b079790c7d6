import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';

/**
 * Hot statements as named prepared statements on PostgreSQL: parsed and planned once per
 * connection instead of once per call (planning a getInvoices page cost more than running it).
 * A statement opts in by ending with this marker (`.modifyEnd(PREPARED)`); the rest stay unnamed,
 * so the set of names per connection stays small and bounded by the hot queries' shapes. Only
 * statements whose every plan uses the one index that fits belong here: a generic plan chosen on
 * stale statistics is what made the foreign-key probes of ingestion slow (migrations/0009).
 * PGlite runs in process and sees the marker as a comment.
 */
export const PREPARED = sql`/* prepared */`;
const MARKER = '/* prepared */';

/** Routes marked statements of this client through named prepared statements. */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === 'string' && text.endsWith(MARKER) && Array.isArray(values) && args.length === 2) {
      let name = names.get(text);
      if (!name) {
        name = `ih_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
        names.set(text, name);
      }
      return query({ name, text, values });
    }
    return query(...args);
  };
}
