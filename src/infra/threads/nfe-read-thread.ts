import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readHere } from '../../core/nfe/read-many.js';
import type { DocumentsReader, ReadOutcome } from '../../core/ports/documents-reader.js';
import { packageRoot } from '../package-root.js';
import { packBytes, ThreadCalls } from './thread-calls.js';

/**
 * The thread's program: readOutcome (core/nfe/read-many) on each document of a batch, which
 * travels packed into one moved buffer. Outcomes come back by structured clone (dates survive;
 * ~10 µs per document each way against ~100-200 µs to read it). A string, with dynamic imports
 * only, as the other threads' programs (see deflate-thread.ts).
 */
const PROGRAM = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  let readOutcome;
  try {
    ({ readOutcome } = await import(workerData.module));
  } catch (err) {
    parentPort.postMessage({ id: 0, error: String((err && err.message) || err) });
    return;
  }
  parentPort.on('message', ({ id, packed, sizes, opts }) => {
    try {
      const input = new Uint8Array(packed);
      const outcomes = [];
      let at = 0;
      for (const size of sizes) {
        outcomes.push(readOutcome(input.subarray(at, at + size), opts));
        at += size;
      }
      parentPort.postMessage({ id, outcomes });
    } catch (err) {
      parentPort.postMessage({ id, error: String((err && err.stack) || err) });
    }
  });
  parentPort.postMessage({ id: 0 });
})();
`;

interface Reply {
  id: number;
  outcomes?: ReadOutcome[];
  error?: string;
}

/**
 * A thread keeps its heap (~20-30 MB) while it waits: it ends after this long without a batch, and
 * the next one starts it again (~50 ms). A bulk load sends batches without such pauses.
 */
const IDLE_MS = 2_000;

/**
 * The thread's heap for young objects: reading a chunk makes megabytes of garbage, most of it dead
 * by the next collection, and V8's default (up to 3 x 16 MB) kept ~25 MB more resident through a
 * bulk load than 4 MB does (`npm run bench -- rss`, 100k NF-e).
 */
const YOUNG_GENERATION_MB = 4;

/**
 * The compiled read-many module the thread loads. A thread cannot load TypeScript: when this file
 * runs as a source (tests), the thread loads the build of the same sources (the tests' global
 * setup keeps it current); without one, documents are read on the calling thread.
 */
function readerModule(): string | null {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.js')
    ? path.resolve(path.dirname(here), '../../core/nfe/read-many.js')
    : path.join(packageRoot(), 'dist/src/core/nfe/read-many.js');
  return fs.existsSync(compiled) ? pathToFileURL(compiled).href : null;
}

/**
 * NF-e read on a thread of their own, a batch per message: bulk ingestion's parsing (most of its
 * work in this process) runs beside the thread that stores what was read before, and the event
 * loop stays free for requests. One thread per process, started on first use; it holds the process
 * open only while a batch is out. A thread that cannot start or dies mid-batch costs nothing but
 * time: that batch is read on the calling thread, and the next one starts a new thread.
 */
export class NfeReadThread {
  private calls: Promise<ThreadCalls<Reply> | undefined> | undefined;
  /** Batches out on the thread, and the timer that ends it once none has been for IDLE_MS. */
  private out = 0;
  private idle: NodeJS.Timeout | undefined;
  /** Documents read on the thread so far (the others were read on the calling thread). */
  readOnThread = 0;
  /** Threads started so far. */
  started = 0;

  /**
   * `module`: the compiled read-many module to load (null: read on the calling thread); `idleMs`:
   * how long the thread waits for a batch before it ends.
   */
  constructor(
    private readonly module: string | null = readerModule(),
    private readonly idleMs = IDLE_MS,
  ) {}

  readonly read: DocumentsReader = async (documents, opts) => {
    if (!documents.length) return [];
    const started = this.thread();
    const calls = await started;
    if (!calls) return readHere(documents, opts);
    const { packed, sizes } = packBytes(documents);
    let reply: Reply;
    clearTimeout(this.idle);
    this.out++;
    try {
      reply = await calls.call({ packed, sizes, opts }, [packed]);
    } catch {
      // The thread died (its batch is lost with it) or reported a bug: read here, where a bug throws.
      if (calls.stopped && this.calls === started) this.calls = undefined;
      return readHere(documents, opts);
    } finally {
      if (--this.out === 0) this.idle = setTimeout(() => void this.stop(), this.idleMs).unref();
    }
    this.readOnThread += documents.length;
    return reply.outcomes as ReadOutcome[];
  };

  /** Ends the thread (idle, or tests); the next read starts a new one. */
  async stop(): Promise<void> {
    clearTimeout(this.idle);
    const calls = await this.calls;
    this.calls = undefined;
    await calls?.terminate();
  }

  private thread(): Promise<ThreadCalls<Reply> | undefined> {
    if (!this.module) return Promise.resolve(undefined);
    this.calls ??= this.start(this.module);
    return this.calls;
  }

  private async start(module: string): Promise<ThreadCalls<Reply> | undefined> {
    this.started++;
    const calls = new ThreadCalls<Reply>(
      new Worker(PROGRAM, {
        eval: true,
        workerData: { module },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      }),
      {
        failed: (reply) =>
          reply.error === undefined ? undefined : new Error(`reading failed: ${reply.error}`),
        stopped: (cause) =>
          typeof cause === 'number' ? new Error(`the reading thread exited with code ${cause}`) : cause,
      },
    );
    try {
      await calls.ready();
      return calls;
    } catch {
      await calls.terminate();
      return undefined;
    }
  }
}

/** The process's reading thread. */
export const nfeReadThread = new NfeReadThread();
