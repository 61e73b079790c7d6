import type { ColumnType, Selectable } from 'kysely';
import type { JobReport } from '../../core/ports/jobs.js';

/** Kysely's view of migrations/0002_jobs.sql (to be merged into `DB` in src/infra/db/schema.ts). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'dead';

export interface JobsTable {
  job_id: string;
  queue: string;
  seller_id: string | null;
  payload: Json<unknown>;
  progress: Json<unknown> | null;
  status: JobStatus;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
  report: Json<JobReport> | null;
}

export interface JobsDB {
  jobs: JobsTable;
}

/** A job as the queue API returns it. */
export interface JobRow {
  jobId: string;
  queue: string;
  sellerId: string | null;
  payload: unknown;
  progress: unknown;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  report: JobReport | null;
}

export function toJobRow(r: Selectable<JobsTable>): JobRow {
  return {
    jobId: r.job_id,
    queue: r.queue,
    sellerId: r.seller_id,
    payload: r.payload,
    progress: r.progress,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    report: r.report,
  };
}
