import { Worker } from 'node:worker_threads';

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

interface Call {
  resolve: (out: DeflatedEntry[]) => void;
  reject: (err: Error) => void;
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
  private worker: Worker | undefined;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;

  deflate(entries: Uint8Array[], level: number): Promise<DeflatedEntry[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.calls.size === 0) worker.ref();
      this.calls.set(id, { resolve, reject });
      worker.postMessage({ id, level, entries });
    });
  }

  private start(): Worker {
    const worker = new Worker(PROGRAM, { eval: true });
    worker.unref();
    worker.on('message', (reply: { id: number; out?: DeflatedEntry[]; error?: string }) => {
      const call = this.calls.get(reply.id);
      if (!call) return;
      this.calls.delete(reply.id);
      if (this.calls.size === 0) worker.unref();
      if (reply.out) call.resolve(reply.out);
      else call.reject(new Error(`deflate failed: ${reply.error}`));
    });
    const died = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const call of this.calls.values()) call.reject(err);
      this.calls.clear();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the deflate thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/** The process's deflate thread. */
export const deflateThread = new DeflateThread();
