import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';
import type { ArchiveWriter } from '../../core/ports/archives.js';

const gzip = promisify(zlib.gzip);

/** fflate's ZIP container has no ZIP64: these bounds keep every archive inside the classic format. */
export const ZIP_MAX_ENTRIES = 65_000;
export const ZIP_MAX_BYTES = 3.5 * 1024 ** 3;

/**
 * Archive bytes the writer lets pile up ahead of a slow consumer before `add` waits. Fixed here, not
 * derived from Node's default stream buffer (16 KiB on Node 20, 64 KiB from Node 22).
 */
export const ZIP_BACKLOG_BYTES = 64 * 1024;

/**
 * A ZIP written as a stream, entry by entry, with memory bounded by a small window.
 *
 * Compression runs on libuv's thread pool, several entries at a time, so both cores work while the
 * main thread only frames the archive. Each entry is gzipped: a gzip member is a raw deflate stream
 * plus the CRC-32 ZIP needs, computed off the main thread for free. fflate writes the container
 * around the pre-compressed data (a custom input file with compression method 8).
 *
 * `add` resolves when the entry is queued and the window has room; it waits while the consumer of
 * `stream` is slower than us (back-pressure all the way to the database reader).
 */
export class ZipStreamWriter implements ArchiveWriter {
  readonly stream: Readable;
  private readonly zip: Zip;
  private readonly pending: { name: string; size: number; work: Promise<Buffer> }[] = [];
  private readonly mtime: Date;
  private resumeRead: (() => void) | undefined;
  private failure: Error | undefined;
  private entries = 0;
  private uncompressed = 0;
  private compressed = 0;

  constructor(opts: { window?: number; level?: number; mtime?: Date } = {}) {
    this.window = opts.window ?? 8;
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
      this.stream.push(chunk);
      if (final) this.stream.push(null);
    });
  }

  private readonly window: number;
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

  async add(name: string, data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.entries >= ZIP_MAX_ENTRIES)
      throw new Error(`a ZIP holds at most ${ZIP_MAX_ENTRIES} entries here`);
    this.entries++;
    this.uncompressed += data.byteLength;
    this.pending.push({ name, size: data.byteLength, work: gzip(data, { level: this.level }) });
    while (this.pending.length >= this.window) await this.writeOldest();
    await this.roomToRead();
  }

  /** Writes the remaining entries and the central directory; the stream ends after it. */
  async finish(): Promise<void> {
    while (this.pending.length) await this.writeOldest();
    this.zip.end();
    if (this.failure) throw this.failure;
  }

  /** Stops everything: the stream errors, so a store writing it discards the partial object. */
  abort(err: Error): void {
    this.fail(err);
  }

  private async writeOldest(): Promise<void> {
    const next = this.pending.shift();
    if (!next) return;
    const member = await next.work;
    if (this.failure) throw this.failure;
    // gzip member = 10-byte header (Node writes no optional fields) + deflate + CRC-32 + ISIZE.
    const deflated = member.subarray(10, member.length - 8);
    const crc = member.readUInt32LE(member.length - 8);
    const file: ZipInputFile = {
      filename: next.name,
      size: next.size,
      crc,
      compression: 8,
      mtime: this.mtime,
    } as ZipInputFile;
    this.zip.add(file);
    file.ondata?.(null, deflated as Uint8Array<ArrayBuffer>, true);
  }

  private roomToRead(): Promise<void> {
    if (this.stream.readableLength < ZIP_BACKLOG_BYTES || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      this.resumeRead = resolve;
    });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.pending.length = 0;
    this.stream.destroy(err);
    const resume = this.resumeRead;
    this.resumeRead = undefined;
    resume?.();
  }
}
