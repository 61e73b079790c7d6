import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore } from '../../../src/core/ports/blob-store.js';
import { DiskBlobStore } from '../../../src/infra/blobs/disk-store.js';
import { S3BlobStore } from '../../../src/infra/blobs/s3-store.js';
import { startS3Server } from '../../support/s3-server.js';

export const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

export interface GeneratedBody {
  stream: Readable;
  /** sha256 (hex) of everything emitted so far; complete once the stream has ended. */
  digest(): string;
  emitted(): number;
}

/**
 * `size` bytes made on the fly in 64 KiB chunks, each one distinct (its index is stamped in), so a
 * lost, repeated or reordered chunk changes the digest. Never holds more than one chunk.
 * `failAt`: destroy the stream with an error once that many bytes went out; `onProgress` sees each.
 */
export function generatedBody(
  size: number,
  opts: { failAt?: number; onProgress?: (emitted: number) => void } = {},
): GeneratedBody {
  const base = randomBytes(CHUNK);
  const hash = createHash('sha256');
  let sent = 0;
  let index = 0;
  const stream = new Readable({
    read() {
      if (opts.failAt !== undefined && sent >= opts.failAt) {
        this.destroy(new Error('source failed'));
        return;
      }
      if (sent >= size) {
        this.push(null);
        return;
      }
      const chunk = Buffer.from(base.subarray(0, Math.min(CHUNK, size - sent)));
      if (chunk.length >= 8) chunk.writeDoubleBE(index++, 0);
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
      opts.onProgress?.(sent);
    },
  });
  let digest: string | undefined;
  return { stream, digest: () => (digest ??= hash.digest('hex')), emitted: () => sent };
}

export async function digestOf(stream: AsyncIterable<Uint8Array>): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: hash.digest('hex'), size };
}

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export interface TestBackend {
  store: BlobStore;
  /** The same storage, listing two keys per request where the backend pages (S3). */
  pagedStore: BlobStore;
  /** Disk only: the store's root, to look for temp files. */
  root?: string;
  /**
   * Bytes the store has handed on to its storage so far: disk, in files under its root; S3, sent to
   * the server (counted by a proxy in front of s3rver, request heads included).
   */
  handedOn(): number;
  cleanup(): Promise<void>;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    // A file renamed or removed between the listing and its stat is simply not counted.
    if (entry.isFile())
      total += fs.statSync(path.join(entry.parentPath, entry.name), { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/** A TCP proxy on 127.0.0.1 in front of `port`, counting the bytes its clients send. */
async function countingProxy(
  port: number,
): Promise<{ port: number; sent(): number; close(): Promise<void> }> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sent: () => sent,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function diskBackend(): Promise<TestBackend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-blobs-'));
  const root = path.join(dir, 'blobs');
  const store = new DiskBlobStore({ root });
  return {
    store,
    pagedStore: store,
    root,
    handedOn: () => (fs.existsSync(root) ? bytesUnder(root) : 0),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** S3 stores on a fresh s3rver. */
export async function s3Backend(): Promise<TestBackend> {
  const server = await startS3Server();
  const proxy = await countingProxy(Number(new URL(server.endpoint).port));
  const options = { ...server, endpoint: `http://127.0.0.1:${proxy.port}`, forcePathStyle: true };
  const store = new S3BlobStore(options);
  const pagedStore = new S3BlobStore({ ...options, listPageSize: 2 });
  await store.ensureBucket();
  return {
    store,
    pagedStore,
    handedOn: proxy.sent,
    cleanup: async () => {
      await store.close();
      await pagedStore.close();
      await proxy.close();
      await server.close();
    },
  };
}

export const backends = [
  { name: 'disk', make: diskBackend },
  { name: 's3', make: s3Backend },
];

/** A key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `t/${label}-${randomBytes(6).toString('hex')}/`;
}
