import type { Repositories } from './store.js';

/** A job to run later; enqueued in the transaction that writes the record it processes. */
export interface EnqueueSpec<P = unknown> {
  /** The job type; a worker claims only the queues it has handlers for. */
  queue: string;
  payload: P;
  sellerId?: string | null;
  /** Not before this time (default: now). */
  runAt?: Date;
  maxAttempts?: number;
  /** Enqueue once: a second enqueue with the same queue and key returns the first job's id. */
  dedupeKey?: string;
}

/** What a job has done so far, as the operator sees it: `{done: 1200, unit: 'invoices'}`. */
export interface JobReport {
  done: number;
  unit: string;
  total?: number;
}

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'dead'] as const;

/** A job as the operator sees it. */
export interface JobView {
  jobId: string;
  queue: string;
  sellerId: string | null;
  status: (typeof JOB_STATUSES)[number];
  attempts: number;
  maxAttempts: number;
  report: JobReport | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The job table as the core uses it, bound to a transaction or to the store. */
export interface JobsPort {
  /** Returns the job's id. */
  enqueue<P>(spec: EnqueueSpec<P>): Promise<string>;
  /** The newest jobs first, optionally of one queue or status. */
  recent(filter: { queue?: string; status?: JobView['status'] }, limit: number): Promise<JobView[]>;
  /** Deletes up to `limit` jobs finished before `before`; returns how many. */
  prune(before: Date, limit?: number): Promise<number>;
}

/** What a handler sees. Handlers must be idempotent: after a crash the same job runs again. */
export interface JobContext<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  /** The last checkpoint saved by an earlier attempt (e.g. a keyset cursor), or null. */
  progress: unknown;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  sellerId: string | null;
  /** Aborted when the lease is lost or on shutdown after the drain time: stop promptly. */
  signal: AbortSignal;
  /**
   * Saves progress; pass the transaction that writes the step's effects so both commit together.
   * Throws (rolling that transaction back) when the job is no longer this worker's.
   */
  checkpoint(progress: unknown, tx?: Repositories): Promise<void>;
  /**
   * Tells the operator how far the job is (`done` so far, counting earlier attempts). Cheap to call
   * often: it is written at most about once a second, and once more when the job settles.
   */
  report(done: number, unit: string, total?: number): void;
}

export type JobHandler<P = unknown> = (job: JobContext<P>) => Promise<void>;

/** Throw from a handler to bury the job at once instead of retrying. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}
