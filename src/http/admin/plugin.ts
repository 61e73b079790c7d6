import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../../core/errors.js';
import type { HttpDeps } from '../http-deps.js';
import { invoiceAdminRoutes } from './routes/invoices.js';
import { jobRoutes } from './routes/jobs.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { orderInvoiceAdminRoutes } from './routes/order-invoices.js';
import { orderRoutes } from './routes/orders.js';
import { sellerRoutes } from './routes/sellers.js';
import { webhookRoutes } from './routes/webhooks.js';

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The operator API under /admin/v1: Bearer ADMIN_TOKEN, RFC 9457 problem details. */
export async function adminPlugin(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const auth = request.headers.authorization ?? '';
    const token = /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : '';
    if (!token || !tokenMatches(token, deps.adminToken)) {
      throw new UnauthorizedError('a valid operator token is required: Authorization: Bearer <ADMIN_TOKEN>');
    }
  });

  await app.register(sellerRoutes, deps);
  await app.register(invoiceAdminRoutes, deps);
  await app.register(orderRoutes, deps);
  await app.register(orderInvoiceAdminRoutes, deps);
  await app.register(maintenanceRoutes, deps);
  await app.register(jobRoutes, deps);
  await app.register(webhookRoutes, deps);
}
