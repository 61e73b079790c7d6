import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobQueue } from './queue.js';
import type { JobOutcome } from './worker.js';

export interface JobMetrics {
  /** Pass as JobWorkerOptions.onOutcome. */
  onOutcome(queue: string, outcome: JobOutcome, seconds: number): void;
  /** Pass as JobWorkerOptions.onItems. */
  onItems(queue: string, unit: string, count: number): void;
}

/**
 * Registers the job metrics on `registry`: runs by queue and outcome, run durations, and the queue
 * depth (read from the database at scrape time, so every process reports the shared table).
 */
export function registerJobMetrics(registry: Registry, queue: JobQueue): JobMetrics {
  const runs = new Counter({
    name: 'invoicehub_jobs_processed_total',
    help: 'Job runs finished by this process, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'invoicehub_job_duration_seconds',
    help: 'Duration of job runs, by queue',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.25, 1, 5, 30, 120, 600, 3600],
    registers: [registry],
  });
  new Gauge({
    name: 'invoicehub_jobs',
    help: 'Jobs in the queue table by queue and status (queued, running, dead)',
    labelNames: ['queue', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // A database outage must not take the rest of /metrics down with it.
      const rows = await queue.depth().catch(() => []);
      for (const row of rows) this.set({ queue: row.queue, status: row.status }, row.count);
    },
  });
  const items = new Counter({
    name: 'invoicehub_job_items_total',
    help: 'Items jobs of this process reported done (e.g. invoices written into exports), by queue and unit',
    labelNames: ['queue', 'unit'] as const,
    registers: [registry],
  });
  return {
    onItems(queueName, unit, count) {
      items.inc({ queue: queueName, unit }, count);
    },
    onOutcome(queueName, outcome, seconds) {
      runs.inc({ queue: queueName, outcome });
      duration.observe({ queue: queueName }, seconds);
    },
  };
}
