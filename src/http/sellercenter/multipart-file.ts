import { PassThrough, type Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { DomainError, InvalidInputError } from '../../core/errors.js';

export interface UploadedFile {
  fileName: string | undefined;
  stream: Readable;
}

/**
 * Hands the multipart field `field` of the request to `use` as a stream (nothing is buffered here;
 * `use` applies the size limit as it reads). Other parts are discarded. The rest of the body is
 * always read to its end before the answer, whatever `use` did, so that a client still sending
 * gets the answer instead of a reset connection.
 */
export function withMultipartFile<T>(
  request: FastifyRequest,
  field: string,
  use: (file: UploadedFile) => Promise<T>,
): Promise<T> {
  const body = request.body as Readable | undefined;
  const contentType = request.headers['content-type'] ?? '';
  return new Promise<T>((resolve, reject) => {
    if (!body || typeof body.pipe !== 'function') {
      reject(InvalidInputError.field('body', 'expected a multipart/form-data body'));
      return;
    }
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { ...request.headers, 'content-type': contentType },
        limits: { files: 5, fields: 20, parts: 30, fieldSize: 64 * 1024, headerPairs: 50 },
      });
    } catch (err) {
      body.resume();
      reject(
        InvalidInputError.field(
          'content-type',
          `not a usable multipart/form-data type: ${(err as Error).message}`,
        ),
      );
      return;
    }
    let handled: Promise<T> | undefined;
    let current: Readable | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    parser.on('file', (name: string, stream: Readable, fileName: string | undefined) => {
      // A part cut short errors its stream; the parser reports the same failure on its own.
      stream.on('error', (err) => current?.destroy(err));
      if (name !== field || handled) {
        stream.resume();
        return;
      }
      // `use` reads a pipe of the part, never the part itself: when it stops early (a size limit)
      // and destroys what it read, the part is unpiped and drained instead, so the parser and the
      // request still reach their end.
      const pass = new PassThrough();
      stream.pipe(pass);
      current = pass;
      handled = use({ fileName, stream: pass });
      handled.catch(() => {
        stream.unpipe(pass);
        stream.resume();
      });
    });
    parser.on('error', (err: Error) => {
      body.unpipe(parser);
      body.resume();
      // A body cut off by the server (a deadline) keeps its own error; the rest is the client's markup.
      const failure =
        err instanceof DomainError
          ? err
          : InvalidInputError.field('body', `malformed multipart/form-data: ${err.message}`);
      // The file's stream would otherwise wait forever for the rest of a part that never comes.
      current?.destroy(failure);
      // A file handler still running must end first (its stream was cut), then the error is told.
      if (handled)
        handled.then(
          () => settle(() => reject(failure)),
          () => settle(() => reject(failure)),
        );
      else settle(() => reject(failure));
    });
    parser.on('finish', () => {
      if (!handled) {
        settle(() =>
          reject(InvalidInputError.field(field, `the multipart field "${field}" with the file is missing`)),
        );
        return;
      }
      handled.then(
        (value) => settle(() => resolve(value)),
        (err: unknown) => settle(() => reject(err)),
      );
    });
    body.on('error', (err) => parser.destroy(err));
    body.pipe(parser);
  });
}
