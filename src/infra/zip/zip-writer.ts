import { Readable } from 'node:stream';
import { Zip, type ZipInputFile } from 'fflate';
import type { ArchiveWriter, DeflatedBytes, EntryBytes } from '../../core/ports/archives.js';
import { deflateThread } from '../threads/deflate-thread.js';

/** fflate's ZIP container has no ZIP64: these bounds keep every archive inside the classic format. */
export const ZIP_MAX_ENTRIES = 65_000;
export const ZIP_MAX_BYTES = 3.5 * 1024 ** 3;

/**
 * Archive bytes the writer lets pile up ahead of a slow consumer before `add` waits. Fixed here, not
 * derived from Node's default stream buffer (16 KiB on Node 20, 64 KiB from Node 22).
 */
export const ZIP_BACKLOG_BYTES = 64 * 1024;

/** Archive bytes gathered into one block before they are handed to the stream. */
const GATHER_BYTES = 32 * 1024;

/** A batch goes to the deflate thread once it holds this many entries or bytes to deflate. */
const BATCH_ENTRIES = 128;
const BATCH_BYTES = 1024 * 1024;
/** Batches out at once: the thread deflates one while the next is filled and the last is framed. */
const BATCHES_IN_FLIGHT = 2;

/**
 * A ZIP written as a stream, entry by entry, with memory bounded by a small window.
 *
 * Entries are deflated by Node's zlib (native; fflate's own deflate is 3x slower) with their CRC-32,
 * in batches on the deflate thread, while this thread frames the archive around the pre-compressed
 * data with fflate (a custom input file with compression method 8) and reads the database. Entries
 * added already deflated are framed as they are, in their place among the others.
 *
 * `add` resolves when the entry is queued and the window has room; it waits while the consumer of
 * `stream` is slower than us (back-pressure all the way to the database reader).
 */
export class ZipStreamWriter implements ArchiveWriter {
  readonly stream: Readable;
  private readonly zip: Zip;
  private gathered: Uint8Array[] = [];
  private gatheredBytes = 0;
  private batch: { name: string; data: EntryBytes }[] = [];
  /** Bytes of the batch still to deflate. */
  private batchBytes = 0;
  private readonly inFlight: { names: string[]; work: Promise<DeflatedBytes[]> }[] = [];
  private readonly mtime: Date;
  private resumeRead: (() => void) | undefined;
  private failure: Error | undefined;
  private entries = 0;
  private uncompressed = 0;
  private compressed = 0;

  constructor(opts: { level?: number; mtime?: Date } = {}) {
    this.level = opts.level ?? 6;
    this.mtime = opts.mtime ?? new Date('2000-01-01T00:00:00Z');
    this.stream = new Readable({
      highWaterMark: ZIP_BACKLOG_BYTES / 4,
      read: () => {
        const resume = this.resumeRead;
        this.resumeRead = undefined;
        resume?.();
      },
    });
    this.zip = new Zip((err, chunk, final) => {
      if (err) return this.fail(err);
      this.compressed += chunk.length;
      // fflate hands out a header and a body per entry: pushed one by one they cost a stream
      // round and a write system call each; gathered they go out in blocks.
      this.gathered.push(chunk);
      this.gatheredBytes += chunk.length;
      if (this.gatheredBytes >= GATHER_BYTES || final) {
        this.stream.push(Buffer.concat(this.gathered, this.gatheredBytes));
        this.gathered = [];
        this.gatheredBytes = 0;
      }
      if (final) this.stream.push(null);
    });
  }

  private readonly level: number;

  get entryCount(): number {
    return this.entries;
  }

  /** Uncompressed bytes added so far (what splitting by size counts). */
  get bytesIn(): number {
    return this.uncompressed;
  }

  /** Bytes of archive produced so far. */
  get bytesOut(): number {
    return this.compressed;
  }

  async add(name: string, data: EntryBytes): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.entries >= ZIP_MAX_ENTRIES)
      throw new Error(`a ZIP holds at most ${ZIP_MAX_ENTRIES} entries here`);
    this.entries++;
    this.batch.push({ name, data });
    if (data instanceof Uint8Array) {
      this.uncompressed += data.byteLength;
      this.batchBytes += data.byteLength;
    } else {
      this.uncompressed += data.size;
    }
    if (this.batch.length >= BATCH_ENTRIES || this.batchBytes >= BATCH_BYTES) this.sendBatch();
    while (this.inFlight.length > BATCHES_IN_FLIGHT) await this.writeOldest();
    if (this.backlogged) await this.roomToRead();
  }

  /** Writes the remaining entries and the central directory; the stream ends after it. */
  async finish(): Promise<void> {
    this.sendBatch();
    while (this.inFlight.length) await this.writeOldest();
    if (this.failure) throw this.failure;
    this.zip.end();
    if (this.failure) throw this.failure;
  }

  /** Stops everything: the stream errors, so a store writing it discards the partial object. */
  abort(err: Error): void {
    this.fail(err);
  }

  private sendBatch(): void {
    if (!this.batch.length) return;
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const plain = batch.flatMap((e) => (e.data instanceof Uint8Array ? [e.data] : []));
    const work = deflateThread.deflate(plain, this.level).then((deflated) => {
      let next = 0;
      return batch.map((e) => (e.data instanceof Uint8Array ? (deflated[next++] as DeflatedBytes) : e.data));
    });
    work.catch(() => {}); // awaited in writeOldest, or dropped after a failure
    this.inFlight.push({ names: batch.map((e) => e.name), work });
  }

  private async writeOldest(): Promise<void> {
    const next = this.inFlight.shift();
    if (!next) return;
    const out = await next.work.catch((err: Error) => {
      this.fail(err);
      throw err;
    });
    if (this.failure) throw this.failure;
    for (let i = 0; i < out.length; i++) {
      const { deflated, crc32, size } = out[i] as DeflatedBytes;
      const file = {
        filename: next.names[i],
        size,
        crc: crc32,
        compression: 8,
        mtime: this.mtime,
      } as ZipInputFile;
      this.zip.add(file);
      file.ondata?.(null, deflated as Uint8Array<ArrayBuffer>, true);
      // A batch's archive bytes wait for the consumer entry by entry, not all at once.
      if (this.backlogged) await this.roomToRead();
      if (this.failure) throw this.failure;
    }
  }

  /** Whether the consumer has fallen ZIP_BACKLOG_BYTES behind, so adding waits (never once failed). */
  private get backlogged(): boolean {
    return this.stream.readableLength >= ZIP_BACKLOG_BYTES && !this.failure;
  }

  /** Resolves once the consumer reads again, or the writer fails. */
  private roomToRead(): Promise<void> {
    return new Promise((resolve) => {
      this.resumeRead = resolve;
    });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.batch = [];
    this.inFlight.length = 0;
    this.stream.destroy(err);
    const resume = this.resumeRead;
    this.resumeRead = undefined;
    resume?.();
  }
}
