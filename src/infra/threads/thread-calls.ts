import type { Worker } from 'node:worker_threads';

/** A thread's message answering the call of the same id. */
export interface ThreadReply {
  id: number;
}

export interface ThreadCallsOptions<R extends ThreadReply> {
  /** The error a reply reports, if any: its call rejects with it. */
  failed(reply: R): Error | undefined;
  /** What pending and later calls reject with once the thread is gone (its uncaught error or exit code). */
  stopped(cause: Error | number): Error;
}

/**
 * Calls to a worker thread: each posts `{ id, ...message }` and resolves with the thread's reply of
 * the same id, in whatever order replies come. The worker holds the process open only while a call
 * is pending, as the same work done in-process would; once the thread errors or exits, pending and
 * later calls reject instead of hanging.
 */
export class ThreadCalls<R extends ThreadReply> {
  private readonly pending = new Map<number, { resolve: (reply: R) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private gone: Error | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly options: ThreadCallsOptions<R>,
  ) {
    worker.on('message', (reply: R) => this.settle(reply));
    worker.on('error', (err) => this.stop(err));
    worker.on('exit', (code) => this.stop(code));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
  }

  /** Whether the thread is gone, so every call rejects. */
  get stopped(): boolean {
    return this.gone !== undefined;
  }

  /** Ends the thread; pending and later calls reject. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** `transfer`: buffers moved to the thread instead of copied (unusable here afterwards). */
  call(message: object, transfer: ArrayBuffer[] = []): Promise<R> {
    return this.expect(this.nextId++, message, transfer);
  }

  /**
   * The reply of id 0, which the thread sends unasked (e.g. once it has started, or failed to).
   * Ask before yielding to the event loop: a reply that arrives with no call pending is dropped.
   */
  ready(): Promise<R> {
    return this.expect(0);
  }

  private expect(id: number, message?: object, transfer: ArrayBuffer[] = []): Promise<R> {
    return new Promise((resolve, reject) => {
      if (this.gone) return reject(this.gone);
      // Posted first: a message that cannot be cloned throws here and leaves nothing pending.
      if (message) this.worker.postMessage({ id, ...message }, transfer);
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  private settle(reply: R): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    const err = this.options.failed(reply);
    if (err) call.reject(err);
    else call.resolve(reply);
  }

  private stop(cause: Error | number): void {
    // A crash emits 'error' then 'exit': the first cause is the one reported.
    if (this.gone) return;
    this.gone = this.options.stopped(cause);
    for (const call of this.pending.values()) call.reject(this.gone);
    this.pending.clear();
  }
}

/**
 * Byte arrays packed into one new buffer, to move to a thread (postMessage's transfer list) rather
 * than copy: a posted view copies the whole buffer under it (Node's 8 KiB pool, a ZIP's entries),
 * and a moved one must be ours, never the caller's.
 */
export function packBytes(entries: Uint8Array[]): { packed: ArrayBuffer; sizes: number[] } {
  const sizes = entries.map((e) => e.byteLength);
  const packed = new ArrayBuffer(sizes.reduce((n, size) => n + size, 0));
  const view = new Uint8Array(packed);
  let at = 0;
  for (const e of entries) {
    view.set(e, at);
    at += e.byteLength;
  }
  return { packed, sizes };
}
