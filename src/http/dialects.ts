import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { adminPlugin } from './admin/plugin.js';
import { problemSummary, sendProblem } from './admin/problem.js';
import type { HttpDeps } from './http-deps.js';
import { kauflandErrorSummary, sendKauflandError } from './kaufland/errors.js';
import { kauflandPlugin } from './kaufland/plugin.js';
import { sellerCenterErrorSummary, sendSellerCenterError } from './sellercenter/errors.js';
import { sellerCenterPlugin } from './sellercenter/plugin.js';
import type { ErrorSummary } from './shared/failure-log.js';
import { sendSpApiError, spApiErrorSummary } from './sp-api/errors.js';
import { spApiPlugin } from './sp-api/plugin.js';
import { lwaTokenRoutes, oauthErrorSummary, sendOAuthError } from './sp-api/routes/lwa-token.js';

/**
 * One API surface in front of the core: where it is mounted, its routes (with their own auth, rate
 * plans and presenters) and the one function that sends any error in its shape. The app mounts the
 * list, and routes everything that fails before a route runs (unknown paths, unparseable URLs) to
 * the surface the URL was aimed at.
 */
export interface Dialect {
  name: string;
  /** Paths under this prefix belong to the surface; the longest matching prefix wins. */
  prefix: string;
  plugin: FastifyPluginAsync<HttpDeps>;
  sendError(reply: FastifyReply, err: unknown): FastifyReply;
  /** Reads the code and message back from one of its error bodies, for the failure log. */
  errorSummary: ErrorSummary;
  /** Served at /docs/<name> as its own OpenAPI document, generated from the route schemas. */
  docs?: {
    title: string;
    description: string;
    /** Merged into the document: its security schemes (so the docs page can authorize), … */
    openapi?: Record<string, unknown>;
  };
}

export const DIALECTS: readonly Dialect[] = [
  {
    name: 'sp-api',
    prefix: '/',
    plugin: spApiPlugin,
    sendError: sendSpApiError,
    errorSummary: spApiErrorSummary,
    docs: {
      title: 'invoicehub: SP-API Invoices v2024-06-19',
      description: "Amazon's Invoices API (Brazil NF-e) at its real paths.",
    },
  },
  {
    name: 'lwa',
    prefix: '/auth/',
    plugin: lwaTokenRoutes,
    sendError: sendOAuthError,
    errorSummary: oauthErrorSummary,
  },
  {
    name: 'admin',
    prefix: '/admin/',
    plugin: adminPlugin,
    sendError: sendProblem,
    errorSummary: problemSummary,
    docs: {
      title: 'invoicehub: operator API',
      description: 'Onboard sellers, load NF-e and orders, run the marketplace.',
    },
  },
  {
    name: 'kaufland',
    prefix: '/kaufland/',
    plugin: kauflandPlugin,
    sendError: sendKauflandError,
    errorSummary: kauflandErrorSummary,
    docs: {
      title: 'invoicehub: Kaufland Seller API v2 (order invoices)',
      description:
        "Kaufland's order-invoice operations at /kaufland/v2. Every operation is signed: Shop-Client-Key (the seller's client id), " +
        'Shop-Timestamp (Unix seconds) and Shop-Signature, the hex HMAC-SHA256 keyed with the client secret of ' +
        '`METHOD\\nFULL_URL\\nBODY\\nTIMESTAMP`. A browser cannot compute it: use the signed curl of the README.',
      openapi: {
        components: {
          securitySchemes: {
            ShopClientKey: { type: 'apiKey', in: 'header', name: 'Shop-Client-Key' },
            ShopTimestamp: { type: 'apiKey', in: 'header', name: 'Shop-Timestamp' },
            ShopSignature: { type: 'apiKey', in: 'header', name: 'Shop-Signature' },
          },
        },
      },
    },
  },
  {
    name: 'sellercenter',
    prefix: '/sellercenter/',
    plugin: sellerCenterPlugin,
    sendError: sendSellerCenterError,
    errorSummary: sellerCenterErrorSummary,
    docs: {
      title: 'invoicehub: SellerCenter API v2 invoice templates',
      description:
        'The missing-invoice-access-key templates (sync and async), their import feeds and one-key updates. Token: POST /sellercenter/oauth/client-credentials with HTTP Basic client credentials.',
      openapi: {
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      },
    },
  },
];

/** The path as the router sees it: no query, repeated slashes collapsed, percent-escapes decoded. */
export function normalizedPath(url: string): string {
  const path = (url.split('?')[0] ?? '').replace(/\/{2,}/g, '/');
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a malformed escape: match on the raw text
  }
}

/**
 * The surface a URL is aimed at, decided on the normalized path (so `//admin/…` and `/%61dmin/…`
 * answer as the operator API does); SP-API's paths sit at the root, so it is the fallback.
 */
export function dialectFor(url: string): Dialect {
  const path = normalizedPath(url);
  let best = DIALECTS[0] as Dialect;
  for (const d of DIALECTS) if (path.startsWith(d.prefix) && d.prefix.length > best.prefix.length) best = d;
  return best;
}

/** Mounts every dialect in its own scope, with its error handler and, if documented, its OpenAPI. */
export async function registerDialects(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  for (const dialect of DIALECTS) {
    await app.register(async (scope) => {
      scope.setErrorHandler((err, _request, reply) => dialect.sendError(reply, err));
      if (dialect.docs) {
        const { openapi, ...info } = dialect.docs;
        await scope.register(swagger, {
          openapi: { ...openapi, info: { ...info, version: '0.1.0' } },
        });
        await scope.register(swaggerUi, {
          routePrefix: `/docs/${dialect.name}`,
          uiConfig: { docExpansion: 'list' },
        });
      }
      await scope.register(dialect.plugin, deps);
    });
  }
}
