import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/credentials/lwa-service.js';
import type { SellerScope } from '../../core/invoices/invoice-queries.js';

declare module 'fastify' {
  interface FastifyRequest {
    seller?: Principal & SellerScope;
  }
  interface FastifyContextConfig {
    /** SP-API operationId: picks the rate plan. */
    operationId?: string;
  }
}

/** The seller behind an authenticated SP-API request. */
export function sellerOf(request: FastifyRequest): Principal & SellerScope {
  if (!request.seller) throw new Error('route is missing the SP-API auth hook');
  return request.seller;
}

/** The LWA access token of a request: `x-amz-access-token`, or a Bearer authorization. */
export function accessToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-amz-access-token'];
  if (typeof header === 'string' && header) return header.trim();
  const auth = request.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  return undefined;
}
