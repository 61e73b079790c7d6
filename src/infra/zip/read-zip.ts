import {
  type ArchiveEntry,
  ArchiveLimitError,
  type ArchiveReader,
  EntryTooLargeError,
  InvalidArchiveError,
} from '../../core/ports/archives.js';
import { CheckedZip, DEFAULT_ZIP_LIMITS, type ZipLimits, ZipRejectedError } from './checked-zip.js';

function translated(err: unknown, limits: ZipLimits): unknown {
  if (!(err instanceof ZipRejectedError)) return err;
  return err.limit
    ? new ArchiveLimitError(err.message, limits[err.limit])
    : new InvalidArchiveError(err.message);
}

/**
 * The core's ArchiveReader over CheckedZip: the whole central directory is judged against `limits`
 * (entries, sizes, ratio, overlaps) before the first entry is handed out, and each entry then
 * inflates within its declared size. One reader for every archive input (bulk uploads, the CLI).
 */
export function checkedZipReader(limits: ZipLimits = DEFAULT_ZIP_LIMITS): ArchiveReader {
  return async function* entries(file: string): AsyncGenerator<ArchiveEntry> {
    let zip: CheckedZip;
    try {
      zip = await CheckedZip.open(file, limits);
    } catch (err) {
      throw translated(err, limits);
    }
    try {
      for (const name of zip.names) {
        const entry = zip.entry(name);
        if (!entry) continue;
        yield {
          name,
          size: entry.uncompressedSize,
          isDirectory: name.endsWith('/'),
          read: (limit) => readEntry(zip, name, entry.uncompressedSize, limit, limits),
        };
      }
    } finally {
      zip.close();
    }
  };
}

async function readEntry(
  zip: CheckedZip,
  name: string,
  size: number,
  limit: number,
  limits: ZipLimits,
): Promise<Buffer> {
  if (size > limit) throw new EntryTooLargeError(name, limit);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await zip.openEntry(name);
  } catch (err) {
    throw translated(err, limits);
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (err) {
    // yauzl fails the stream when an entry inflates to more or less than it declared.
    throw new InvalidArchiveError(`${name}: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}
