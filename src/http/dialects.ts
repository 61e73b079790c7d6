import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { ADMIN_DOCS, ADMIN_ERRORS } from './admin/docs.js';
import { adminPlugin } from './admin/plugin.js';
import { problemSummary, sendProblem } from './admin/problem.js';
import type { HttpDeps } from './http-deps.js';
import { KAUFLAND_DOCS, KAUFLAND_ERRORS } from './kaufland/docs.js';
import { kauflandErrorSummary, sendKauflandError } from './kaufland/errors.js';
import { kauflandPlugin } from './kaufland/plugin.js';
import { SELLERCENTER_DOCS, SELLERCENTER_ERRORS } from './sellercenter/docs.js';
import { sellerCenterErrorSummary, sendSellerCenterError } from './sellercenter/errors.js';
import { sellerCenterPlugin } from './sellercenter/plugin.js';
import type { ErrorSummary } from './shared/failure-log.js';
import { type DialectDocs, documentRoute, type ErrorDocs } from './shared/openapi-docs.js';
import { LWA_ERRORS, SP_API_DOCS, SP_API_ERRORS } from './sp-api/docs.js';
import { sendSpApiError, spApiErrorSummary } from './sp-api/errors.js';
import { spApiPlugin } from './sp-api/plugin.js';
import { lwaTokenRoutes, oauthErrorSummary, sendOAuthError } from './sp-api/routes/lwa-token.js';

/**
 * One API surface in front of the core: where it is mounted, its routes (with their own auth, rate
 * plans and presenters) and the one function that sends any error in its shape. The app mounts the
 * list, and routes everything that fails outside a route (unknown paths, unparseable URLs, bodies
 * that fail parsing there, body deadlines) to the surface the normalized URL was aimed at.
 */
export interface Dialect {
  name: string;
  /** Paths under this prefix belong to the surface; the longest matching prefix wins. */
  prefix: string;
  plugin: FastifyPluginAsync<HttpDeps>;
  sendError(reply: FastifyReply, err: unknown): FastifyReply;
  /** Reads the code and message back from one of its error bodies, for the failure log. */
  errorSummary: ErrorSummary;
  /** Its error shape and statuses, as every documented operation of the surface refers to them. */
  errors: ErrorDocs;
  /** Served at /docs/<name> as its own OpenAPI document, generated from the route schemas. */
  docs?: DialectDocs;
  /** A surface without a document of its own is documented in this one's (LWA's token in SP-API's). */
  documentedIn?: string;
}

export const DIALECTS: readonly Dialect[] = [
  {
    name: 'sp-api',
    prefix: '/',
    plugin: spApiPlugin,
    sendError: sendSpApiError,
    errorSummary: spApiErrorSummary,
    errors: SP_API_ERRORS,
    docs: SP_API_DOCS,
  },
  {
    name: 'lwa',
    prefix: '/auth/',
    plugin: lwaTokenRoutes,
    sendError: sendOAuthError,
    errorSummary: oauthErrorSummary,
    errors: LWA_ERRORS,
    documentedIn: 'sp-api',
  },
  {
    name: 'admin',
    prefix: '/admin/',
    plugin: adminPlugin,
    sendError: sendProblem,
    errorSummary: problemSummary,
    errors: ADMIN_ERRORS,
    docs: ADMIN_DOCS,
  },
  {
    name: 'kaufland',
    prefix: '/kaufland/',
    plugin: kauflandPlugin,
    sendError: sendKauflandError,
    errorSummary: kauflandErrorSummary,
    errors: KAUFLAND_ERRORS,
    docs: KAUFLAND_DOCS,
  },
  {
    name: 'sellercenter',
    prefix: '/sellercenter/',
    plugin: sellerCenterPlugin,
    sendError: sendSellerCenterError,
    errorSummary: sellerCenterErrorSummary,
    errors: SELLERCENTER_ERRORS,
    docs: SELLERCENTER_DOCS,
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

/**
 * Mounts every dialect in its own scope, with its error handler. A documented one gets its OpenAPI
 * document (with the surfaces documented in it) and its Swagger UI at /docs/<name>; the UI's assets
 * are served from the package, never from a CDN.
 */
export async function registerDialects(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const mount = (scope: FastifyInstance, dialect: Dialect) =>
    scope.register(async (inner) => {
      inner.setErrorHandler((err, _request, reply) => dialect.sendError(reply, err));
      await inner.register(dialect.plugin, deps);
    });
  for (const dialect of DIALECTS) {
    if (dialect.documentedIn) continue;
    await app.register(async (scope) => {
      scope.setErrorHandler((err, _request, reply) => dialect.sendError(reply, err));
      if (dialect.docs) {
        const { title, description, authorize, securitySchemes, security } = dialect.docs;
        const errorSchemas: Record<string, object> = {};
        for (const d of [dialect, ...documentedIn(dialect)]) errorSchemas[d.errors.name] = d.errors.schema;
        await scope.register(swagger, {
          openapi: {
            info: { title, description: `${description}\n\n**Authorize:** ${authorize}`, version: '0.1.0' },
            components: { securitySchemes, schemas: errorSchemas },
          },
          transform: documentRoute(security, (url) => dialectFor(url).errors),
        });
        await scope.register(swaggerUi, {
          routePrefix: `/docs/${dialect.name}`,
          uiConfig: { docExpansion: 'list' },
        });
      }
      await mount(scope, dialect);
      for (const other of documentedIn(dialect)) await mount(scope, other);
    });
  }
}

function documentedIn(dialect: Dialect): Dialect[] {
  return DIALECTS.filter((d) => d.documentedIn === dialect.name);
}
