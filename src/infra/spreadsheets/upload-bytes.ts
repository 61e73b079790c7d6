import fs from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { TemplateSource } from '../../core/templates/access-key-template.js';
import { FileProblemError, megabytes, SourceReadError } from './file-problem.js';

/** The upload's bytes, failing with a per-file error past `maxBytes`. */
export async function* uploadBytes(source: TemplateSource, maxBytes: number): AsyncGenerator<Uint8Array> {
  const stream = typeof source === 'string' ? fs.createReadStream(source) : source;
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new FileProblemError('file', `the file is larger than ${megabytes(maxBytes)}`);
      }
      yield chunk;
    }
  } catch (err) {
    throw err instanceof FileProblemError ? err : new SourceReadError(err);
  }
}

/** The first `n` bytes (fewer for a shorter file) and every byte, the first ones included. */
export async function peek(
  bytes: AsyncIterable<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; all: AsyncGenerator<Uint8Array> }> {
  const iterator = bytes[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(seen).subarray(0, n);
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      yield* seen;
      while (!done) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }
  return { head, all: all() };
}

/** The first `n` bytes of a file. */
export async function fileHead(file: string, n: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface Spooled {
  path: string;
  remove(): Promise<void>;
}

/** Writes a streamed upload to a private temporary directory, within the same byte limit. */
export async function spool(bytes: AsyncIterable<Uint8Array>, dir = os.tmpdir()): Promise<Spooled> {
  const folder = await mkdtemp(path.join(dir, 'invoicehub-upload-'));
  const file = path.join(folder, 'upload');
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    await pipeline(bytes, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await remove();
    throw err;
  }
  return { path: file, remove };
}
