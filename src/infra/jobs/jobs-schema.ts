import type { ColumnType } from 'kysely';

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
}

export interface JobsDB {
  jobs: JobsTable;
}
