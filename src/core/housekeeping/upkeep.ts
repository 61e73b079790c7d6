import type { Clock } from '../ports/clock.js';
import type { JobsPort } from '../ports/jobs.js';

/** The store's upkeep on its own (VACUUM where autovacuum does not reach; see Housekeeping). */
export const UPKEEP_QUEUE = 'store-upkeep';

/** New invoices a bulk load stores before it asks for the upkeep instead of waiting for the hour. */
export const UPKEEP_AFTER_INVOICES = 1000;

const MINUTE = 60_000;

/**
 * Asks for the store's upkeep a minute from now. Bulk loads in a row share one run (the minute is
 * the job's dedupe key), and a store just bulk-loaded is vacuumed without waiting for the hourly
 * housekeeping: until then its listing's index-only scan visits the table for every row.
 */
export async function requestUpkeep(jobs: JobsPort, clock: Clock): Promise<void> {
  const minute = Math.floor(clock.now().getTime() / MINUTE);
  await jobs.enqueue({
    queue: UPKEEP_QUEUE,
    payload: {},
    runAt: new Date((minute + 1) * MINUTE),
    dedupeKey: `minute:${minute}`,
    maxAttempts: 3,
  });
}
