import type { FastifyInstance, FastifyRequest } from 'fastify';
import { QuotaExceededError } from '../../core/errors.js';
import type { HttpDeps } from '../http-deps.js';
import { keepRawBodies, parseJsonBody, rawBody } from './request-body.js';
import { downloadRoute } from './routes/download.js';
import { orderInvoiceRoutes } from './routes/order-invoices.js';
import './seller-auth.js';
import { verifyKauflandRequest } from './signature.js';

/**
 * Room for the base64 of the largest file (4 characters per 3 bytes, plus line breaks if the client
 * wraps at 76) and the rest of the JSON: a larger body cannot hold an acceptable file.
 */
function uploadBodyLimit(maxFileBytes: number): number {
  const base64 = Math.ceil(maxFileBytes / 3) * 4;
  return base64 + Math.ceil(base64 / 76) * 2 + 64 * 1024;
}

/**
 * Kaufland's Seller API v2 (order invoices) under /kaufland/v2. Operations pass maintenance, the
 * request signature (over the raw URL and body) and the seller's token bucket before their input
 * is parsed or validated, so an unsigned caller learns nothing about parameters.
 */
export async function kauflandPlugin(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { services, config, rateBuckets } = deps;
  keepRawBodies(app, uploadBodyLimit(services.orderInvoices.maxInvoiceBytes));
  const plan = { rate: config.kauflandRateLimit, burst: config.kauflandRateLimit };

  const verify = (request: FastifyRequest, body: Buffer | undefined) =>
    verifyKauflandRequest(
      {
        method: request.method,
        publicBaseUrl: deps.baseUrl.current,
        rawUrl: request.raw.url ?? request.url,
        body,
        headers: request.headers,
        now: deps.clock.now(),
      },
      (clientKey) => services.signingCredentials.lookup(clientKey),
      { maxSkewSeconds: config.kauflandSignatureWindowSeconds, headersOnly: body === undefined },
    );

  // Before the body is read: maintenance, then headers, timestamp and key.
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.config.operationId) return;
    await services.maintenance.assertOpen();
    await verify(request, undefined);
  });

  // Once it is read: the signature over it, the seller's bucket, then the JSON.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.routeOptions.config.operationId) return;
    const body = rawBody(request);
    const credential = await verify(request, body);
    request.kauflandSellerId = credential.sellerId;
    request.sellerId = credential.sellerId;
    if (config.rateLimitsEnabled) {
      const taken = rateBuckets.take(`kaufland:${credential.sellerId}`, plan);
      if (!taken.allowed) {
        throw new QuotaExceededError(
          `Rate limit of ${plan.rate} requests per second exceeded`,
          taken.retryAfterSeconds,
        );
      }
    }
    reply.header('cache-control', 'no-store');
    request.body = request.routeOptions.schema?.body ? parseJsonBody(request, body) : undefined;
  });

  await app.register(orderInvoiceRoutes, deps);
  await app.register(downloadRoute, deps);
}
