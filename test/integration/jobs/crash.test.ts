import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/infra/db/database.js';
import { JobQueue } from '../../../src/infra/jobs/queue.js';
import { JobWorker } from '../../../src/infra/jobs/worker.js';
// @ts-expect-error: a plain .mjs fixture without types, shared with the child process
import { exportPartsHandler, partBody, sha256 } from '../../fixtures/jobs/export-handler.mjs';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { ensureBuilt, fixturePath, memoryLogger, waitFor } from './support.js';

const LEASE_MS = 1500;
const PARTS = 12;

/** Starts the fixture worker and SIGKILLs it as soon as it prints `killAt`. */
async function runAndKill(t: TestDatabase, killAt: string): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [fixturePath('crash-worker.mjs')], {
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl ?? '',
      DATA_DIR: t.dataDir,
      LEASE_MS: String(LEASE_MS),
      KILL_AT: killAt,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let buffered = '';
  const killed = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk) => {
      buffered += chunk;
      if (buffered.split('\n').includes(killAt)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    await Promise.race([killed, exited]);
    const signal = await exited;
    if (!buffered.split('\n').includes(killAt)) {
      throw new Error(
        `worker exited (${signal}) before "${killAt}"; stdout:\n${buffered}\nstderr:\n${stderr}`,
      );
    }
    expect(signal).toBe('SIGKILL');
  } finally {
    clearTimeout(timeout);
  }
}

// Two worker processes start cold one after the other: slow on a loaded machine.
describe('a worker killed with SIGKILL mid-job', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  const pglite = !process.env.TEST_DATABASE_URL;
  beforeAll(async () => {
    ensureBuilt([
      'src/infra/jobs/queue.ts',
      'src/infra/jobs/worker.ts',
      'src/infra/db/database.ts',
      'src/infra/db/data-dir-lock.ts',
      'src/infra/db/pglite-dialect.ts',
      'src/infra/clock.ts',
      'src/infra/ids.ts',
    ]);
    t = await createTestDatabase('jobs-crash');
    await sql`create table export_parts (job_id uuid, part integer, sha256 text not null, primary key (job_id, part))`.execute(
      t.database.db,
    );
  });
  afterAll(() => t.close());

  it('loses nothing and duplicates nothing once another worker takes over', async () => {
    const outDir = path.join(t.dataDir, 'blobs');
    const jobId = await new JobQueue(t.database.db).enqueue(t.database.db, {
      queue: 'export',
      payload: { parts: PARTS, outDir },
      // A loaded machine may delay a heartbeat past the 1.5 s lease: the job is then claimed once
      // more (fenced by its attempt number), which must not bury it before the takeover.
      maxAttempts: 10,
    });
    const jobDir = path.join(outDir, jobId);
    // PGlite is one process's database: hand the directory over to the child (its lock file too).
    if (pglite) await t.database.close();

    // 1. Killed half-way through writing part 3: a temp file is left behind.
    await runAndKill(t, 'written 3');
    expect(fs.readdirSync(jobDir).sort()).toContain('part-3.xml.tmp');
    // 2. Killed after part 6 reached its final name but before its row and checkpoint committed.
    await runAndKill(t, 'renamed 6');
    expect(fs.readdirSync(jobDir)).toContain('part-6.xml');
    // 3. Killed right after committing part 9.
    await runAndKill(t, 'step 9');

    // The lock left by the killed PGlite process is stale and gets taken over.
    if (pglite) t.database = await openDatabase({ databaseUrl: undefined, dataDir: t.dataDir });
    const db = t.database.db;
    const queue = new JobQueue(db);
    const killed = await queue.get(jobId);
    expect(killed).toMatchObject({ status: 'running', progress: { next: 10 } });
    // One claim per killed worker, and one more for any run whose heartbeat came too late.
    expect(killed?.attempts).toBeGreaterThanOrEqual(3);

    const worker = new JobWorker(queue, { logger: memoryLogger(), leaseMs: LEASE_MS, pollMs: 50 });
    worker.register('export', exportPartsHandler(db, { chunkDelayMs: 1 }));
    worker.start();
    try {
      await waitFor(async () => (await queue.get(jobId))?.status === 'succeeded', {
        timeoutMs: 15_000,
        what: 'the job to finish after the lease expired',
      });
    } finally {
      await worker.stop({ drainMs: 1000 });
    }

    const job = await queue.get(jobId);
    expect(job).toMatchObject({ status: 'succeeded', lockedBy: null });
    expect(job?.attempts).toBeGreaterThan(killed?.attempts ?? 0);
    const rows = await sql<{ part: number; sha256: string }>`
      select part, sha256 from export_parts where job_id = ${jobId} order by part`.execute(db);
    const expected = Array.from({ length: PARTS }, (_, part) => ({
      part,
      sha256: sha256(partBody(jobId, part)),
    }));
    expect(rows.rows).toEqual(expected);
    // Exactly the documents registered, each complete; no temp file or unregistered blob.
    expect(fs.readdirSync(jobDir).sort()).toEqual(expected.map((e) => `part-${e.part}.xml`).sort());
    for (const { part } of expected) {
      expect(fs.readFileSync(path.join(jobDir, `part-${part}.xml`), 'utf8')).toBe(partBody(jobId, part));
    }
  });
});
