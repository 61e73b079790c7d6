import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobKeyError } from '../../../src/core/ports/blob-store.js';
import {
  backends,
  collect,
  digestOf,
  generatedBody,
  MiB,
  readAll,
  type TestBackend,
  uniquePrefix,
} from './helpers.js';

describe.each(backends)('blob store contract: $name', ({ make }) => {
  let b: TestBackend;
  beforeAll(async () => {
    b = await make();
  });
  afterAll(() => b?.cleanup());

  /** Disk: no write leaves anything in `.tmp`. */
  function expectNoTempFiles(): void {
    if (b.root) expect(fs.readdirSync(path.join(b.root, '.tmp'))).toEqual([]);
  }

  it('round-trips bytes and content type', async () => {
    const key = `${uniquePrefix('small')}invoice.xml`;
    const bytes = Buffer.from('<nfeProc>olá</nfeProc>', 'utf8');
    const info = await b.store.put(key, bytes, { contentType: 'application/xml; charset=utf-8' });
    expect(info).toEqual({ key, size: bytes.length, contentType: 'application/xml; charset=utf-8' });
    expect(await b.store.head(key)).toEqual(info);
    const got = await b.store.get(key);
    expect(got?.info).toEqual(info);
    expect(await readAll(got!.stream)).toEqual(bytes);
    expectNoTempFiles();
  });

  it('streams a 20 MB body generated on the fly (several S3 parts) byte for byte', async () => {
    const key = `${uniquePrefix('big')}part-0001.zip`;
    const size = 20 * MiB + 12_345;
    const body = generatedBody(size);
    const info = await b.store.put(key, body.stream, { contentType: 'application/zip' });
    expect(info).toEqual({ key, size, contentType: 'application/zip' });
    const got = await b.store.get(key);
    expect(got?.info.size).toBe(size);
    expect(await digestOf(got!.stream)).toEqual({ digest: body.digest(), size });
    expectNoTempFiles();
  });

  it('stores an empty object', async () => {
    const key = `${uniquePrefix('empty')}empty.txt`;
    expect(await b.store.put(key, Readable.from([]), { contentType: 'text/plain' })).toMatchObject({
      size: 0,
    });
    const got = await b.store.get(key);
    expect(got?.info).toEqual({ key, size: 0, contentType: 'text/plain' });
    expect((await readAll(got!.stream)).length).toBe(0);
  });

  it('answers null for a missing key', async () => {
    const prefix = uniquePrefix('missing');
    expect(await b.store.get(`${prefix}nothing.bin`)).toBeNull();
    expect(await b.store.head(`${prefix}nothing.bin`)).toBeNull();
    expect(await b.store.get('never/was/here.bin')).toBeNull();
  });

  it('replaces an existing object, content type included', async () => {
    const key = `${uniquePrefix('overwrite')}doc.bin`;
    await b.store.put(key, Buffer.from('first version'), { contentType: 'text/plain' });
    await b.store.put(key, Buffer.from('second'), { contentType: 'application/pdf' });
    const got = await b.store.get(key);
    expect(got?.info).toEqual({ key, size: 6, contentType: 'application/pdf' });
    expect((await readAll(got!.stream)).toString()).toBe('second');
  });

  it('deletes idempotently', async () => {
    const key = `${uniquePrefix('delete')}gone.txt`;
    await b.store.put(key, Buffer.from('x'), { contentType: 'text/plain' });
    await b.store.delete(key);
    expect(await b.store.head(key)).toBeNull();
    await expect(b.store.delete(key)).resolves.toBeUndefined();
    await expect(b.store.delete('no/such/object.txt')).resolves.toBeUndefined();
  });

  it('lists page by page in key order; deletePrefix removes exactly the matches', async () => {
    const p = uniquePrefix('list');
    const keys = ['d1/0001.zip', 'd1/0002.zip', 'd2/0001.zip', 'd3/x/0001.zip', 'e.txt'].map((k) => p + k);
    const other = `${uniquePrefix('other')}x.txt`;
    for (const key of [...keys, other]) {
      await b.store.put(key, Buffer.from(key), { contentType: 'text/plain' });
    }
    const list = async (prefix: string) => (await collect(b.pagedStore.list(prefix))).map((e) => e.key);
    const all = await collect(b.pagedStore.list(p));
    expect(all.map((e) => e.key)).toEqual(keys);
    expect(all[0]).toMatchObject({ key: keys[0], size: keys[0]!.length });
    expect(all[0]?.lastModified).toBeInstanceOf(Date);
    expect(await list(`${p}d`)).toEqual(keys.slice(0, 4));
    expect(await list(`${p}d1/`)).toEqual(keys.slice(0, 2));
    expect(await list(`${p}zzz/`)).toEqual([]);
    expect(await list('')).toEqual(expect.arrayContaining([other, ...keys]));

    expect(await b.pagedStore.deletePrefix(`${p}d1/`)).toBe(2);
    expect(await list(p)).toEqual(keys.slice(2));
    expect(await b.pagedStore.deletePrefix(p)).toBe(3);
    expect(await list(p)).toEqual([]);
    expect(await b.pagedStore.deletePrefix(p)).toBe(0);
    expect(await b.store.head(other)).not.toBeNull();
  });

  it('matches prefixes as plain strings, not folders', async () => {
    const p = uniquePrefix('prefix');
    // "-" and "." sort before "/": a folder walk must still list these like S3 does.
    const keys = ['a/1.txt', 'a/2.txt', 'a.b', 'a-b', 'ab/3.txt', 'b/c/d/4.txt'].map((k) => p + k);
    for (const key of keys) await b.store.put(key, Buffer.from(key), { contentType: 'text/plain' });
    const list = async (prefix: string) => (await collect(b.store.list(prefix))).map((e) => e.key).sort();
    expect(await list(p)).toEqual([...keys].sort());
    expect(await list(`${p}a`)).toEqual(keys.slice(0, 5).sort());
    expect(await b.store.deletePrefix(`${p}a`)).toBe(5);
    expect(await list(p)).toEqual([`${p}b/c/d/4.txt`]);
  });

  it('refuses to deletePrefix everything or an invalid prefix', async () => {
    await expect(b.store.deletePrefix('')).rejects.toBeInstanceOf(BlobKeyError);
    await expect(b.store.deletePrefix('../')).rejects.toBeInstanceOf(BlobKeyError);
    await expect(collect(b.store.list('/abs'))).rejects.toBeInstanceOf(BlobKeyError);
  });

  it('a put whose source fails midway leaves no object (and keeps the previous one)', async () => {
    const p = uniquePrefix('fail');
    const body = generatedBody(30 * MiB, { failAt: 12 * MiB }); // past the first 8 MiB S3 part
    await expect(b.store.put(`${p}new.zip`, body.stream, { contentType: 'application/zip' })).rejects.toThrow(
      'source failed',
    );
    expect(await b.store.head(`${p}new.zip`)).toBeNull();

    await b.store.put(`${p}old.zip`, Buffer.from('previous'), { contentType: 'application/zip' });
    const again = generatedBody(30 * MiB, { failAt: 9 * MiB });
    await expect(
      b.store.put(`${p}old.zip`, again.stream, { contentType: 'application/zip' }),
    ).rejects.toThrow();
    const kept = await b.store.get(`${p}old.zip`);
    expect((await readAll(kept!.stream)).toString()).toBe('previous');

    expect((await collect(b.store.list(p))).map((e) => e.key)).toEqual([`${p}old.zip`]);
    expectNoTempFiles();
  });

  it('an aborted put leaves no object and stops reading the source', async () => {
    const key = `${uniquePrefix('abort')}aborted.zip`;
    const controller = new AbortController();
    const body = generatedBody(100 * MiB, {
      onProgress: (n) => {
        if (n >= 10 * MiB) controller.abort();
      },
    });
    await expect(
      b.store.put(key, body.stream, { contentType: 'application/zip', signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(body.stream.destroyed).toBe(true);
    expect(body.emitted()).toBeLessThan(40 * MiB);
    expect(await b.store.head(key)).toBeNull();
    const early = generatedBody(MiB);
    await expect(
      b.store.put(key, early.stream, { contentType: 'text/plain', signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(early.stream.destroyed).toBe(true);
    expect(await b.store.head(key)).toBeNull();
    expectNoTempFiles();
  });

  it('streams a 200 MB put, holding at most a few parts of it at any time', async () => {
    // What the store has pulled from the body and not yet handed on is what it holds in memory.
    // Counted in bytes, not RSS: RSS also counts chunks already written and not yet collected.
    const body = generatedBody(200 * MiB);
    const start = b.handedOn();
    let held = 0;
    const sample = () => {
      held = Math.max(held, body.emitted() - (b.handedOn() - start));
    };
    const timer = setInterval(sample, 5);
    const key = `${uniquePrefix('memory')}200mb.bin`;
    try {
      const info = await b.store.put(key, body.stream, { contentType: 'application/zip' });
      expect(info.size).toBe(200 * MiB);
    } finally {
      clearInterval(timer);
    }
    // Buffering the body would hold 200 MB; S3 holds up to three 8 MiB parts, disk a few chunks.
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(48 * MiB);
    await b.store.delete(key);
  });

  const badKeys = [
    '../x',
    '/abs',
    'a//b',
    'a/./b',
    'a/../b',
    '..',
    'a\u0000b',
    'a\\b',
    '',
    'a/',
    'é.txt',
    'a b',
  ];
  it.each([...badKeys, 'k'.repeat(513), `a/${'k'.repeat(201)}`])(
    'rejects the invalid key %j everywhere',
    async (key) => {
      const body = generatedBody(MiB);
      await expect(b.store.put(key, body.stream, { contentType: 'text/plain' })).rejects.toBeInstanceOf(
        BlobKeyError,
      );
      expect(body.stream.destroyed).toBe(true);
      await expect(b.store.get(key)).rejects.toBeInstanceOf(BlobKeyError);
      await expect(b.store.head(key)).rejects.toBeInstanceOf(BlobKeyError);
      await expect(b.store.delete(key)).rejects.toBeInstanceOf(BlobKeyError);
    },
  );

  it('accepts a 512-character key with 200-character segments', async () => {
    const head = `${uniquePrefix('long')}${'k'.repeat(200)}/${'l'.repeat(200)}/`;
    const key = head + 'x'.repeat(512 - head.length);
    expect(key.length).toBe(512);
    await b.store.put(key, Buffer.from('long'), { contentType: 'text/plain' });
    expect(await b.store.head(key)).toMatchObject({ size: 4 });
  });
});
