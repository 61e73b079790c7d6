import type { Readable } from 'node:stream';

/** One entry of an archive being read; the next entry is read only when the caller asks. */
export interface ArchiveEntry {
  name: string;
  /** Declared uncompressed size (checked again while reading: declarations lie in ZIP bombs). */
  size: number;
  isDirectory: boolean;
  /** Reads the entry, failing with EntryTooLargeError past `limit` bytes. */
  read(limit: number): Promise<Uint8Array>;
}

/** The entries of a ZIP file, in order; fails with InvalidArchiveError when it is not one. */
export type ArchiveReader = (file: string) => AsyncIterable<ArchiveEntry>;

/**
 * An entry's bytes already compressed the way a ZIP stores them (raw deflate, method 8), with what
 * the archive's headers need. Documents are stored this way, so an export only frames them.
 */
export interface DeflatedBytes {
  deflated: Uint8Array;
  crc32: number;
  /** Uncompressed size in bytes. */
  size: number;
}

/** An entry to write: plain bytes (compressed by the writer) or already deflated ones. */
export type EntryBytes = Uint8Array | DeflatedBytes;

export function uncompressedSize(bytes: EntryBytes): number {
  return bytes instanceof Uint8Array ? bytes.byteLength : bytes.size;
}

/** A ZIP written as a stream, entry by entry, with bounded memory. */
export interface ArchiveWriter {
  /** The archive's bytes; `add` waits while its consumer is slower (back-pressure). */
  readonly stream: Readable;
  readonly entryCount: number;
  /** Uncompressed bytes added so far. */
  readonly bytesIn: number;
  add(name: string, bytes: EntryBytes): Promise<void>;
  finish(): Promise<void>;
  /** Stops at once; the stream errors with `err`. */
  abort(err: Error): void;
}

export type ArchiveWriterFactory = (opts: { mtime: Date }) => ArchiveWriter;

export class InvalidArchiveError extends Error {}

/** The archive exceeds a configured bound (entries, sizes, ratio); the message names the setting. */
export class ArchiveLimitError extends InvalidArchiveError {
  constructor(
    message: string,
    /** The bound that was exceeded, in its own unit (entries, bytes or a ratio). */
    readonly limit: number,
  ) {
    super(message);
  }
}

export class EntryTooLargeError extends Error {
  constructor(
    readonly entry: string,
    readonly limit: number,
  ) {
    super(`${entry} is larger than ${limit} bytes`);
  }
}
