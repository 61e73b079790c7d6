import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../../core/errors.js';

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
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    parser.on('file', (name: string, stream: Readable, fileName: string | undefined) => {
      if (name !== field || handled) {
        stream.resume();
        return;
      }
      handled = use({ fileName, stream });
      // On failure the rest of this part is drained, so the parser (and the request) can finish.
      handled.catch(() => stream.resume());
    });
    parser.on('error', (err: Error) => {
      body.unpipe(parser);
      body.resume();
      const failure = InvalidInputError.field('body', `malformed multipart/form-data: ${err.message}`);
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
