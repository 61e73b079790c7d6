import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { CheckedZip } from './checked-zip.js';

/**
 * Chosen entries of a checked ZIP, inflated and re-emitted as a stream of stored (uncompressed)
 * local entries, in the order asked. Streaming ZIP readers (unzipper, under exceljs) read local
 * headers front to back and never consult the central directory; this hands them only entries the
 * central directory declared and the limits accepted, inflated by yauzl under those sizes, in an
 * order that lets them stream (a workbook's shared strings before its sheets). There is no central
 * directory at the end: it is a stream for such readers, not an archive to keep.
 *
 * Each entry ends with a data descriptor rather than declaring its size up front, so that an entry
 * whose data turns out bad (inflates past its declared size, damaged deflate data) can be closed
 * where it stands: a reader that was promised N bytes and gets fewer waits for the rest forever.
 * The stream itself never fails; `failure` tells what went wrong, and the entries stop there.
 */
export type StreamedPart = { name: string } | { name: string; bytes: Uint8Array };

const DESCRIPTOR_SIGNATURE = 0x08074b50;

function localHeader(name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed: data descriptor
  header.writeUInt16LE(0x0808, 6); // UTF-8 name; CRC and sizes in the data descriptor
  header.writeUInt16LE(0, 8); // method: stored
  header.writeUInt16LE(0, 10); // time
  header.writeUInt16LE(0x21, 12); // date: 1980-01-01
  header.writeUInt16LE(nameBytes.length, 26); // CRC and sizes (14..25) stay 0
  return Buffer.concat([header, nameBytes]);
}

function dataDescriptor(crc: number, size: number): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(DESCRIPTOR_SIGNATURE, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(size, 8);
  descriptor.writeUInt32LE(size, 12);
  return descriptor;
}

export class StoredEntriesStream {
  private error: Error | undefined;

  constructor(
    private readonly zip: CheckedZip,
    private readonly parts: StreamedPart[],
  ) {}

  /** Why the entries stopped early (an entry that lied about its size, damaged data), if they did. */
  get failure(): Error | undefined {
    return this.error;
  }

  async *bytes(): AsyncGenerator<Buffer> {
    for (const part of this.parts) {
      if ('bytes' in part) {
        yield localHeader(part.name);
        yield Buffer.from(part.bytes);
        yield dataDescriptor(zlib.crc32(part.bytes), part.bytes.length);
        continue;
      }
      const entry = this.zip.entry(part.name);
      if (!entry || entry.uncompressedSize >= 0xffffffff) {
        this.error = new Error(`${part.name}: not an entry this stream can carry`);
        return;
      }
      let stream: Readable;
      try {
        stream = await this.zip.openEntry(part.name);
      } catch (err) {
        this.error = err as Error;
        return;
      }
      yield localHeader(part.name);
      let seen = 0;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          seen += chunk.length;
          if (seen > entry.uncompressedSize) throw new Error(`${part.name} unpacks to more than it declared`);
          yield chunk;
        }
        if (seen !== entry.uncompressedSize) {
          throw new Error(
            `${part.name} unpacks to ${seen} bytes, not the ${entry.uncompressedSize} it declared`,
          );
        }
      } catch (err) {
        this.error = err as Error;
      } finally {
        stream.destroy();
      }
      // The CRC is the declared one; the readers this feeds do not check it, yauzl checked the sizes.
      yield dataDescriptor(entry.crc32, Math.min(seen, entry.uncompressedSize));
      if (this.error) return;
    }
  }
}
