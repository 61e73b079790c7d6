import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidContentType,
  assertValidKey,
  assertValidPrefix,
  type BlobEntry,
  type BlobInfo,
  BlobKeyError,
  type BlobStore,
  type PutOptions,
} from '../../core/ports/blob-store.js';
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../clock.js';

/**
 * Layout under `root` (`<DATA_DIR>/blobs`):
 *   objects/<key>                 the bytes, a plain file
 *   objects/<key>~meta.json       sidecar `{"contentType": "..."}`; "~" never occurs in a key, so a
 *                                 sidecar can't collide with an object and listings skip it
 *   .tmp/<random>                 writes in progress (same filesystem, so the final rename is atomic)
 * A put writes and fsyncs the temp files, renames the sidecar into place, then the data file: the
 * object appears at that last rename. Every path is resolved with realpath and must stay under
 * `objects/`; symlinks are never created, never followed as the last component, and are skipped in
 * listings.
 */
const META_SUFFIX = '~meta.json';
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const O_READ_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export interface DiskBlobStoreOptions {
  root: string;
  clock?: Clock;
}

type Dirs = { objects: string; tmp: string };

export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const;
  readonly root: string;
  private readonly clock: Clock;
  private ready: Promise<Dirs> | undefined;

  constructor(opts: DiskBlobStoreOptions) {
    this.root = path.resolve(opts.root);
    this.clock = opts.clock ?? systemClock;
  }

  async put(key: string, body: Readable | Uint8Array, opts: PutOptions): Promise<BlobInfo> {
    let tmpData: string | undefined;
    try {
      assertValidKey(key);
      assertValidContentType(opts.contentType);
      tmpData = path.join((await this.dirs()).tmp, randomBytes(16).toString('hex'));
      const tmpMeta = tmpData + META_SUFFIX;
      const size = await writeStream(tmpData, body, opts.signal);
      const meta = JSON.stringify({ contentType: opts.contentType });
      await fs.writeFile(tmpMeta, meta, { flag: 'wx', flush: true });
      await this.commit(key, tmpData, tmpMeta);
      return { key, size, contentType: opts.contentType };
    } catch (err) {
      // The store owns the source once put is called: stop the producer, leave nothing behind.
      if (body instanceof Readable) body.destroy();
      if (tmpData) {
        await Promise.all([fs.rm(tmpData, { force: true }), fs.rm(tmpData + META_SUFFIX, { force: true })]);
      }
      throw err;
    }
  }

  async get(key: string): Promise<{ info: BlobInfo; stream: Readable } | null> {
    assertValidKey(key);
    const file = await this.locate(key);
    if (!file) return null;
    const fh = await ifExists(fs.open(file, O_READ_NOFOLLOW)).catch((err) => {
      throw errCode(err) === 'ELOOP' ? escapes(key) : err;
    });
    if (!fh) return null;
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      const info = { key, size: st.size, contentType: await readContentType(file) };
      // Reading from the already-open descriptor: a concurrent overwrite or delete can't tear the bytes.
      return { info, stream: fh.createReadStream() };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    const file = await this.locate(key);
    if (!file) return null;
    const st = await ifExists(fs.lstat(file));
    if (st?.isSymbolicLink()) throw escapes(key);
    if (!st?.isFile()) return null;
    return { key, size: st.size, contentType: await readContentType(file) };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const file = await this.locate(key);
    if (!file) return;
    // unlink removes a symlink itself, never its target; a directory under this name is not an object.
    await unlinkIfPresent(file);
    await unlinkIfPresent(file + META_SUFFIX);
    await this.prune(path.dirname(file));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix, { allowEmpty: false });
    let deleted = 0;
    // `walk` reads each directory fully before yielding from it, so deleting along the way is safe.
    for await (const entry of this.list(prefix)) {
      await this.delete(entry.key);
      deleted += 1;
    }
    return deleted;
  }

  async *list(prefix: string): AsyncIterable<BlobEntry> {
    assertValidPrefix(prefix, { allowEmpty: true });
    const { objects } = await this.dirs();
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1); // the part of the prefix that is whole directories
    const start = await ifExists(fs.realpath(path.join(objects, ...dirKey.split('/'))));
    if (!start) return;
    if (!isInside(objects, start)) throw escapes(prefix);
    yield* this.walk(start, dirKey, prefix);
  }

  /** Removes crash leftovers in `.tmp` not written to for `olderThanMs`; call at startup. */
  async sweepTemp(olderThanMs = 60 * 60_000): Promise<number> {
    const { tmp } = await this.dirs();
    const cutoff = this.clock.now().getTime() - olderThanMs;
    let removed = 0;
    for (const name of await fs.readdir(tmp)) {
      const p = path.join(tmp, name);
      // mtime moves with every write, so a slow upload still in progress is never swept.
      const st = await ifExists(fs.lstat(p));
      if (st && st.mtimeMs < cutoff) {
        await fs.rm(p, { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private dirs(): Promise<Dirs> {
    const real = async (name: string) => {
      await fs.mkdir(path.join(this.root, name), { recursive: true });
      return fs.realpath(path.join(this.root, name));
    };
    this.ready ??= (async () => ({ objects: await real('objects'), tmp: await real('.tmp') }))().catch(
      (err) => {
        this.ready = undefined;
        throw err;
      },
    );
    return this.ready;
  }

  /** The real path `key` would have, or null when its directory does not exist. */
  private async locate(key: string): Promise<string | null> {
    const { objects } = await this.dirs();
    const segments = key.split('/');
    const name = segments.pop()!;
    const parent = await ifExists(fs.realpath(path.join(objects, ...segments)));
    if (!parent) return null;
    if (!isInside(objects, parent)) throw escapes(key);
    return path.join(parent, name);
  }

  /** Creates the directories of `key` one level at a time, checking each before creating the next. */
  private async ensureParent(key: string): Promise<string> {
    const { objects } = await this.dirs();
    let dir = objects;
    for (const segment of key.split('/').slice(0, -1)) {
      const next = path.join(dir, segment);
      await fs.mkdir(next).catch((err) => {
        if (errCode(err) !== 'EEXIST') throw err;
      });
      const real = await fs.realpath(next);
      if (!isInside(objects, real)) throw escapes(key);
      if (!(await fs.stat(real)).isDirectory()) {
        throw new BlobKeyError(`blob key ${key}: "${segment}" is an object, not a folder`, key, 'conflict');
      }
      dir = real;
    }
    return dir;
  }

  private async commit(key: string, tmpData: string, tmpMeta: string): Promise<void> {
    const name = key.slice(key.lastIndexOf('/') + 1);
    let parent: string;
    for (let attempt = 1; ; attempt++) {
      try {
        parent = await this.ensureParent(key);
        await fs.rename(tmpMeta, path.join(parent, name + META_SUFFIX));
        break;
      } catch (err) {
        // A concurrent delete may prune a directory we just created; create it again.
        if (attempt >= 3 || !isMissing(err)) throw err;
      }
    }
    const target = path.join(parent, name);
    try {
      await fs.rename(tmpData, target);
    } catch (err) {
      await fs.rm(target + META_SUFFIX, { force: true });
      if (await isDirectory(target)) {
        throw new BlobKeyError(`blob key ${key} is a folder of other objects`, key, 'conflict');
      }
      throw err;
    }
    await syncDir(parent);
  }

  /** Removes now-empty directories from `dir` up to (excluding) `objects/`. */
  private async prune(dir: string): Promise<void> {
    const { objects } = await this.dirs();
    for (let d = dir; d !== objects && isInside(objects, d); d = path.dirname(d)) {
      const removed = await fs.rmdir(d).then(
        () => true,
        () => false, // not empty (or already gone): stop climbing
      );
      if (!removed) return;
    }
  }

  private async *walk(dir: string, dirKey: string, prefix: string): AsyncGenerator<BlobEntry> {
    const entries = (await ifExists(fs.readdir(dir, { withFileTypes: true }))) ?? [];
    // Sorting "name/" for folders yields keys in the same byte order as an S3 listing.
    const items = entries
      .filter((e) => SEGMENT.test(e.name) && (e.isFile() || e.isDirectory()))
      .map((e) => ({
        name: e.name,
        isDir: e.isDirectory(),
        sortKey: e.isDirectory() ? `${e.name}/` : e.name,
      }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const item of items) {
      const key = dirKey + item.name;
      if (item.isDir) {
        if (`${key}/`.startsWith(prefix)) yield* this.walk(path.join(dir, item.name), `${key}/`, prefix);
        continue;
      }
      if (!key.startsWith(prefix)) continue;
      const st = await ifExists(fs.lstat(path.join(dir, item.name)));
      if (st?.isFile()) yield { key, size: st.size, lastModified: st.mtime };
    }
  }
}

/** Streams `body` into a new file, fsynced before the promise resolves; returns its size. */
async function writeStream(file: string, body: Readable | Uint8Array, signal?: AbortSignal): Promise<number> {
  const source = body instanceof Uint8Array ? Readable.from([body]) : body;
  // `flush`: fsync before close. pipeline waits for 'close', so the bytes are durable on return.
  const sink = createWriteStream(file, { flags: 'wx', flush: true });
  try {
    await pipeline(source, sink, { signal });
  } catch (err) {
    // pipeline may reject before the file is even open; wait for the close, or the caller's cleanup
    // could run first and the file would appear afterwards as an orphan.
    if (!sink.closed) await once(sink, 'close');
    throw err;
  }
  return sink.bytesWritten;
}

async function readContentType(file: string): Promise<string> {
  try {
    const meta = JSON.parse(
      await fs.readFile(file + META_SUFFIX, { encoding: 'utf8', flag: O_READ_NOFOLLOW }),
    );
    if (typeof meta?.contentType === 'string') return meta.contentType;
  } catch {
    // missing or unreadable sidecar: fall back to the generic type
  }
  return DEFAULT_CONTENT_TYPE;
}

/** Makes the renames durable; best effort (not every platform can fsync a directory). */
async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r').catch(() => null);
  await fh?.sync().catch(() => undefined);
  await fh?.close();
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (err) {
    if (!isMissing(err) && !(await isDirectory(file))) throw err;
  }
}

function isDirectory(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    (st) => st.isDirectory(),
    () => false,
  );
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

function escapes(key: string): BlobKeyError {
  return new BlobKeyError(`blob key ${key} resolves outside the blob root`, key, 'escapes_root');
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The result, or null when the path (or one of its folders) does not exist. */
async function ifExists<T>(op: Promise<T>): Promise<T | null> {
  try {
    return await op;
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

function isMissing(err: unknown): boolean {
  const code = errCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
