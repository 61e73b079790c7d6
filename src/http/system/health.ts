import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';

/** Liveness never touches dependencies; readiness does (a load balancer drains us when it fails). */
export async function healthRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  let draining = false;
  app.addHook('onClose', async () => {
    draining = true;
  });
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining' });
    try {
      await deps.db.ping();
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', database: (err as Error).message });
    }
    const maintenance = await deps.services.maintenance.state();
    return { status: 'ready', database: deps.db.kind, maintenance: maintenance.enabled };
  });
}
