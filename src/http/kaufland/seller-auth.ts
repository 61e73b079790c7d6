import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The seller behind a request whose Kaufland signature was verified. */
    kauflandSellerId?: string;
  }
}

/** The seller behind an authenticated Kaufland request. */
export function kauflandSellerOf(request: FastifyRequest): string {
  if (!request.kauflandSellerId) throw new Error('route is missing the Kaufland auth hook');
  return request.kauflandSellerId;
}
