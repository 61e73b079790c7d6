import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../src/core/ports/blob-store.js';
import { createBlobStore } from '../../../src/infra/blobs/create-blob-store.js';
import { DiskBlobStore } from '../../../src/infra/blobs/disk-store.js';
import { type Db, openDatabase } from '../../../src/infra/db/database.js';
import { loadConfig } from '../../../src/main/config.js';
import { ADMIN_TOKEN, startTestApp } from '../../support/app.js';
import { type CliProcess, ensureCliBuilt, killAllStarted, startCli } from '../../support/cli-process.js';
import {
  BRAZIL,
  bulkIngest,
  expectExportHolds,
  invoiceBatch,
  sdkFor,
  waitFor,
  waitForExport,
} from '../../support/exports.js';
import { createSeller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';
import { operatorClient } from '../../support/operator.js';
import { s3Env, startS3Server, type TestS3Server } from '../../support/s3-server.js';

/**
 * kill -9 in the middle of an export, twice, then a restart: the export finishes with exactly the
 * documents it should have and leaves no blob without its document row.
 *
 * Topology. On PostgreSQL the deployment scaled out: the HTTP server runs here with
 * WORKER_ENABLED=false and `node dist/src/cli.js worker` runs the jobs in a child process that gets
 * killed. On PGlite one process owns DATA_DIR (the embedded database is not shared), so the process
 * killed is the whole `node dist/src/cli.js serve`, restarted on the same DATA_DIR: that is what a
 * crash looks like for a single-process deployment. Between runs, with the child dead, the test opens
 * the same database and blob store to check the state the crash left.
 *
 * Both blob backends: files under DATA_DIR/blobs, and an S3 bucket (s3rver) configured through the
 * S3_* variables in every process.
 */

const postgres = Boolean(process.env.TEST_DATABASE_URL);
/** Fifteen parts either way; PGlite ingests about a third as fast, so it gets half the invoices. */
const PARTS = 15;
const INVOICES = postgres ? 3000 : 1500;
const PER_ZIP = INVOICES / PARTS;

interface CrashState {
  rows: { part: number; blob_key: string }[];
  /** Every blob under exports/, in key order. */
  blobs: string[];
  exportStatus: string | undefined;
  job: { status: string; attempts: number } | undefined;
}

type Backend = 'disk' | 's3';

interface Topology {
  /** The HTTP service (on PGlite it moves to a new port at every restart). */
  url(): string;
  /** Starts, or starts again, the process that runs the export job. */
  startRunner(): Promise<void>;
  runner(): CliProcess;
  /** Parts committed so far (a lower bound on PGlite), readable while the runner works. */
  committed(exportId: string): Promise<number>;
  /** Reads the database and the blob store; on PGlite only while the runner is down. */
  inspect<T>(fn: (db: Db, blobs: BlobStore) => Promise<T>): Promise<T>;
  /** DATA_DIR/blobs: the disk store's files and its temp folder. */
  blobRoot: string;
  close(): Promise<void>;
}

/** Configuration every process of the deployment shares, set as an operator would. */
function sharedEnv(s3: TestS3Server | undefined): Record<string, string> {
  return {
    ADMIN_TOKEN,
    DEMO_DATA: 'false',
    RATE_LIMITS_ENABLED: 'false',
    EXPORT_MAX_ENTRIES_PER_ZIP: String(PER_ZIP),
    // A killed runner's job is claimed again one second after its last heartbeat.
    WORKER_LEASE_SECONDS: '1',
    ...(s3 ? s3Env(s3) : { BLOB_BACKEND: 'disk' }),
  };
}

async function postgresTopology(s3: TestS3Server | undefined): Promise<Topology> {
  const t = await startTestApp({ ...sharedEnv(s3), WORKER_ENABLED: 'false' }, 'exports-crash');
  t.clock.set(new Date()); // the child runs on the system clock: keep both on the same time
  const env = {
    ...sharedEnv(s3),
    DATA_DIR: t.db.dataDir,
    DATABASE_URL: t.db.databaseUrl as string,
    LOG_LEVEL: 'info',
  };
  let runner: CliProcess | undefined;
  return {
    url: () => t.url,
    startRunner: async () => {
      runner = await startCli(['worker'], env, /"msg":"worker started"/);
    },
    runner: () => runner as CliProcess,
    committed: async (exportId) => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from export_documents where export_id = ${exportId}`.execute(t.deps.db.db);
      return Number(rows[0]?.n ?? 0);
    },
    inspect: (fn) => fn(t.deps.db.db, t.deps.blobs),
    blobRoot: path.join(t.db.dataDir, 'blobs'),
    close: async () => {
      await runner?.stop();
      await t.close();
    },
  };
}

async function pgliteTopology(s3: TestS3Server | undefined): Promise<Topology> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-exports-crash-'));
  const template = process.env.INVOICEHUB_PGLITE_TEMPLATE;
  if (template && fs.existsSync(template)) {
    fs.cpSync(template, path.join(dataDir, 'pglite'), { recursive: true });
  }
  const env = { ...sharedEnv(s3), DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' };
  // The store the child writes to (files or bucket), built from the same configuration; it can be
  // read from here while the child runs.
  const blobs = await createBlobStore(loadConfig(env));
  let runner: CliProcess | undefined;
  let url = '';
  return {
    url: () => url,
    startRunner: async () => {
      runner = await startCli(['serve'], env, /listening on (http:\/\/\S+)/);
      url = runner.ready[1] as string;
    },
    runner: () => runner as CliProcess,
    // Part N's blob appears before its row commits; part N+1 starts only after that commit.
    committed: async () => {
      let count = 0;
      for await (const _ of blobs.list('exports/')) count++;
      return Math.max(0, count - 1);
    },
    inspect: async (fn) => {
      if (runner?.alive()) throw new Error('PGlite is owned by the running child');
      const database = await openDatabase({ databaseUrl: undefined, dataDir });
      try {
        return await fn(database.db, blobs);
      } finally {
        await database.close();
      }
    },
    blobRoot: path.join(dataDir, 'blobs'),
    close: async () => {
      await runner?.stop();
      await blobs.close?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes in progress (or left by a killed process) in the disk store's temp folder. */
function tempFiles(blobRoot: string): string[] {
  const dir = path.join(blobRoot, '.tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.endsWith('~meta.json')) : [];
}

function stateOf(exportId: string) {
  return async (db: Db, blobs: BlobStore): Promise<CrashState> => {
    const { rows } = await sql<{ part: number; blob_key: string }>`
      select part, blob_key from export_documents order by part`.execute(db);
    const keys: string[] = [];
    for await (const entry of blobs.list('exports/')) keys.push(entry.key);
    const exp = await sql<{ status: string }>`
      select status from invoice_exports where export_id = ${exportId}`.execute(db);
    const job = await sql<{ status: string; attempts: number }>`
      select status, attempts from jobs where queue = 'invoice-export' and dedupe_key = ${exportId}`.execute(
      db,
    );
    return { rows, blobs: keys, exportStatus: exp.rows[0]?.status, job: job.rows[0] };
  };
}

/**
 * What any crash may leave: every committed document has its blob, and at most one more blob, the
 * part that was uploaded when the process died (its row never committed). It is rewritten under the
 * same key by the next run.
 */
function expectCrashConsistent(s: CrashState, exportPrefix: string) {
  const keys = s.rows.map((r) => r.blob_key);
  expect(s.rows.map((r) => r.part)).toEqual(s.rows.map((_, i) => i + 1));
  for (const key of keys) expect(s.blobs).toContain(key);
  const extra = s.blobs.filter((b) => !keys.includes(b));
  expect(extra.length).toBeLessThanOrEqual(1);
  if (extra[0])
    expect(extra[0]).toBe(`${exportPrefix}part-${String(s.rows.length + 1).padStart(5, '0')}.zip`);
  expect(s.exportStatus).toBe('PROCESSING');
  expect(s.job?.status).toBe('running'); // its lease simply runs out
}

describe.each<Backend>(['disk', 's3'])(
  `an export survives kill -9 of the ${postgres ? '`worker`' : '`serve`'} process running it (%s blobs)`,
  (backend) => {
    let topo: Topology;
    let s3: TestS3Server | undefined;
    let restoreLwa: (() => void) | undefined;

    beforeAll(async () => {
      ensureCliBuilt();
      if (backend === 's3') s3 = await startS3Server('invoicehub-crash');
      topo = postgres ? await postgresTopology(s3) : await pgliteTopology(s3);
    });

    afterAll(async () => {
      restoreLwa?.();
      await killAllStarted();
      await topo?.close();
      await s3?.close();
    });

    it('finishes after restarts with every invoice exactly once, byte for byte, and no orphaned blob', async () => {
      // On PGlite the server is the child; on PostgreSQL the worker starts once the export is queued.
      if (!postgres) await topo.startRunner();
      const seller = await createSeller(operatorClient(topo.url(), ADMIN_TOKEN));
      const last = new Date(Date.now() - 3_600_000);
      const expected = await bulkIngest(topo.url(), ADMIN_TOKEN, invoiceBatch(seller, INVOICES, last));
      restoreLwa = redirectLwaTo(topo.url());
      const created = await sdkFor(topo.url(), seller).createInvoicesExport({
        marketplaceId: BRAZIL,
        dateStart: new Date(last.getTime() - 3 * 86_400_000).toISOString().slice(0, 10),
        fileFormat: 'XML',
      });
      const { exportId } = created;
      const prefix = `exports/${seller.sellerId}/${exportId}/`;
      if (postgres) await topo.startRunner();

      // 1. Killed once a few parts are committed.
      await waitFor(async () => (await topo.committed(exportId)) >= 3, {
        intervalMs: 5,
        what: 'three committed parts',
      });
      await topo.runner().kill9();
      const first = await topo.inspect(stateOf(exportId));
      expectCrashConsistent(first, prefix);
      expect(first.rows.length).toBeGreaterThanOrEqual(3);
      expect(first.rows.length).toBeLessThanOrEqual(PARTS - 3); // room for the second kill
      expect(first.job?.attempts).toBe(1);

      // 2. Restarted, and killed again while a part is being streamed into the store.
      const target = Math.min(first.rows.length + 3, PARTS - 1);
      const leftBefore = new Set(tempFiles(topo.blobRoot));
      const newTemp = () => tempFiles(topo.blobRoot).filter((n) => !leftBefore.has(n));
      await topo.startRunner();
      // On disk a part in flight is a file in the temp folder. An S3 multipart upload in progress does
      // not show in a listing; there the runner is killed as soon as the parts are there (it is
      // practically always streaming a part).
      await waitFor(
        async () => (await topo.committed(exportId)) >= target && (backend === 's3' || newTemp().length > 0),
        { intervalMs: 2, what: `${target} committed parts and one in flight` },
      );
      await topo.runner().kill9();
      const second = await topo.inspect(stateOf(exportId));
      expectCrashConsistent(second, prefix);
      expect(second.rows.length).toBeGreaterThanOrEqual(target);
      expect(second.rows.length).toBeLessThan(PARTS);
      expect(second.job?.attempts).toBe(2);
      if (backend === 'disk') {
        // Died mid-part: a half-written temp file, or a finished upload whose row never committed.
        expect(newTemp().length > 0 || second.blobs.length > second.rows.length).toBe(true);
      }

      // 3. Restarted: the job is claimed again once its lease ran out, and finishes.
      await topo.startRunner();
      restoreLwa();
      restoreLwa = redirectLwaTo(topo.url());
      const api = sdkFor(topo.url(), seller);
      const done = await waitForExport(api, exportId, { timeoutMs: 30_000 });
      expect(done.status).toBe('DONE');
      expect(done.invoicesDocumentIds).toHaveLength(PARTS);
      expect(new Set(done.invoicesDocumentIds).size).toBe(PARTS);
      // Each document fetched, downloaded within its 30 s, unzipped and compared entry by entry.
      const documents = await expectExportHolds(api, done, expected, {
        maxEntriesPerDocument: PER_ZIP,
        withinMs: 30_000,
      });
      expect(documents.map((d) => d.entries.size)).toEqual(Array(PARTS).fill(PER_ZIP));

      // 4. No orphans: the blobs under exports/ are exactly the documents' blobs.
      expect(await topo.runner().stop()).toEqual({ code: 0, signal: null }); // a graceful stop
      const final = await topo.inspect(stateOf(exportId));
      expect(final.rows.map((r) => r.part)).toEqual(Array.from({ length: PARTS }, (_, i) => i + 1));
      expect(final.blobs).toEqual(final.rows.map((r) => r.blob_key).sort());
      expect(final.exportStatus).toBe('DONE');
      expect(final.job).toEqual({ status: 'succeeded', attempts: 3 });
      if (backend === 'disk') {
        // What the kills left in the temp folder is not a blob (never listed, never downloadable) and
        // is removed by the store's sweep at a later start, once an hour old.
        const later = { now: () => new Date(Date.now() + 2 * 3_600_000) };
        await new DiskBlobStore({ root: topo.blobRoot, clock: later }).sweepTemp();
        expect(fs.readdirSync(path.join(topo.blobRoot, '.tmp'))).toEqual([]);
      }
    }, 120_000);
  },
);
