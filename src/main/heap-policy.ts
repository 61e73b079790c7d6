import v8 from 'node:v8';
import type { Config } from './config.js';

/**
 * How `serve` and `worker` have V8 manage their heap; V8 reads both flags while it runs, so they
 * are set once the configuration is read (for every isolate of the process, threads too).
 *
 * Growth: how far the heap may grow past what it holds before the next full collection. Left to
 * itself, on a machine with memory to spare, V8 allows up to 4x the live size whenever allocation
 * is fast — which is what getInvoices under load, a bulk ingestion and an export do, with objects
 * that live just long enough to be promoted. The server then sits at several times the memory it
 * uses.
 *
 * Pretenuring: V8 watches where objects are created and, when most from one place outlive a young
 * collection, creates the next ones straight in the old generation. Under load a request's objects
 * are still in flight at a young collection, so V8 decides that a page's are long-lived: they then
 * fill the old generation (~75 MB/s at 2,000 getInvoices a second) and cost a full collection
 * every half second, for objects that die a few milliseconds later.
 */
export function applyHeapPolicy(c: Pick<Config, 'heapGrowthPercent' | 'heapPretenuring'>): void {
  // HEAP_GROWTH_PERCENT=0 leaves V8's own growth policy.
  if (c.heapGrowthPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${c.heapGrowthPercent}`);
  if (!c.heapPretenuring) v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
