import { Worker } from 'node:worker_threads';
import { ThreadCalls } from '../threads/thread-calls.js';

export interface DeflatedEntry {
  /** Raw deflate stream (ZIP compression method 8). */
  deflated: Uint8Array;
  crc: number;
}

/**
 * The thread's program: deflates a batch of entries and computes their CRC-32 with Node's zlib.
 * A string because a worker cannot load TypeScript sources (tests run them); dynamic imports only,
 * so it runs whether Node reads it as CommonJS or as a module.
 */
const PROGRAM = `
(async () => {
  const { parentPort } = await import('node:worker_threads');
  const zlib = await import('node:zlib');
  parentPort.on('message', ({ id, level, entries }) => {
    try {
      const out = entries.map((e) => ({ deflated: zlib.deflateRawSync(e, { level }), crc: zlib.crc32(e) }));
      parentPort.postMessage({ id, out });
    } catch (err) {
      parentPort.postMessage({ id, error: String((err && err.message) || err) });
    }
  });
})();
`;

interface Reply {
  id: number;
  out?: DeflatedEntry[];
  error?: string;
}

/**
 * Deflate on a thread of its own, a batch per message. Per entry, zlib's asynchronous API costs a
 * new stream and a trip through libuv's pool (~90 µs, against ~11 µs to deflate a 3 KB NF-e), and
 * deflating on the main thread takes the core that frames the archive and reads the database;
 * batches on one thread use the second core for ~1 µs of messaging per entry. One thread per
 * process, started on first use; it holds the process open only while a batch is out, and a thread
 * that dies fails its batches and is started again by the next one.
 */
class DeflateThread {
  private calls: ThreadCalls<Reply> | undefined;

  deflate(entries: Uint8Array[], level: number): Promise<DeflatedEntry[]> {
    if (!this.calls || this.calls.stopped)
      this.calls = new ThreadCalls<Reply>(new Worker(PROGRAM, { eval: true }), {
        failed: (reply) => (reply.out ? undefined : new Error(`deflate failed: ${reply.error}`)),
        stopped: (cause) =>
          typeof cause === 'number' ? new Error(`the deflate thread exited with code ${cause}`) : cause,
      });
    return this.calls.call({ level, entries }).then((reply) => reply.out as DeflatedEntry[]);
  }
}

/** The process's deflate thread. */
export const deflateThread = new DeflateThread();
