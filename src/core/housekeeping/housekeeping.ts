import type { LwaService } from '../credentials/lwa-service.js';
import { exportPrefix } from '../exports/export-job.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';

export const HOUSEKEEPING_QUEUE = 'housekeeping';
const HOUR = 3_600_000;

/** The store's own upkeep where the database does none (VACUUM): returns the tables it tended. */
export type StoreUpkeep = () => Promise<string[]>;

/**
 * Retention and cleanup, run as a job once an hour (one run per hour whatever the number of
 * workers: the hour is the job's dedupe key). Expired exports lose their blobs first, then their
 * rows, so a crash in between leaves a row to retry, never an orphaned blob. Last, the store's
 * upkeep, once the pruning has left its dead rows.
 */
export class Housekeeping {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly lwa: LwaService,
    private readonly upkeep: StoreUpkeep = async () => [],
  ) {}

  async run(): Promise<{ exportsDeleted: number; jobsPruned: number; vacuumed: string[] }> {
    const now = this.clock.now();
    let exportsDeleted = 0;
    while (true) {
      const batch = await this.store.exports.expired(now, 100);
      for (const e of batch) {
        await this.blobs.deletePrefix(exportPrefix(e.seller_id, e.export_id));
        await this.store.exports.delete(e.seller_id, e.export_id);
        exportsDeleted++;
      }
      if (batch.length < 100) break;
    }
    await this.lwa.purgeExpired();
    const jobsPruned = await this.store.jobs.prune(new Date(now.getTime() - 7 * 24 * HOUR));
    return { exportsDeleted, jobsPruned, vacuumed: await this.upkeep() };
  }

  /** The store's upkeep alone (the UPKEEP_QUEUE job, asked for after bulk loads). */
  upkeepNow(): Promise<string[]> {
    return this.upkeep();
  }

  /** Enqueues this hour's run (and the next one's) unless another process already did. */
  async schedule(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const hour of [Math.floor(now / HOUR), Math.floor(now / HOUR) + 1]) {
      await this.store.jobs.enqueue({
        queue: HOUSEKEEPING_QUEUE,
        payload: {},
        runAt: new Date(hour * HOUR),
        dedupeKey: `hour:${hour}`,
        maxAttempts: 3,
      });
    }
  }
}
