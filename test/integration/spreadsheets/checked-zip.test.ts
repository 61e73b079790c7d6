import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArchiveLimitError,
  type ArchiveReader,
  EntryTooLargeError,
  InvalidArchiveError,
} from '../../../src/core/ports/archives.js';
import { CheckedZip, DEFAULT_ZIP_LIMITS, ZipRejectedError } from '../../../src/infra/zip/checked-zip.js';
import { checkedZipReader } from '../../../src/infra/zip/read-zip.js';
import { StoredEntriesStream } from '../../../src/infra/zip/stored-entries-stream.js';
import { writeZip, type ZipOptions, type ZipPart } from '../../support/hostile-zip.js';
import { unzip } from '../../support/unzip.js';
import { tempDir } from './support.js';

const tmp = tempDir('checked-zip');
afterAll(tmp.cleanup);

let n = 0;
async function zipOf(parts: ZipPart[], options?: ZipOptions): Promise<string> {
  const file = tmp.file(`z${n++}.zip`);
  await writeZip(file, parts, options);
  return file;
}

async function refusal(file: string, limits = DEFAULT_ZIP_LIMITS): Promise<string> {
  try {
    (await CheckedZip.open(file, limits)).close();
  } catch (err) {
    expect(err).toBeInstanceOf(ZipRejectedError);
    return (err as Error).message;
  }
  throw new Error('the archive was accepted');
}

const MIB = 1024 * 1024;

