import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated seller, whichever dialect's credentials proved it (for logs). */
    sellerId?: string;
  }
}

/** What a dialect's error body says, in its own words: its error code and message. */
export type ErrorSummary = (body: Record<string, unknown>) => { code: string; message: string };

/**
 * One log line per request that failed (status >= 400), beside Fastify's "request completed": the
 * request id, the operation (route pattern, never the raw URL), the seller, the status and the
 * dialect's error code and message, so an operator can tell a user why a call failed. Error
 * bodies carry no secret (the dialects never echo tokens or signatures into them).
 */
export function logFailures(
  app: FastifyInstance,
  summaryFor: (request: FastifyRequest) => ErrorSummary,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || payload.length > 64 * 1024) return payload;
    let summary = { code: '', message: '' };
    try {
      const body = JSON.parse(payload) as unknown;
      if (body && typeof body === 'object') summary = summaryFor(request)(body as Record<string, unknown>);
    } catch {
      // not JSON: status alone
    }
    const operation = request.routeOptions.config.operationId ?? request.routeOptions.url ?? 'unmatched';
    const log =
      reply.statusCode >= 500 ? request.log.error.bind(request.log) : request.log.info.bind(request.log);
    log(
      {
        operation,
        method: request.method,
        sellerId: request.sellerId,
        status: reply.statusCode,
        code: summary.code,
        message: summary.message.slice(0, 500),
      },
      'request failed',
    );
    return payload;
  });
}
