import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidInputError } from '../../core/errors.js';

/**
 * Kaufland signs the body's bytes, so the dialect reads every body as bytes (whatever its type,
 * up to `bodyLimit`) and parses JSON itself once the signature is checked.
 */
export function keepRawBodies(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

/** The raw bytes the client sent (empty when it sent none). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** The body as JSON: strict UTF-8, `application/json` (or no type), one JSON text. */
export function parseJsonBody(request: FastifyRequest, bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw InvalidInputError.field('Content-Type', `must be application/json (got ${JSON.stringify(type)})`);
  }
  // Checked first, then decoded by Buffer: an ASCII body (base64 uploads) stays a one-byte string.
  if (!isUtf8(bytes)) throw InvalidInputError.field('body', 'is not valid UTF-8');
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw InvalidInputError.field('body', `is not valid JSON: ${(err as Error).message}`);
  }
}
