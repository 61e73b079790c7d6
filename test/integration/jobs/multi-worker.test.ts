import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/infra/db/database.js';
import { JobQueue } from '../../../src/infra/jobs/queue.js';
import { JobWorker } from '../../../src/infra/jobs/worker.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { memoryLogger, sleep, waitFor, withJobs } from './support.js';

// PGlite is one process's database: sharing it between workers needs PostgreSQL.
describe.skipIf(!process.env.TEST_DATABASE_URL)('two workers on one PostgreSQL', () => {
  let t: TestDatabase;
  const extra: Database[] = [];
  beforeAll(async () => {
    t = await createTestDatabase('jobs-multi');
    await sql`create table job_results (n integer primary key, worker text not null)`.execute(t.database.db);
  });
  afterAll(async () => {
    for (const d of extra) await d.close();
    await t.close();
  });

  it('claims disjoint jobs: 200 jobs, 2 workers x 4 slots, each job done exactly once', async () => {
    const calls = new Map<string, number>();
    const workers: JobWorker[] = [];
    for (const name of ['a', 'b']) {
      // Each worker has its own pool, as separate processes would.
      const database = await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, poolSize: 5 });
      extra.push(database);
      const queue = new JobQueue(database.db);
      const worker = new JobWorker(queue, {
        logger: memoryLogger(),
        workerId: name,
        concurrency: 4,
        pollMs: 20,
      });
      worker.register<{ n: number }>('count', async (job) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        await sleep(2);
        // No ON CONFLICT: a second run of any job would fail on the primary key.
        await sql`insert into job_results (n, worker) values (${job.payload.n}, ${name})`.execute(
          database.db,
        );
      });
      workers.push(worker);
    }
    const queue = new JobQueue(t.database.db);
    await t.database.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 200; n++) await queue.enqueue(trx, { queue: 'count', payload: { n } });
    });
    for (const w of workers) w.start();
    const jobs = withJobs(t.database.db);
    await waitFor(
      async () => {
        const row = await jobs
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'succeeded')
          .executeTakeFirstOrThrow();
        return Number(row.n) === 200;
      },
      { timeoutMs: 30_000, what: '200 succeeded jobs' },
    );
    await Promise.all(workers.map((w) => w.stop({ drainMs: 1000 })));

    const results = await sql<{
      n: number;
      worker: string;
    }>`select n, worker from job_results order by n`.execute(t.database.db);
    expect(results.rows.map((r) => r.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect((calls.get('a') ?? 0) + (calls.get('b') ?? 0)).toBe(200);
    expect(calls.get('a')).toBeGreaterThan(0);
    expect(calls.get('b')).toBeGreaterThan(0);
    const attempts = await jobs.selectFrom('jobs').select('attempts').distinct().execute();
    expect(attempts).toEqual([{ attempts: 1 }]);
  });
});
