import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

const STATUS_OF: Record<string, number> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

/**
 * Fastify's `clientErrorHandler`: errors of the HTTP layer before any route, often before the path
 * is known (headers too large, malformed framing, headers too slow). No surface can be chosen, so
 * the answer is the smallest well-formed one: a status line, `Content-Length: 0`, `Connection:
 * close`, and never a body (a HEAD request must get none, and the method may be unknown).
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = STATUS_OF[err.code ?? ''] ?? 400;
  // As Node does itself: no raw answer over a response that has already begun.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
  }
  socket.destroy();
}
