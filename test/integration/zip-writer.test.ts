import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZipStreamWriter } from '../../src/infra/zip/zip-writer.js';
import { unzip } from '../support/unzip.js';

async function collect(writer: ZipStreamWriter): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of writer.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Each entry's CRC-32 and compression method as the central directory records them. */
function centralDirectory(zip: Buffer): Map<string, { crc: number; method: number }> {
  const out = new Map<string, { crc: number; method: number }>();
  for (let at = zip.indexOf('PK\x01\x02'); at >= 0; at = zip.indexOf('PK\x01\x02', at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString();
    out.set(name, { crc: zip.readUInt32LE(at + 16), method: zip.readUInt16LE(at + 10) });
  }
  return out;
}

/** The archive holds exactly `entries`, in order, byte for byte, each deflated with its CRC-32. */
async function expectEntries(zip: Buffer, entries: [string, Buffer][]): Promise<void> {
  const read = await unzip(zip);
  expect([...read.keys()]).toEqual(entries.map(([name]) => name));
  for (const [name, bytes] of entries) expect(read.get(name)?.equals(bytes), name).toBe(true);
  const directory = centralDirectory(zip);
  for (const [name, bytes] of entries)
    expect(directory.get(name), name).toEqual({ crc: crc32(bytes), method: 8 });
}

describe('ZIP writer (batches deflated on a thread of their own)', () => {
  it('writes every entry deflated with its CRC-32, in order, across batches of any size', async () => {
    const entries: [string, Buffer][] = [];
    for (let i = 0; i < 300; i++)
      entries.push([`small-${i}.xml`, Buffer.from(`<NFe n="${i}">${'x'.repeat(i)}</NFe>`)]);
    // Over a batch's 1 MB alone, then an empty entry, then bytes that do not compress.
    entries.splice(150, 0, ['large.xml', Buffer.alloc(3 * 1024 * 1024, '<det>item</det>')]);
    entries.push(['empty.xml', Buffer.alloc(0)]);
    entries.push(['random.bin', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251))]);

    const writer = new ZipStreamWriter({ mtime: new Date('2026-11-29T00:00:00Z') });
    const archive = collect(writer);
    for (const [name, bytes] of entries) await writer.add(name, bytes);
    await writer.finish();
    const zip = await archive;

    await expectEntries(zip, entries);
    expect(writer.entryCount).toBe(entries.length);
    // The large entry really is deflated, not stored.
    expect(zip.length).toBeLessThan(1024 * 1024);
  });

  it('frames entries added already deflated as they are, in their place among plain ones', async () => {
    const entries: [string, Buffer][] = [];
    for (let i = 0; i < 400; i++)
      entries.push([`doc-${i}.xml`, Buffer.from(`<NFe n="${i}">${'y'.repeat(i % 97)}</NFe>`)]);
    const writer = new ZipStreamWriter();
    const archive = collect(writer);
    for (const [i, [name, bytes]] of entries.entries()) {
      // Every third entry arrives deflated (as stored documents do), at another level than the writer's.
      if (i % 3 === 0) {
        const deflated = deflateRawSync(bytes, { level: 9 });
        await writer.add(name, { deflated, crc32: crc32(bytes), size: bytes.byteLength });
      } else {
        await writer.add(name, bytes);
      }
    }
    expect(writer.bytesIn).toBe(entries.reduce((n, [, b]) => n + b.byteLength, 0));
    await writer.finish();
    await expectEntries(await archive, entries);
  });

  it('fails the archive, not the process, when entries cannot be deflated; the next archive is fine', async () => {
    // A level zlib refuses: the deflate thread fails the batch as a whole.
    const broken = new ZipStreamWriter({ level: 42 });
    const streamError = new Promise<Error>((resolve) => broken.stream.on('error', resolve));
    broken.stream.resume();
    await broken.add('good.xml', Buffer.from('<NFe/>'));
    const failed = await broken.finish().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failed?.message).toMatch(/deflate failed/);
    // The stream errors too, so a blob store writing it discards the partial object.
    expect((await streamError).message).toMatch(/deflate failed/);

    const next = new ZipStreamWriter();
    const archive = collect(next);
    await next.add('after.xml', Buffer.from('<NFe>after</NFe>'));
    await next.finish();
    expect((await unzip(await archive)).get('after.xml')?.toString()).toBe('<NFe>after</NFe>');
  });
});
