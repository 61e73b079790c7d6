import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/infra/db/database.js';
import { migrate } from '../../../src/infra/db/migrate.js';
import { JobQueue } from '../../../src/infra/jobs/queue.js';
import { JobWorker } from '../../../src/infra/jobs/worker.js';
import { memoryLogger, sleep, waitFor, withJobs } from './support.js';

/** The PostgreSQL server binaries, if this machine has them. */
function findPgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a));
  return versions
    .map((v) => path.join(base, v, 'bin'))
    .find((bin) => fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl')));
}

const pgBin = findPgBin();
// initdb refuses to run as root: run the server tools as the postgres user then.
const asRoot = process.getuid?.() === 0;

function pgTool(tool: string, args: string[]): void {
  const command = path.join(pgBin!, tool);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.error}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

if (!pgBin) console.warn('jobs/db-restart: skipped, no initdb/pg_ctl under /usr/lib/postgresql/*/bin');

describe.skipIf(!pgBin)('a worker whose PostgreSQL restarts', () => {
  let dir: string;
  let dataDir: string;
  let port: number;
  let database: Database | undefined;
  const pgCtl = (...args: string[]) => pgTool('pg_ctl', ['-D', dataDir, ...args]);
  const startServer = () =>
    pgCtl(
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-pgrestart-'));
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      fs.chownSync(dir, uid, gid);
    }
    dataDir = path.join(dir, 'data');
    port = await freePort();
    pgTool('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
    startServer();
    database = await openDatabase({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dataDir: dir,
      poolSize: 4,
    });
    await migrate(database.db);
    await sql`create table results (n integer primary key)`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close().catch(() => {});
    // Our own cluster only (-D); the shared server on 5432 is never touched.
    if (dataDir && fs.existsSync(path.join(dataDir, 'postmaster.pid'))) pgCtl('-m', 'immediate', 'stop');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rides out an immediate shutdown and finishes every queued job', async () => {
    const db = database!.db;
    const queue = new JobQueue(db, { backoffBaseMs: 100, backoffMaxMs: 500 });
    const logger = memoryLogger();
    const worker = new JobWorker(queue, {
      logger,
      concurrency: 2,
      leaseMs: 2000,
      pollMs: 50,
      maxErrorDelayMs: 400,
    });
    worker.register<{ n: number }>('count', async (job) => {
      await sleep(15);
      // Idempotent: a run whose completion was lost in the crash may run again.
      await sql`insert into results (n) values (${job.payload.n}) on conflict do nothing`.execute(db);
    });
    const total = 80;
    await db.transaction().execute(async (trx) => {
      for (let n = 0; n < total; n++) await queue.enqueue(trx, { queue: 'count', payload: { n } });
    });
    const succeeded = async () =>
      Number(
        (
          await withJobs(db)
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'succeeded')
            .executeTakeFirstOrThrow()
        ).n,
      );
    worker.start();
    try {
      await waitFor(async () => (await succeeded()) >= 15, { what: 'the first jobs' });
      pgCtl('-m', 'immediate', 'stop');
      await waitFor(() => logger.entries.some((e) => e.msg === 'job claim failed'), {
        what: 'the worker to notice',
      });
      await sleep(500);
      startServer();
      await waitFor(async () => (await succeeded().catch(() => 0)) === total, {
        timeoutMs: 30_000,
        what: 'every job to succeed after the restart',
      });
    } finally {
      await worker.stop({ drainMs: 2000 });
    }
    const results = await sql<{ n: number }>`select n from results order by n`.execute(db);
    expect(results.rows.map((r) => r.n)).toEqual(Array.from({ length: total }, (_, i) => i));
    const statuses = await withJobs(db).selectFrom('jobs').select('status').distinct().execute();
    expect(statuses).toEqual([{ status: 'succeeded' }]);
  });
});
