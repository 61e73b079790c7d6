import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { Clock } from '../../core/ports/clock.js';
import type { Ids } from '../../core/ports/ids.js';
import type { EnqueueSpec, JobReport } from '../../core/ports/jobs.js';
import { systemClock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { systemIds } from '../ids.js';
import { type JobRow, type JobStatus, type JobsTable, toJobRow } from './jobs-schema.js';

/** The database or a transaction on it: callers enqueue in the transaction that writes their record. */
export type Executor = Kysely<DB>;

/**
 * Proof of ownership of one claim. Every write after the claim is fenced on all three fields, so a
 * worker that stalled past its lease can't touch the job once another claim took it over (the
 * attempt number tells two claims apart even when the same worker made both).
 */
export interface Lease {
  jobId: string;
  workerId: string;
  attempt: number;
}

export interface ClaimedJob {
  id: string;
  queue: string;
  payload: unknown;
  /** The last checkpoint saved by an earlier attempt, or null. */
  progress: unknown;
  sellerId: string | null;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  createdAt: Date;
  lease: Lease;
}

export interface QueueDepth {
  queue: string;
  status: 'queued' | 'running' | 'dead';
  count: number;
}

export type { JobRow };

export type FailOutcome = 'retry' | 'dead' | 'lost';

export interface JobQueueOptions {
  clock?: Clock;
  ids?: Ids;
  defaultMaxAttempts?: number;
  /** Retry n waits between half and all of min(base * 2^(n-1), max): exponential with jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
}

const MAX_ERROR_CHARS = 8000;

function errorText(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

const owned = (lease: Lease) => ({
  job_id: lease.jobId,
  locked_by: lease.workerId,
  attempts: lease.attempt,
  status: 'running' as const,
});

/** The jobs table: enqueue, claim with leases, and settle. Times come from the injected clock. */
export class JobQueue {
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly defaultMaxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly random: () => number;

  constructor(
    private readonly db: Executor,
    options: JobQueueOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? systemIds;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 8;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 10 * 60_000;
    this.random = options.random ?? Math.random;
  }

  /** Inserts a job through `executor` (pass the caller's transaction); returns its id. */
  async enqueue<P>(executor: Executor, spec: EnqueueSpec<P>): Promise<string> {
    const now = this.clock.now();
    const maxAttempts = spec.maxAttempts ?? this.defaultMaxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be >= 1');
    const insert = executor
      .insertInto('jobs')
      .values({
        job_id: this.ids.uuid(),
        queue: spec.queue,
        seller_id: spec.sellerId ?? null,
        payload: JSON.stringify(spec.payload ?? null),
        status: 'queued',
        max_attempts: maxAttempts,
        run_at: spec.runAt ?? now,
        dedupe_key: spec.dedupeKey ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('job_id');
    if (spec.dedupeKey === undefined) return (await insert.executeTakeFirstOrThrow()).job_id;
    const inserted = await insert
      .onConflict((oc) => oc.columns(['queue', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      .executeTakeFirst();
    if (inserted) return inserted.job_id;
    const existing = await executor
      .selectFrom('jobs')
      .select('job_id')
      .where('queue', '=', spec.queue)
      .where('dedupe_key', '=', spec.dedupeKey)
      .executeTakeFirstOrThrow();
    return existing.job_id;
  }

  /**
   * Claims up to `limit` due jobs of `queues`: queued ones whose run_at has come, and running ones
   * whose lease expired (their worker died). Each claim counts as an attempt, so a job that kills
   * its worker every time ends dead instead of looping forever.
   */
  async claim(options: {
    queues: string[];
    workerId: string;
    leaseMs: number;
    limit: number;
  }): Promise<ClaimedJob[]> {
    const { queues, workerId, leaseMs, limit } = options;
    if (queues.length === 0 || limit < 1) return [];
    const now = this.clock.now();
    const inQueues = sql`queue in (${sql.join(queues)})`;
    // Expired leases with no attempt left: dead, with the reason.
    await sql`
      update jobs set status = 'dead', finished_at = ${now}, updated_at = ${now},
        last_error = 'lease of ' || locked_by || ' expired on attempt ' || attempts || ' of ' || max_attempts,
        locked_by = null, locked_until = null
      where job_id in (
        select job_id from jobs
        where ${inQueues} and status = 'running' and locked_until < ${now} and attempts >= max_attempts
        limit 100 for update skip locked)`.execute(this.db);
    const lockedUntil = new Date(now.getTime() + leaseMs);
    // A CTE, so the locking select runs once; SKIP LOCKED lets concurrent workers take disjoint rows.
    const { rows } = await sql<Selectable<JobsTable>>`
      with due as (
        select job_id from jobs
        where ${inQueues} and (
          (status = 'queued' and run_at <= ${now})
          or (status = 'running' and locked_until < ${now} and attempts < max_attempts))
        order by run_at
        limit ${limit}
        for update skip locked)
      update jobs j set status = 'running', attempts = j.attempts + 1, locked_by = ${workerId},
        locked_until = ${lockedUntil}, updated_at = ${now}
      from due where j.job_id = due.job_id
      returning j.*`.execute(this.db);
    return rows
      .map(toJobRow)
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime())
      .map((row) => ({
        id: row.jobId,
        queue: row.queue,
        payload: row.payload,
        progress: row.progress,
        sellerId: row.sellerId,
        attempt: row.attempts,
        maxAttempts: row.maxAttempts,
        createdAt: row.createdAt,
        lease: { jobId: row.jobId, workerId, attempt: row.attempts },
      }));
  }

  /** Extends the lease; false when the job is no longer ours (stop working on it). */
  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const now = this.clock.now();
    return this.updateOwned(this.db, lease, {
      locked_until: new Date(now.getTime() + leaseMs),
      updated_at: now,
    });
  }

  /**
   * Saves the handler's progress. Pass the transaction that writes the step's effects: then effect
   * and checkpoint commit together, and only while the job is still ours.
   */
  async checkpoint(lease: Lease, progress: unknown, executor: Executor = this.db): Promise<boolean> {
    return this.updateOwned(executor, lease, {
      progress: JSON.stringify(progress ?? null),
      updated_at: this.clock.now(),
    });
  }

  async complete(lease: Lease, report?: JobReport): Promise<boolean> {
    const now = this.clock.now();
    return this.updateOwned(this.db, lease, {
      ...(report ? { report: JSON.stringify(report) } : {}),
      status: 'succeeded',
      finished_at: now,
      updated_at: now,
      locked_by: null,
      locked_until: null,
    });
  }

  /** Schedules a retry after the backoff, or buries the job when attempts are spent or `permanent`. */
  async fail(lease: Lease, error: unknown, options: { permanent?: boolean } = {}): Promise<FailOutcome> {
    const now = this.clock.now();
    const retryAt = new Date(now.getTime() + this.backoffMs(lease.attempt));
    const last = options.permanent === true;
    const { rows } = await sql<{ status: JobStatus }>`
      update jobs set
        status = case when ${last}::boolean or attempts >= max_attempts then 'dead' else 'queued' end,
        run_at = case when ${last}::boolean or attempts >= max_attempts then run_at else ${retryAt} end,
        finished_at = case when ${last}::boolean or attempts >= max_attempts then ${now}::timestamptz end,
        last_error = ${errorText(error)}, locked_by = null, locked_until = null, updated_at = ${now}
      where job_id = ${lease.jobId} and locked_by = ${lease.workerId} and attempts = ${lease.attempt}
        and status = 'running'
      returning status`.execute(this.db);
    const status = rows[0]?.status;
    return status === undefined ? 'lost' : status === 'dead' ? 'dead' : 'retry';
  }

  /** Gives the job back untouched (graceful shutdown): due now, and this attempt doesn't count. */
  async release(lease: Lease): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'queued',
        attempts: eb('attempts', '-', 1),
        run_at: now,
        locked_by: null,
        locked_until: null,
        updated_at: now,
      }))
      .where((eb) => eb.and(owned(lease)))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Delay before the retry that follows failed attempt `attempt` (1-based). */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoffBaseMs * 2 ** Math.max(0, attempt - 1), this.backoffMaxMs);
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  /** Saves what the handler reports it has done (while the job is still ours). */
  async saveReport(lease: Lease, report: JobReport): Promise<boolean> {
    return this.updateOwned(this.db, lease, { report: JSON.stringify(report), updated_at: this.clock.now() });
  }

  /** The newest jobs first, for the operator. */
  async recent(filter: { queue?: string; status?: JobStatus }, limit: number): Promise<JobRow[]> {
    let q = this.db
      .selectFrom('jobs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('job_id')
      .limit(limit);
    if (filter.queue) q = q.where('queue', '=', filter.queue);
    if (filter.status) q = q.where('status', '=', filter.status);
    return (await q.execute()).map(toJobRow);
  }

  async get(jobId: string): Promise<JobRow | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row && toJobRow(row);
  }

  /** Unfinished and dead jobs per queue and status, for metrics. */
  async depth(): Promise<QueueDepth[]> {
    // One branch per status (literals, not parameters): each reads its partial index, never the
    // finished jobs.
    const count = (status: QueueDepth['status']) =>
      sql`select queue, ${sql.lit(status)}::text as status, count(*)::int as count
        from jobs where status = ${sql.lit(status)} group by queue`;
    const { rows } = await sql<QueueDepth>`
      ${count('queued')} union all ${count('running')} union all ${count('dead')}
      order by queue, status`.execute(this.db);
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  /** Deletes up to `limit` jobs finished (succeeded or dead) before `before`; returns how many. */
  async prune(before: Date, limit = 1000): Promise<number> {
    const result = await sql`
      delete from jobs where job_id in (
        select job_id from jobs where finished_at < ${before} limit ${limit} for update skip locked)`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0n);
  }

  private async updateOwned(
    executor: Executor,
    lease: Lease,
    values: Updateable<JobsTable>,
  ): Promise<boolean> {
    const result = await executor
      .updateTable('jobs')
      .set(values)
      .where((eb) => eb.and(owned(lease)))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
