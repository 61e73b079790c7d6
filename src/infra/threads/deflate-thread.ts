import { Worker } from 'node:worker_threads';
import type { DeflatedBytes } from '../../core/ports/archives.js';
import { packBytes, ThreadCalls } from './thread-calls.js';

/**
 * The thread's program: deflates a batch of entries and computes their CRC-32 with Node's zlib.
 * A batch travels packed into one buffer each way, moved rather than copied: a small Buffer is a
 * view of a larger one (Node's 8 KiB pool, zlib's 16 KiB output chunk), and a posted view copies
 * the whole buffer under it. A string because a worker cannot load TypeScript sources (tests run
 * them); dynamic imports only, so it runs whether Node reads it as CommonJS or as a module.
 */
const PROGRAM = `
(async () => {
  const { parentPort } = await import('node:worker_threads');
  const zlib = await import('node:zlib');
  parentPort.on('message', ({ id, level, packed, sizes }) => {
    try {
      const input = new Uint8Array(packed);
      const parts = [];
      const crcs = [];
      let at = 0;
      for (const size of sizes) {
        const entry = input.subarray(at, at + size);
        at += size;
        parts.push(zlib.deflateRawSync(entry, { level }));
        crcs.push(zlib.crc32(entry));
      }
      const deflated = new ArrayBuffer(parts.reduce((n, p) => n + p.byteLength, 0));
      const out = new Uint8Array(deflated);
      at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.byteLength;
      }
      parentPort.postMessage(
        { id, deflated, deflatedSizes: parts.map((p) => p.byteLength), crcs },
        [deflated],
      );
    } catch (err) {
      parentPort.postMessage({ id, error: String((err && err.message) || err) });
    }
  });
})();
`;

interface Reply {
  id: number;
  deflated?: ArrayBuffer;
  deflatedSizes?: number[];
  crcs?: number[];
  error?: string;
}

/**
 * Deflate on a thread of its own, a batch per message. Per entry, zlib's asynchronous API costs a
 * new stream and a trip through libuv's pool (~90 µs, against ~11 µs to deflate a 3 KB NF-e), and
 * deflating on the main thread takes the core that frames the archive or parses documents;
 * batches on one thread use the second core for ~1 µs of messaging per entry. One thread per
 * process, started on first use; it holds the process open only while a batch is out, and a thread
 * that dies fails its batches and is started again by the next one.
 */
class DeflateThread {
  private calls: ThreadCalls<Reply> | undefined;

  /** Raw deflate (ZIP method 8) of each entry, with its CRC-32 and size; the entries stay usable. */
  async deflate(entries: Uint8Array[], level: number): Promise<DeflatedBytes[]> {
    if (!entries.length) return [];
    if (!this.calls || this.calls.stopped)
      this.calls = new ThreadCalls<Reply>(new Worker(PROGRAM, { eval: true }), {
        failed: (reply) => (reply.deflated ? undefined : new Error(`deflate failed: ${reply.error}`)),
        stopped: (cause) =>
          typeof cause === 'number' ? new Error(`the deflate thread exited with code ${cause}`) : cause,
      });
    const { packed, sizes } = packBytes(entries);
    const reply = await this.calls.call({ level, packed, sizes }, [packed]);
    const all = new Uint8Array(reply.deflated as ArrayBuffer);
    const deflatedSizes = reply.deflatedSizes as number[];
    const crcs = reply.crcs as number[];
    let at = 0;
    return sizes.map((size, i) => {
      const length = deflatedSizes[i] as number;
      const deflated = all.subarray(at, at + length);
      at += length;
      return { deflated, crc32: crcs[i] as number, size };
    });
  }
}

/** The process's deflate thread. */
export const deflateThread = new DeflateThread();
