import { sql } from 'kysely';

/** The index probes a batch of ingestion runs before its inserts: which keys and numbers are taken. */

/**
 * A set of values as one parameter (a JSON array unnested by the server, as `k.value`): one
 * statement text whatever the batch size, and no deep expression trees (PGlite's stack is small).
 * Joined LATERAL to a subquery the planner may not flatten (`offset 0`, `limit`), each value is one
 * probe of the index: without that, and without statistics (autovacuum off, no ANALYZE after a bulk
 * load), the planner read all of the seller's invoices into a hash for every batch, so ingestion
 * slowed down in proportion to the store (10 ms per 100 keys at 20,000 invoices).
 */
function each(values: string[]) {
  return sql`jsonb_array_elements_text(${JSON.stringify(values)}::jsonb) as k(value)`;
}

/**
 * Which of `keys` the seller already has, as an invoice or as an event waiting for one (`key`), and
 * which of `numbers` its invoices hold, as `model/series/number` (`number`, any model and series).
 */
export function priorUseQuery(sellerId: string, keys: string[], numbers: string[]) {
  return sql<{ kind: 'key' | 'number'; value: string }>`
    select 'key' as kind, i.access_key as value from ${each(keys)}
    cross join lateral (
      select access_key from invoices where seller_id = ${sellerId} and access_key = k.value offset 0
    ) i
    union all
    select 'key', e.access_key from ${each(keys)}
    cross join lateral (
      select access_key from nfe_events where seller_id = ${sellerId} and access_key = k.value limit 1
    ) e
    union all
    select 'number', i.model || '/' || i.series || '/' || i.number from ${each([...new Set(numbers)])}
    cross join lateral (
      select model, series, number from invoices where seller_id = ${sellerId} and number = k.value offset 0
    ) i`;
}
