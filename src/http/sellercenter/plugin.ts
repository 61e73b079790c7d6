import type { FastifyInstance } from 'fastify';
import { QuotaExceededError } from '../../core/errors.js';
import type { HttpDeps } from '../http-deps.js';
import { importRoutes } from './routes/imports.js';
import { templateRoutes } from './routes/templates.js';
import { tokenRoutes } from './routes/token.js';
import { bearerToken } from './seller-auth.js';

/** Form bodies of the token endpoint are small. */
const FORM_LIMIT = 16 * 1024;

/**
 * The SellerCenter API v2 dialect under /sellercenter: the client-credentials token, the
 * access-key templates, their exports and the import feeds. Operations pass maintenance, the Bearer
 * token and the seller's token bucket as soon as the request arrives (onRequest), before any body
 * is parsed: an unauthenticated caller gets nothing read, and learns nothing about parameters.
 */
export async function sellerCenterPlugin(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { services, rateBuckets, config } = deps;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  );
  // Uploads stay a stream: the import route reads them after the checks, part by part.
  app.addContentTypeParser('multipart/form-data', (_request, payload, done) => done(null, payload));

  app.addHook('onRequest', async (request, reply) => {
    const operation = request.routeOptions.config.sellerCenterOperation;
    if (!operation) return;
    await services.maintenance.assertOpen();
    const principal = await services.lwa.authenticate(bearerToken(request));
    request.sellerCenterSeller = principal;
    request.sellerId = principal.sellerId;
    const plan = config.sellerCenterRatePlans[operation];
    if (!plan || !config.rateLimitsEnabled) return;
    const taken = rateBuckets.take(`sellercenter:${principal.sellerId}:${operation}`, plan);
    reply.header('x-ratelimit-limit', String(plan.rate));
    if (!taken.allowed) {
      throw new QuotaExceededError(
        `Rate limit of ${plan.rate}/s (burst ${plan.burst}) exceeded for ${operation}.`,
        taken.retryAfterSeconds,
      );
    }
  });

  await app.register(tokenRoutes, deps);
  await app.register(templateRoutes, deps);
  await app.register(importRoutes, deps);
}
