import v8 from 'node:v8';

/**
 * How far V8 lets the JavaScript heap grow past what it holds before the next full collection.
 * Left to itself, on a machine with memory to spare, V8 allows up to 4x the live size whenever
 * allocation is fast — which is what getInvoices under load, a bulk ingestion and an export do,
 * with objects that live just long enough to be promoted. The server then sits at several times
 * the memory it uses. V8 reads this factor at every full collection, so it can be set once the
 * process runs (every isolate of the process, worker threads too); 0 leaves V8's own policy.
 */
export function setHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
