import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ThreadCalls } from '../threads/thread-calls.js';

/** What the Kysely driver needs of a PGlite session (a subset of PGlite's own API). */
export interface PGliteSession {
  query(sql: string, params: readonly unknown[]): Promise<PGliteResult>;
  /** Runs a script of several statements (simple protocol) and returns the last one's result. */
  exec(sql: string): Promise<PGliteResult | undefined>;
  close(): Promise<void>;
}

export interface PGliteResult {
  rows: unknown[];
  command?: string;
  affectedRows?: number;
}

/**
 * The worker's program. PGlite is PostgreSQL compiled to WebAssembly and runs synchronously on the
 * thread that calls it: in the server's own thread a 40 ms insert of a bulk upload is 40 ms in which
 * no health check or other seller is answered. On its own thread the server's event loop only waits
 * for messages. A program in a string because a worker cannot load TypeScript sources (tests run
 * them); it only uses dynamic imports, so it runs whether Node reads it as CommonJS or as a module.
 * Errors cross as their message plus their primitive fields (SQLSTATE `code`, `detail`, …), which is
 * all translateDbError reads.
 */
const WORKER_PROGRAM = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const plain = (err) => {
    const out = { message: String((err && err.message) || err) };
    if (err && typeof err === 'object')
      for (const [k, v] of Object.entries(err))
        if (v !== null && typeof v !== 'object' && typeof v !== 'function') out[k] = v;
    return out;
  };
  const shape = (r) => (r ? { rows: r.rows, command: r.command, affectedRows: r.affectedRows } : undefined);
  let db;
  try {
    const { PGlite } = await import(workerData.module);
    db = await PGlite.create(workerData.dir, {
      startParams: [...PGlite.defaultStartParams, ...workerData.settings.flatMap((s) => ['-c', s])],
    });
  } catch (err) {
    parentPort.postMessage({ id: 0, error: plain(err) });
    return;
  }
  parentPort.on('message', async ({ id, op, sql, params }) => {
    try {
      if (op === 'query') parentPort.postMessage({ id, result: shape(await db.query(sql, params)) });
      else if (op === 'exec') parentPort.postMessage({ id, result: shape((await db.exec(sql)).at(-1)) });
      else {
        await db.close();
        parentPort.postMessage({ id });
        parentPort.close();
      }
    } catch (err) {
      parentPort.postMessage({ id, error: plain(err) });
    }
  });
  parentPort.postMessage({ id: 0 });
})();
`;

interface Reply {
  id: number;
  result?: PGliteResult;
  error?: { message: string } & Record<string, unknown>;
}

/**
 * PostgreSQL settings of the embedded server. 128 MB of shared buffers (the default) are resident
 * as soon as PGlite runs; an embedded store serving one process does with less, and the files stay
 * in the operating system's cache. (`npm run bench -- startup` reports the idle RSS.)
 */
const SETTINGS = ['shared_buffers=32MB'];

/**
 * Opens the PGlite cluster in `dir` (creating it if needed) on a thread of its own. The thread holds
 * the process open only while a call is outstanding, like an in-process PGlite would; if it dies,
 * every call fails as a database that went away (57P01, answered 503) instead of hanging.
 */
export async function openPGliteThread(dir: string): Promise<PGliteSession> {
  // Creating a cluster runs initdb, whose WebAssembly memory (~500 MB) the PGlite instance keeps
  // for its life: create it on a throwaway thread, whose memory goes with it.
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await (await startThread(dir)).close();
  return startThread(dir);
}

async function startThread(dir: string): Promise<PGliteSession> {
  const module = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const worker = new Worker(WORKER_PROGRAM, {
    eval: true,
    workerData: { dir, module, settings: SETTINGS },
  });
  const calls = new ThreadCalls<Reply>(worker, {
    failed: (reply) => reply.error && Object.assign(new Error(reply.error.message), reply.error),
    stopped: (cause) => {
      const why = typeof cause === 'number' ? `its thread exited with code ${cause}` : cause.message;
      return Object.assign(new Error(`the embedded database stopped: ${why}`), { code: '57P01' });
    },
  });
  try {
    await calls.ready();
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    query: async (sql, params) => (await calls.call({ op: 'query', sql, params })).result as PGliteResult,
    exec: async (sql) => (await calls.call({ op: 'exec', sql })).result,
    close: async () => {
      if (calls.stopped) return;
      await calls.call({ op: 'close' });
      await worker.terminate();
    },
  };
}
