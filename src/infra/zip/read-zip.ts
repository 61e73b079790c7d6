import yauzl from 'yauzl';
import {
  type ArchiveEntry,
  InvalidArchiveError as InvalidZipError,
  EntryTooLargeError as ZipEntryTooLargeError,
} from '../../core/ports/archives.js';

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(new InvalidZipError(err?.message ?? 'unreadable zip')) : resolve(zip),
    ),
  );
}

/** Entries of a ZIP file one at a time: the next entry is read only when the caller asks. */
export async function* zipEntries(file: string): AsyncGenerator<ArchiveEntry> {
  const zip = await openZip(file);
  try {
    while (true) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          cleanup();
          resolve(e);
        };
        const onEnd = () => {
          cleanup();
          resolve(null);
        };
        const onError = (err: Error) => {
          cleanup();
          reject(new InvalidZipError(err.message));
        };
        const cleanup = () => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      yield {
        name: entry.fileName,
        size: entry.uncompressedSize,
        isDirectory: entry.fileName.endsWith('/'),
        read: (limit) => readEntry(zip, entry, limit),
      };
    }
  } finally {
    zip.close();
  }
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<Buffer> {
  if (entry.uncompressedSize > limit) return Promise.reject(new ZipEntryTooLargeError(entry.fileName, limit));
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(new InvalidZipError(err?.message ?? 'unreadable entry'));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limit) {
          stream.destroy();
          reject(new ZipEntryTooLargeError(entry.fileName, limit));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (e) => reject(new InvalidZipError(e.message)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
