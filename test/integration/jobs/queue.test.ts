import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/infra/clock.js';
import { registerJobMetrics } from '../../../src/infra/jobs/metrics.js';
import { JobQueue } from '../../../src/infra/jobs/queue.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { withJobs } from './support.js';

const LEASE = 2000;

describe('job queue', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let queue: JobQueue;
  beforeAll(async () => {
    t = await createTestDatabase('jobs-queue');
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await sql`delete from jobs`.execute(t.database.db);
    clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    // random() = 1: the backoff is exactly its ceiling.
    queue = new JobQueue(t.database.db, { clock, backoffBaseMs: 1000, backoffMaxMs: 5000, random: () => 1 });
  });

  const claim = (workerId = 'w1', limit = 10) =>
    queue.claim({ queues: ['q'], workerId, leaseMs: LEASE, limit });

  it('enqueues inside the caller transaction: nothing on rollback, one job on commit', async () => {
    const db = t.database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await queue.enqueue(trx, { queue: 'q', payload: { n: 1 } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await claim()).toEqual([]);

    const id = await db.transaction().execute((trx) => queue.enqueue(trx, { queue: 'q', payload: { n: 2 } }));
    const jobs = await claim();
    expect(jobs.map((j) => [j.id, j.payload, j.attempt])).toEqual([[id, { n: 2 }, 1]]);
    expect(await claim('w2')).toEqual([]);
  });

  it('enqueues once per dedupe key', async () => {
    const a = await queue.enqueue(t.database.db, { queue: 'q', payload: 1, dedupeKey: 'k' });
    const b = await queue.enqueue(t.database.db, { queue: 'q', payload: 2, dedupeKey: 'k' });
    const c = await queue.enqueue(t.database.db, { queue: 'other', payload: 3, dedupeKey: 'k' });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect((await queue.get(a))?.payload).toBe(1);
  });

  it('honours run_at and claims the oldest due jobs first', async () => {
    const later = await queue.enqueue(t.database.db, {
      queue: 'q',
      payload: 'later',
      runAt: new Date(clock.now().getTime() + 60_000),
    });
    const first = await queue.enqueue(t.database.db, {
      queue: 'q',
      payload: 'first',
      runAt: new Date(clock.now().getTime() - 2000),
    });
    const second = await queue.enqueue(t.database.db, { queue: 'q', payload: 'second' });
    const a = await claim('w1', 1);
    const b = await claim('w1', 5);
    expect([...a, ...b].map((j) => j.id)).toEqual([first, second]);
    for (const job of [...a, ...b]) await queue.complete(job.lease);
    clock.advance(60_000);
    expect((await claim()).map((j) => j.id)).toEqual([later]);
  });

  it('retries with exponential backoff, then buries the job keeping the last error', async () => {
    const id = await queue.enqueue(t.database.db, { queue: 'q', payload: null, maxAttempts: 4 });
    const waits = [1000, 2000, 4000];
    for (const [i, wait] of waits.entries()) {
      const [job] = await claim();
      expect(job?.attempt).toBe(i + 1);
      expect(await queue.fail(job!.lease, new Error(`boom ${i + 1}`))).toBe('retry');
      const row = await queue.get(id);
      expect(row).toMatchObject({ status: 'queued', attempts: i + 1, lockedBy: null });
      expect(row!.runAt.getTime() - clock.now().getTime()).toBe(wait);
      expect(row!.lastError).toContain(`boom ${i + 1}`);
      clock.advance(wait - 1);
      expect(await claim()).toEqual([]);
      clock.advance(1);
    }
    const [job] = await claim();
    expect(await queue.fail(job!.lease, new Error('boom 4'))).toBe('dead');
    const row = await queue.get(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 4 });
    expect(row!.lastError).toMatch(/^Error: boom 4/);
    expect(row!.finishedAt).toEqual(clock.now());
    clock.advance(3_600_000);
    expect(await claim()).toEqual([]);
  });

  it('caps the backoff and spreads it with jitter', () => {
    const jittered = new JobQueue(t.database.db, {
      backoffBaseMs: 1000,
      backoffMaxMs: 5000,
      random: () => 0,
    });
    expect([1, 2, 3, 4, 10].map((n) => queue.backoffMs(n))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 3, 4, 10].map((n) => jittered.backoffMs(n))).toEqual([500, 1000, 2000, 2500, 2500]);
  });

  it('buries at once on a permanent failure', async () => {
    const id = await queue.enqueue(t.database.db, { queue: 'q', payload: null });
    const [job] = await claim();
    expect(await queue.fail(job!.lease, 'bad payload', { permanent: true })).toBe('dead');
    expect(await queue.get(id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'bad payload' });
  });

  it('hands an expired lease to another worker and fences the first one out', async () => {
    const id = await queue.enqueue(t.database.db, { queue: 'q', payload: null });
    const [a] = await claim('a');
    clock.advance(LEASE - 1);
    expect(await claim('b')).toEqual([]);
    expect(await queue.heartbeat(a!.lease, LEASE)).toBe(true); // renewed: lease now ends later
    clock.advance(LEASE - 1);
    expect(await claim('b')).toEqual([]);
    clock.advance(2);
    const [b] = await claim('b');
    expect(b).toMatchObject({ id, attempt: 2 });
    // The stalled first worker can no longer touch the job.
    expect(await queue.heartbeat(a!.lease, LEASE)).toBe(false);
    expect(await queue.checkpoint(a!.lease, { step: 9 })).toBe(false);
    expect(await queue.complete(a!.lease)).toBe(false);
    expect(await queue.fail(a!.lease, 'late')).toBe('lost');
    expect(await queue.release(a!.lease)).toBe(false);
    // Even the same worker id: the attempt number fences the older claim.
    expect(await queue.complete({ ...b!.lease, attempt: 1 })).toBe(false);
    expect(await queue.complete(b!.lease)).toBe(true);
    expect(await queue.get(id)).toMatchObject({ status: 'succeeded', attempts: 2, lockedBy: null });
    expect(await queue.complete(b!.lease)).toBe(false); // completes once
  });

  it('buries a job whose lease expired on its last attempt', async () => {
    const id = await queue.enqueue(t.database.db, { queue: 'q', payload: null, maxAttempts: 1 });
    await claim('a');
    clock.advance(LEASE + 1);
    expect(await claim('b')).toEqual([]);
    const row = await queue.get(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row!.lastError).toBe('lease of a expired on attempt 1 of 1');
  });

  it('keeps checkpoints for the next attempt and releases without spending an attempt', async () => {
    const id = await queue.enqueue(t.database.db, { queue: 'q', payload: null });
    const [a] = await claim('a');
    // Effect and checkpoint in one transaction: both or neither.
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        expect(await queue.checkpoint(a!.lease, { cursor: 'lost' }, trx)).toBe(true);
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    await t.database.db.transaction().execute((trx) => queue.checkpoint(a!.lease, { cursor: 'c1' }, trx));
    expect(await queue.release(a!.lease)).toBe(true);
    expect(await queue.get(id)).toMatchObject({ status: 'queued', attempts: 0, progress: { cursor: 'c1' } });
    const [b] = await claim('b');
    expect(b).toMatchObject({ attempt: 1, progress: { cursor: 'c1' } });
  });

  it('reports depth per queue and status, also through prom-client', async () => {
    await queue.enqueue(t.database.db, { queue: 'q', payload: null });
    await queue.enqueue(t.database.db, { queue: 'q', payload: null });
    await queue.enqueue(t.database.db, {
      queue: 'export',
      payload: null,
      sellerId: '0190a000-0000-7000-8000-000000000001',
    });
    const [job] = await claim('a', 1);
    expect(await queue.depth()).toEqual([
      { queue: 'export', status: 'queued', count: 1 },
      { queue: 'q', status: 'queued', count: 1 },
      { queue: 'q', status: 'running', count: 1 },
    ]);
    const registry = new Registry();
    const metrics = registerJobMetrics(registry, queue);
    metrics.onOutcome('q', 'succeeded', 0.2);
    const text = await registry.metrics();
    expect(text).toContain('invoicehub_jobs{queue="q",status="running"} 1');
    expect(text).toContain('invoicehub_jobs_processed_total{queue="q",outcome="succeeded"} 1');

    await queue.complete(job!.lease);
    clock.advance(1000);
    expect(await queue.prune(clock.now())).toBe(1);
    expect(await withJobs(t.database.db).selectFrom('jobs').select('job_id').execute()).toHaveLength(2);
  });
});
