import type { FastifyInstance } from 'fastify';
import { QuotaExceededError } from '../../core/errors.js';
import type { HttpDeps } from '../http-deps.js';
import { exportRoutes } from './routes/exports.js';
import { governmentRoutes } from './routes/government.js';
import { invoiceRoutes } from './routes/invoices.js';
import { accessToken } from './seller-auth.js';

/**
 * The SP-API Invoices dialect, mounted at Amazon's own paths. Every request gets
 * `x-amzn-RequestId`; authenticated operations pass maintenance, auth and their token bucket
 * before validation, so an unauthenticated caller learns nothing about parameters.
 */
export async function spApiPlugin(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { services, rateBuckets, config } = deps;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-amzn-RequestId', request.id);
  });

  app.addHook('preValidation', async (request, reply) => {
    const operationId = request.routeOptions.config.operationId;
    if (!operationId) return;
    await services.maintenance.assertOpen();
    const principal = await services.lwa.authenticate(accessToken(request));
    request.seller = principal;
    request.sellerId = principal.sellerId;
    const plan = config.spapiRatePlans[operationId];
    if (!plan) return;
    reply.header('x-amzn-RateLimit-Limit', String(plan.rate));
    if (!config.rateLimitsEnabled) return;
    const taken = rateBuckets.take(`spapi:${principal.sellerId}:${operationId}`, plan);
    if (!taken.allowed) {
      throw new QuotaExceededError(
        `Rate limit of ${plan.rate}/s (burst ${plan.burst}) exceeded for ${operationId}.`,
        taken.retryAfterSeconds,
      );
    }
  });

  await app.register(invoiceRoutes, deps);
  await app.register(exportRoutes, deps);
  await app.register(governmentRoutes, deps);
}
