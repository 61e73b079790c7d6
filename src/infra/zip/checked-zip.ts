import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * A ZIP from outside (a bulk upload, a workbook, a file given to the CLI), opened by its central directory and judged before a
 * byte of it is inflated: entry count, declared sizes, compression ratio, overlapping entries,
 * duplicate names, encryption, compression method. Entries are then read through yauzl, which
 * fails as soon as an entry inflates to more (or less) than it declared, so the declared sizes that
 * passed the limits are also the sizes that get inflated.
 *
 * Every archive input goes through here (`read-zip.ts` adapts it to the core's ArchiveReader).
 */
export interface ZipLimits {
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, for entries larger than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

/**
 * Generous for real workbooks: a 1,048,575-row template written by this service is one ~650 MB
 * sheet compressed 11-13:1; spreadsheet XML rarely passes 100:1, while deflated zeros reach
 * 1,000:1.
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 1_000,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 1.5 * 1024 ** 3,
  maxRatio: 200,
  ratioFloorBytes: 1024 ** 2,
};

/** Configuration names of the limits, so that a refusal names the setting an operator can raise. */
export const ZIP_LIMIT_NAMES: Record<Exclude<keyof ZipLimits, 'ratioFloorBytes'>, string> = {
  maxEntries: 'ARCHIVE_MAX_ENTRIES',
  maxEntryBytes: 'ARCHIVE_MAX_ENTRY_BYTES',
  maxTotalBytes: 'ARCHIVE_MAX_TOTAL_BYTES',
  maxRatio: 'ARCHIVE_MAX_RATIO',
};

/**
 * The archive is refused; `message` says why in words a seller can act on. `limit` is set when a
 * configured limit was exceeded (the answer is then "too large" rather than "damaged").
 */
export class ZipRejectedError extends Error {
  constructor(
    message: string,
    readonly limit?: keyof typeof ZIP_LIMIT_NAMES,
  ) {
    super(limit ? `${message} (${ZIP_LIMIT_NAMES[limit]})` : message);
  }
}

export interface CheckedEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  /** 0 stored, 8 deflate. */
  method: number;
}

const MB = 1024 * 1024;
const mb = (n: number): string =>
  n < MB ? `${Math.ceil(n / 1024)} KB` : `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;

function openFile(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(new ZipRejectedError(`damaged ZIP archive (${err?.message})`)) : resolve(zip),
    ),
  );
}

function readAllEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(new ZipRejectedError(`damaged ZIP archive (${err.message})`)));
    zip.readEntry();
  });
}

function dataStart(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<number> {
  return new Promise((resolve, reject) =>
    zip.readLocalFileHeader(entry, { minimal: true }, (err, header) =>
      err
        ? reject(new ZipRejectedError(`damaged ZIP archive (${entry.fileName}: ${err.message})`))
        : resolve(header.fileDataStart),
    ),
  );
}

function judge(entries: yauzl.Entry[], limits: ZipLimits): void {
  const names = new Set<string>();
  let total = 0;
  for (const e of entries) {
    if (names.has(e.fileName)) throw new ZipRejectedError(`the ZIP holds ${e.fileName} twice`);
    names.add(e.fileName);
    if (e.isEncrypted()) throw new ZipRejectedError(`${e.fileName} is encrypted; remove the password`);
    if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
      throw new ZipRejectedError(
        `${e.fileName} uses compression method ${e.compressionMethod} (only 0 and 8)`,
      );
    }
    if (e.uncompressedSize > limits.maxEntryBytes) {
      throw new ZipRejectedError(
        `${e.fileName} unpacks to ${mb(e.uncompressedSize)}, more than the ${mb(limits.maxEntryBytes)} allowed for one entry`,
        'maxEntryBytes',
      );
    }
    const ratio = e.uncompressedSize / Math.max(e.compressedSize, 1);
    if (e.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      throw new ZipRejectedError(
        `${e.fileName} would unpack ${Math.round(ratio)} times its packed size (${mb(e.compressedSize)} → ` +
          `${mb(e.uncompressedSize)}; at most ${limits.maxRatio}): a ZIP bomb`,
        'maxRatio',
      );
    }
    total += e.uncompressedSize;
    if (total > limits.maxTotalBytes) {
      throw new ZipRejectedError(
        `the archive unpacks to more than ${mb(limits.maxTotalBytes)}, reached at ${e.fileName}`,
        'maxTotalBytes',
      );
    }
  }
}

/** Entries whose data share bytes: the trick of "overlapping" ZIP bombs (one kernel, many names). */
async function checkOverlaps(zip: yauzl.ZipFile, entries: yauzl.Entry[]): Promise<void> {
  const spans: { name: string; start: number; end: number }[] = [];
  for (const e of entries) {
    const start = e.relativeOffsetOfLocalHeader;
    const end = (await dataStart(zip, e)) + e.compressedSize;
    if (end > zip.fileSize) throw new ZipRejectedError(`${e.fileName} runs past the end of the file`);
    spans.push({ name: e.fileName, start, end });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1]!;
    const cur = spans[i]!;
    if (cur.start < prev.end) {
      throw new ZipRejectedError(
        `entries ${prev.name} and ${cur.name} overlap (shared data is how one small ZIP unpacks to gigabytes)`,
      );
    }
  }
}

export class CheckedZip {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly byName: Map<string, yauzl.Entry>,
  ) {}

  /** Opens and judges `path`; throws ZipRejectedError when the archive is refused. */
  static async open(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<CheckedZip> {
    const zip = await openFile(path);
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new ZipRejectedError(
          `the ZIP holds ${zip.entryCount} entries, more than ${limits.maxEntries}`,
          'maxEntries',
        );
      }
      const entries = await readAllEntries(zip);
      judge(entries, limits);
      await checkOverlaps(zip, entries);
      return new CheckedZip(zip, new Map(entries.map((e) => [e.fileName, e])));
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  entry(name: string): CheckedEntry | undefined {
    const e = this.byName.get(name);
    if (!e) return undefined;
    return {
      name,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      crc32: e.crc32,
      method: e.compressionMethod,
    };
  }

  /** The entry's uncompressed bytes; the stream errors when they differ from the declared size. */
  openEntry(name: string): Promise<Readable> {
    const e = this.byName.get(name);
    if (!e) return Promise.reject(new ZipRejectedError(`no ${name} in the archive`));
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(e, (err, stream) =>
        err || !stream
          ? reject(new ZipRejectedError(`damaged ZIP archive (${name}: ${err?.message})`))
          : resolve(stream),
      ),
    );
  }

  close(): void {
    this.zip.close();
  }
}