describe('CheckedZip: judging an archive by its central directory', () => {
  it('opens a sound archive and gives each entry back within its declared size', async () => {
    const file = await zipOf([
      { name: 'a.xml', data: '<a/>'.repeat(1000) },
      { name: 'b.txt', data: 'plain', stored: true },
    ]);
    const zip = await CheckedZip.open(file);
    try {
      expect(zip.names).toEqual(['a.xml', 'b.txt']);
      expect(zip.entry('a.xml')).toMatchObject({ uncompressedSize: 4000, method: 8 });
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openEntry('a.xml')) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('<a/>'.repeat(1000));
    } finally {
      zip.close();
    }
  });

  it('refuses a deflate bomb by its ratio before inflating a byte: 1 GiB of zeros in ~1 MB', async () => {
    const file = await zipOf([{ name: 'xl/worksheets/sheet1.xml', zeros: 1024 * MIB }]);
    expect(fs.statSync(file).size).toBeLessThan(2 * MIB);
    expect(await refusal(file)).toMatch(
      /^xl\/worksheets\/sheet1\.xml would unpack \d{4} times its packed size \(\d+ KB → 1024 MB; at most 200\): a ZIP bomb \(ARCHIVE_MAX_RATIO\)$/,
    );
  }, 60_000);

  it('refuses too many entries, too large an entry, too much in total', async () => {
    const parts = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.txt`, data: 'x'.repeat(3000) }));
    const file = await zipOf(parts);
    expect(await refusal(file, { ...DEFAULT_ZIP_LIMITS, maxEntries: 5 })).toBe(
      'the ZIP holds 6 entries, more than 5 (ARCHIVE_MAX_ENTRIES)',
    );
    expect(await refusal(file, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 2000 })).toBe(
      'p0.txt unpacks to 3 KB, more than the 2 KB allowed for one entry (ARCHIVE_MAX_ENTRY_BYTES)',
    );
    expect(await refusal(file, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 10_000 })).toBe(
      'the archive unpacks to more than 10 KB, reached at p3.txt (ARCHIVE_MAX_TOTAL_BYTES)',
    );
  });

  it('refuses overlapping entries (many names over one deflate kernel) and duplicate names', async () => {
    const overlapping = await zipOf([{ name: 'xl/workbook.xml', data: '<w/>' }], {
      aliases: [['xl/worksheets/sheet1.xml', 'xl/workbook.xml']],
    });
    expect(await refusal(overlapping)).toMatch(
      /^entries (xl\/workbook\.xml|xl\/worksheets\/sheet1\.xml) and .* overlap \(shared data/,
    );

    const twice = await zipOf([
      { name: 'a.xml', data: '1' },
      { name: 'a.xml', data: '2' },
    ]);
    expect(await refusal(twice)).toBe('the ZIP holds a.xml twice');
  });

  it('refuses what is not a ZIP at all, or a truncated one', async () => {
    const text = tmp.file('text.zip');
    fs.writeFileSync(text, 'orderNumber;orderId\r\n');
    expect(await refusal(text)).toMatch(/^damaged ZIP archive \(/);

    const whole = fs.readFileSync(await zipOf([{ name: 'a.xml', data: 'x'.repeat(5000) }]));
    const cut = tmp.file('cut.zip');
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 30));
    expect(await refusal(cut)).toMatch(/^damaged ZIP archive \(/);
  });
});

describe('StoredEntriesStream: entries re-emitted for a streaming reader', () => {
  async function collect(stream: StoredEntriesStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream.bytes()) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  it('emits the chosen entries, in the order asked, as stored entries a ZIP reader understands', async () => {
    const file = await zipOf([
      { name: 'late.xml', data: '<late/>' },
      { name: 'skip.bin', data: 'not wanted' },
      { name: 'early.xml', data: '<early>Açaí</early>' },
    ]);
    const zip = await CheckedZip.open(file);
    try {
      const stream = new StoredEntriesStream(zip, [
        { name: 'early.xml' },
        { name: 'made.xml', bytes: Buffer.from('<made/>') },
        { name: 'late.xml' },
      ]);
      const bytes = await collect(stream);
      expect(stream.failure).toBeUndefined();
      // Local entries only (no central directory): as a streaming reader meets them.
      const names: string[] = [];
      for (let at = bytes.indexOf('PK\x03\x04'); at >= 0; at = bytes.indexOf('PK\x03\x04', at + 4)) {
        expect(bytes.readUInt16LE(at + 8)).toBe(0);
        names.push(bytes.subarray(at + 30, at + 30 + bytes.readUInt16LE(at + 26)).toString());
      }
      expect(names).toEqual(['early.xml', 'made.xml', 'late.xml']);
      expect(bytes.toString('utf8')).toContain('<early>Açaí</early>');
    } finally {
      zip.close();
    }
  });

  it('cuts an entry off where it passes its declared size, and says so', async () => {
    // A bomb that lies: it declares 1 MiB (ratio 1:1), and inflates to 64 MiB.
    const file = await zipOf([{ name: 'sheet.xml', zeros: 64 * MIB, declaredSize: MIB }]);
    const zip = await CheckedZip.open(file);
    try {
      const stream = new StoredEntriesStream(zip, [{ name: 'sheet.xml' }]);
      const bytes = await collect(stream);
      expect(stream.failure?.message).toMatch(/sheet\.xml|too many bytes/);
      expect(bytes.length).toBeLessThanOrEqual(MIB + 100);
    } finally {
      zip.close();
    }
  });

  it('stops at damaged deflate data instead of failing the stream', async () => {
    const file = await zipOf([
      {
        name: 'sheet.xml',
        data: `<r>${'0123456789'.repeat(20_000)}</r>`.replace(/0/g, () => String(Math.random())),
        damage: true,
      },
    ]);
    const zip = await CheckedZip.open(file);
    try {
      const stream = new StoredEntriesStream(zip, [{ name: 'sheet.xml' }]);
      await collect(stream);
      expect(stream.failure).toBeInstanceOf(Error);
    } finally {
      zip.close();
    }
  });

  it('writes archives that the standard reader accepts (the test writer itself)', async () => {
    const file = await zipOf([{ name: 'a.txt', data: 'hello' }]);
    expect((await unzip(fs.readFileSync(file))).get('a.txt')?.toString()).toBe('hello');
  });
});

describe('checkedZipReader: the core ArchiveReader every archive input uses', () => {
  it('hands out entries in order, and refuses an archive over a limit with ArchiveLimitError', async () => {
    const sound = await zipOf([
      { name: 'a.xml', data: '<a/>' },
      { name: 'dir/', data: '' },
    ]);
    const read = checkedZipReader(DEFAULT_ZIP_LIMITS);
    const seen: string[] = [];
    for await (const entry of read(sound)) {
      seen.push(`${entry.name}:${entry.isDirectory}`);
      if (!entry.isDirectory) expect(Buffer.from(await entry.read(100)).toString()).toBe('<a/>');
    }
    expect(seen).toEqual(['a.xml:false', 'dir/:true']);

    const many = await zipOf(Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.xml`, data: 'x' })));
    const refused = async (reader: ArchiveReader, file: string) => {
      try {
        for await (const _ of reader(file));
      } catch (err) {
        return err as Error;
      }
      throw new Error('accepted');
    };
    const err = await refused(checkedZipReader({ ...DEFAULT_ZIP_LIMITS, maxEntries: 5 }), many);
    expect(err).toBeInstanceOf(ArchiveLimitError);
    expect(err).toMatchObject({
      limit: 5,
      message: 'the ZIP holds 6 entries, more than 5 (ARCHIVE_MAX_ENTRIES)',
    });
    const overlapping = await zipOf([{ name: 'k.xml', data: 'x'.repeat(100) }], {
      aliases: [['b.xml', 'k.xml']],
    });
    const damaged = await refused(read, overlapping);
    expect(damaged).toBeInstanceOf(InvalidArchiveError);
    expect(damaged).not.toBeInstanceOf(ArchiveLimitError);
  });

  it('reads an entry no larger than the caller’s limit', async () => {
    const file = await zipOf([{ name: 'big.xml', data: 'y'.repeat(5000) }]);
    for await (const entry of checkedZipReader()(file)) {
      await expect(entry.read(4999)).rejects.toBeInstanceOf(EntryTooLargeError);
    }
  });
});
