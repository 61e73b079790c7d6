import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestTimeoutError } from '../../core/errors.js';

export interface BodyDeadlines {
  /** Longest pause between two chunks of a body, and the grace before the rate applies. */
  idleMs: number;
  /** Average bytes per second a body must keep after the grace (0: no rate check). */
  minBytesPerSecond: number;
  /** Ceiling on receiving one body, from the moment its headers were read. */
  totalMs: number;
}

const hasBody = (request: FastifyRequest): boolean =>
  request.headers['transfer-encoding'] !== undefined ||
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/**
 * A preParsing hook for the whole app (every dialect, every parser, routes that read the raw
 * stream): the body reaches its parser through a stream that fails with RequestTimeoutError when
 * the client stalls, trickles below the minimum rate, or sends less than its Content-Length. The
 * failure travels the ordinary error path, so the answer is a 408 in the shape of the surface the
 * request was aimed at; `Connection: close` then drops the half-read connection.
 */
export function bodyDeadlineHook(limits: BodyDeadlines) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: NodeJS.ReadableStream,
  ): Promise<NodeJS.ReadableStream> => {
    if (!hasBody(request)) return payload;
    const raw = request.raw;
    const watched = new PassThrough();
    const started = Date.now();
    let last = started;
    let received = 0;
    raw.on('data', (chunk: Buffer) => {
      received += chunk.length;
      last = Date.now();
    });
    const fail = (why: string) => {
      stop();
      raw.unpipe(watched);
      raw.pause();
      reply.header('connection', 'close');
      watched.destroy(new RequestTimeoutError(`request body ${why}`));
    };
    const check = () => {
      const now = Date.now();
      const seconds = (now - started) / 1000;
      if (now - last >= limits.idleMs) {
        fail(`stalled: no bytes for ${Math.round((now - last) / 1000)} s after ${received} bytes`);
      } else if (now - started >= limits.totalMs) {
        fail(`not received within ${Math.round(limits.totalMs / 1000)} s`);
      } else if (
        limits.minBytesPerSecond > 0 &&
        now - started >= limits.idleMs &&
        received / seconds < limits.minBytesPerSecond
      ) {
        fail(
          `too slow: ${Math.floor(received / seconds)} bytes/s, less than ${limits.minBytesPerSecond} bytes/s`,
        );
      }
    };
    // Checked a few times per idle period: cut off within ~a quarter of the configured time.
    const timer = setInterval(check, Math.max(50, Math.min(1000, limits.idleMs / 4)));
    timer.unref();
    const stop = () => clearInterval(timer);
    raw.once('end', stop);
    raw.once('close', stop);
    raw.once('error', stop);
    // Answered without reading the body (a GET with one, a refusal before parsing): nothing to cut.
    reply.raw.once('close', stop);
    reply.raw.once('finish', stop);
    // The parser listens for the failure; should no one be reading any more, it must not crash us.
    watched.on('error', () => {});
    raw.pipe(watched);
    return watched;
  };
}
