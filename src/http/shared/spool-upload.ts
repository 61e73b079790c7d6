import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TooLargeError } from '../../core/errors.js';

/**
 * Streams an uploaded body into a temporary file, refusing it past `maxBytes` as it arrives (a
 * Content-Length can lie or be absent), hands the file to `use`, and removes it afterwards whatever
 * happens. Uploads that the core reads by random access (ZIPs, workbooks) never sit in memory.
 */
export async function withSpooledUpload<T>(
  body: NodeJS.ReadableStream,
  maxBytes: number,
  what: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-upload-'));
  const file = path.join(dir, 'upload');
  try {
    let received = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        received += chunk.length;
        if (received > maxBytes) cb(new TooLargeError(`${what} is larger than ${maxBytes} bytes`, maxBytes));
        else cb(null, chunk);
      },
    });
    await pipeline(body, limiter, fs.createWriteStream(file));
    return await use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
