import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobKeyError } from '../../../src/core/ports/blob-store.js';
import { DiskBlobStore } from '../../../src/infra/blobs/disk-store.js';
import { ManualClock } from '../../../src/infra/clock.js';
import { collect, readAll } from './helpers.js';

describe('disk blob store', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let clock: ManualClock;
  let store: DiskBlobStore;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-disk-'));
    root = path.join(dir, 'blobs');
    outside = path.join(dir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    store = new DiskBlobStore({ root, clock });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const objects = () => path.join(root, 'objects');
  const outsideEntries = () => fs.readdirSync(outside).sort();

  it('keeps plain files with a content-type sidecar under objects/', async () => {
    await store.put('exports/s1/e1/part-0001.zip', Buffer.from('zip'), { contentType: 'application/zip' });
    const file = path.join(objects(), 'exports/s1/e1/part-0001.zip');
    expect(fs.readFileSync(file, 'utf8')).toBe('zip');
    expect(JSON.parse(fs.readFileSync(`${file}~meta.json`, 'utf8'))).toEqual({
      contentType: 'application/zip',
    });
  });

  it('does not follow a symlinked folder inside the root that points outside it', async () => {
    fs.symlinkSync(outside, path.join(objects(), 'evil'));
    await expect(
      store.put('evil/new.txt', Buffer.from('x'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      reason: 'escapes_root',
    });
    await expect(
      store.put('evil/deeper/new.txt', Buffer.from('x'), { contentType: 'text/plain' }),
    ).rejects.toBeInstanceOf(BlobKeyError);
    await expect(store.get('evil/secret.txt')).rejects.toBeInstanceOf(BlobKeyError);
    await expect(store.head('evil/secret.txt')).rejects.toBeInstanceOf(BlobKeyError);
    await expect(store.delete('evil/secret.txt')).rejects.toBeInstanceOf(BlobKeyError);
    await expect(collect(store.list('evil/'))).rejects.toBeInstanceOf(BlobKeyError);
    await expect(store.deletePrefix('evil/')).rejects.toBeInstanceOf(BlobKeyError);
    // Walking from above skips the link instead of descending into it.
    expect((await collect(store.list(''))).map((e) => e.key)).not.toContain('evil/secret.txt');
    expect(await store.deletePrefix('e')).toBe(1); // exports/s1/e1/part-0001.zip only
    expect(outsideEntries()).toEqual(['secret.txt']);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(fs.readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('does not follow a symlinked file, and replaces the link rather than its target', async () => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(objects(), 'link.txt'));
    await expect(store.get('link.txt')).rejects.toMatchObject({ reason: 'escapes_root' });
    await expect(store.head('link.txt')).rejects.toMatchObject({ reason: 'escapes_root' });
    await store.put('link.txt', Buffer.from('mine'), { contentType: 'text/plain' });
    expect(fs.lstatSync(path.join(objects(), 'link.txt')).isSymbolicLink()).toBe(false);
    expect((await readAll((await store.get('link.txt'))!.stream)).toString()).toBe('mine');
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('works when the root itself is reached through a symlink', async () => {
    const linkedRoot = path.join(dir, 'linked-root');
    fs.symlinkSync(root, linkedRoot);
    const viaLink = new DiskBlobStore({ root: linkedRoot });
    await viaLink.put('via/link.txt', Buffer.from('ok'), { contentType: 'text/plain' });
    expect((await readAll((await store.get('via/link.txt'))!.stream)).toString()).toBe('ok');
  });

  it('lists in S3 byte order, where "-" and "." sort before "/"', async () => {
    const keys = ['o/a/1.txt', 'o/a.b', 'o/a-b', 'o/ab/3.txt', 'o/a/2.txt'];
    for (const key of keys) await store.put(key, Buffer.from(key), { contentType: 'text/plain' });
    expect((await collect(store.list('o/'))).map((e) => e.key)).toEqual([
      'o/a-b',
      'o/a.b',
      'o/a/1.txt',
      'o/a/2.txt',
      'o/ab/3.txt',
    ]);
  });

  it('removes folders emptied by delete and deletePrefix', async () => {
    await store.put('prune/x/y/z.txt', Buffer.from('z'), { contentType: 'text/plain' });
    await store.put('prune/x/w.txt', Buffer.from('w'), { contentType: 'text/plain' });
    await store.delete('prune/x/y/z.txt');
    expect(fs.existsSync(path.join(objects(), 'prune/x/y'))).toBe(false);
    expect(fs.existsSync(path.join(objects(), 'prune/x'))).toBe(true);
    expect(await store.deletePrefix('prune/')).toBe(1);
    expect(fs.existsSync(path.join(objects(), 'prune'))).toBe(false);
    expect(fs.existsSync(objects())).toBe(true);
  });

  it('reports a key that is also a folder as a conflict and leaves nothing behind', async () => {
    await store.put('both/child.txt', Buffer.from('c'), { contentType: 'text/plain' });
    await expect(store.put('both', Buffer.from('p'), { contentType: 'text/plain' })).rejects.toMatchObject({
      reason: 'conflict',
    });
    await expect(
      store.put('both/child.txt/x', Buffer.from('p'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      reason: 'conflict',
    });
    expect(fs.existsSync(path.join(objects(), 'both~meta.json'))).toBe(false);
    expect(await store.head('both')).toBeNull();
    await store.delete('both'); // a folder is not an object: nothing to delete, no error
    expect(await store.head('both/child.txt')).not.toBeNull();
    expect(fs.readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('sweeps temp files that crashes left behind, sparing recent ones', async () => {
    const tmp = path.join(root, '.tmp');
    fs.writeFileSync(path.join(tmp, 'old'), 'partial');
    fs.writeFileSync(path.join(tmp, 'fresh'), 'in progress');
    const now = clock.now().getTime() / 1000;
    fs.utimesSync(path.join(tmp, 'old'), now - 7200, now - 7200);
    fs.utimesSync(path.join(tmp, 'fresh'), now - 60, now - 60);
    expect(await store.sweepTemp(60 * 60_000)).toBe(1);
    expect(fs.readdirSync(tmp)).toEqual(['fresh']);
    fs.rmSync(path.join(tmp, 'fresh'));
  });
});
