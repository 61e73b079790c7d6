import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobContext, PermanentJobError } from '../../../src/core/ports/jobs.js';
import { JobQueue } from '../../../src/infra/jobs/queue.js';
import { type JobOutcome, JobWorker, type JobWorkerOptions } from '../../../src/infra/jobs/worker.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { memoryLogger, sleep, waitFor } from './support.js';

describe('job worker', () => {
  let t: TestDatabase;
  let queue: JobQueue;
  let workers: JobWorker[] = [];
  let outcomes: JobOutcome[] = [];
  beforeAll(async () => {
    t = await createTestDatabase('jobs-worker');
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await sql`delete from jobs`.execute(t.database.db);
    queue = new JobQueue(t.database.db, { backoffBaseMs: 20, backoffMaxMs: 50 });
    outcomes = [];
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop({ drainMs: 100, abortGraceMs: 100 })));
    workers = [];
  });

  function worker(options: Partial<JobWorkerOptions> = {}, q: JobQueue = queue): JobWorker {
    const w = new JobWorker(q, {
      logger: memoryLogger(),
      pollMs: 50,
      leaseMs: 2000,
      onOutcome: (_queue, outcome) => outcomes.push(outcome),
      ...options,
    });
    workers.push(w);
    return w;
  }

  const status = async (id: string) => (await queue.get(id))?.status;

  it('runs a committed job once and never a rolled-back one; wake() skips the poll wait', async () => {
    const seen: unknown[] = [];
    const w = worker({ pollMs: 60_000 }).register('mail', async (job) => {
      seen.push(job.payload);
    });
    w.start();
    await sleep(50); // the first (empty) poll is done; the next one is a minute away
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await queue.enqueue(trx, { queue: 'mail', payload: 'rolled back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const id = await t.database.db
      .transaction()
      .execute((trx) => queue.enqueue(trx, { queue: 'mail', payload: 'committed' }));
    w.wake();
    await waitFor(async () => (await status(id)) === 'succeeded', { timeoutMs: 5000, what: 'the job' });
    await sleep(100);
    expect(seen).toEqual(['committed']);
    expect(outcomes).toEqual(['succeeded']);
  });

  it('retries with backoff until dead, keeping the last error', async () => {
    const attempts: number[] = [];
    worker()
      .register('flaky', async (job) => {
        attempts.push(job.attempt);
        throw new Error(`failure ${job.attempt}`);
      })
      .start();
    const id = await queue.enqueue(t.database.db, { queue: 'flaky', payload: null, maxAttempts: 3 });
    await waitFor(async () => (await status(id)) === 'dead', { what: 'a dead job' });
    const row = await queue.get(id);
    expect(attempts).toEqual([1, 2, 3]);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, lockedBy: null });
    expect(row?.lastError).toMatch(/^Error: failure 3/);
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
  });

  it('buries a job at once on PermanentJobError', async () => {
    let calls = 0;
    worker()
      .register('strict', async () => {
        calls++;
        throw new PermanentJobError('payload is not an export request');
      })
      .start();
    const id = await queue.enqueue(t.database.db, { queue: 'strict', payload: null });
    await waitFor(async () => (await status(id)) === 'dead');
    expect(calls).toBe(1);
  });

  it('never runs more than `concurrency` jobs at once', async () => {
    let current = 0;
    let peak = 0;
    worker({ concurrency: 3 })
      .register('slow', async () => {
        peak = Math.max(peak, ++current);
        await sleep(60);
        current--;
      })
      .start();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await queue.enqueue(t.database.db, { queue: 'slow', payload: i }));
    await waitFor(async () => {
      for (const id of ids) if ((await status(id)) !== 'succeeded') return false;
      return true;
    });
    expect(peak).toBe(3);
  });

  it('aborts the handler when its lease is taken over, and does not settle the job', async () => {
    let signal: AbortSignal | undefined;
    worker({ leaseMs: 600 })
      .register('long', async (job: JobContext) => {
        signal = job.signal;
        await new Promise((_resolve, reject) =>
          job.signal.addEventListener('abort', () => reject(job.signal.reason)),
        );
      })
      .start();
    const id = await queue.enqueue(t.database.db, { queue: 'long', payload: null });
    await waitFor(() => signal);
    // Another worker took it over (as after a stall past the lease).
    await sql`update jobs set locked_by = 'thief' where job_id = ${id}`.execute(t.database.db);
    await waitFor(() => signal?.aborted, { timeoutMs: 2000, what: 'the abort' });
    expect((signal!.reason as Error).name).toBe('LeaseLostError');
    await waitFor(() => outcomes.length > 0);
    expect(outcomes).toEqual(['lost']);
    expect(await queue.get(id)).toMatchObject({ status: 'running', lockedBy: 'thief', attempts: 1 });
  });

  it('stop() lets short jobs finish and gives long ones back without spending an attempt', async () => {
    const w = worker({ concurrency: 2 });
    w.register('short', async () => sleep(100));
    w.register('stuck', async (job) => {
      await new Promise((_resolve, reject) =>
        job.signal.addEventListener('abort', () => reject(job.signal.reason)),
      );
    });
    const short = await queue.enqueue(t.database.db, { queue: 'short', payload: null });
    const stuck = await queue.enqueue(t.database.db, { queue: 'stuck', payload: null });
    w.start();
    await waitFor(() => w.active === 2);
    await w.stop({ drainMs: 300 });
    expect(w.active).toBe(0);
    expect(await status(short)).toBe('succeeded');
    expect(await queue.get(stuck)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null });
    expect(outcomes.sort()).toEqual(['released', 'succeeded']);
  });

  it('keeps polling through database errors', async () => {
    let failures = 3;
    const broken = Object.create(queue) as JobQueue;
    broken.claim = async (options) => {
      if (failures-- > 0) throw new Error('connection refused');
      return queue.claim(options);
    };
    const logger = memoryLogger();
    worker({ logger, pollMs: 20 }, broken)
      .register('mail', async () => {})
      .start();
    const id = await queue.enqueue(t.database.db, { queue: 'mail', payload: null });
    await waitFor(async () => (await status(id)) === 'succeeded');
    expect(logger.entries.filter((e) => e.msg === 'job claim failed')).toHaveLength(3);
  });
});
