import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/credentials/lwa-service.js';
import { UnauthorizedError } from '../../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    sellerCenterSeller?: Principal;
  }
  interface FastifyContextConfig {
    /** SellerCenter operation: the route needs a Bearer token and takes this rate plan. */
    sellerCenterOperation?: string;
  }
}

export function sellerCenterSeller(request: FastifyRequest): Principal {
  if (!request.sellerCenterSeller) throw new Error('route is missing the SellerCenter auth hook');
  return request.sellerCenterSeller;
}

/** `Authorization: Bearer <token>`; anything else counts as no token. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (!auth || !/^bearer\s+/i.test(auth)) return undefined;
  return auth.replace(/^bearer\s+/i, '').trim() || undefined;
}

/** HTTP Basic client credentials (RFC 6749 2.3.1); throws 401 when absent or malformed. */
export function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } {
  const auth = request.headers.authorization;
  const match = auth ? /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(auth) : null;
  if (!match) {
    throw new UnauthorizedError('Client credentials are required as HTTP Basic authorization.', 'missing');
  }
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) {
    throw new UnauthorizedError(
      'The Basic authorization is not "clientId:clientSecret" in base64.',
      'invalid',
    );
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
}
