import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../core/errors.js';
import { adminPlugin } from '../http/admin/plugin.js';
import { renderProblem } from '../http/admin/problem.js';
import { downloadRoutes, redactFileToken } from '../http/files/download-route.js';
import { frameworkErrors } from '../http/shared/framework-errors.js';
import { installValidators } from '../http/shared/validation.js';
import { renderSpApiError } from '../http/sp-api/errors.js';
import { spApiPlugin } from '../http/sp-api/plugin.js';
import { lwaTokenRoutes } from '../http/sp-api/routes/lwa-token.js';
import { healthRoutes } from '../http/system/health.js';
import { metricsRoutes } from '../http/system/metrics.js';
import type { AppDeps } from './deps.js';

/** Headers and query values that must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-amz-access-token"]',
  'req.headers["shop-signature"]',
];

export function redactUrl(url: string): string {
  return redactFileToken(url).replace(
    /([?&](?:access_token|nextToken|refresh_token|client_secret)=)[^&]*/gi,
    '$1[redacted]',
  );
}

/** One OpenAPI document per surface: each surface registers its own swagger in its own scope. */
function documented(
  name: string,
  title: string,
  description: string,
  plugin: FastifyPluginAsync<AppDeps>,
): FastifyPluginAsync<AppDeps> {
  return async (scope, deps) => {
    await scope.register(swagger, {
      openapi: { info: { title, description, version: '0.1.0' } },
    });
    await scope.register(swaggerUi, { routePrefix: `/docs/${name}`, uiConfig: { docExpansion: 'list' } });
    await scope.register(plugin, deps);
  };
}

/** Builds the HTTP app from its dependencies; `serve` and every test call this same function. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.config.logLevel,
      redact: REDACT,
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    genReqId: () => deps.ids.uuid(),
    bodyLimit: deps.config.maxJsonBytes,
    // Real clients send `Content-Type: application/json` on bodiless GETs; never answer 415 to that.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
    frameworkErrors,
  });
  installValidators(app);

  await app.register(healthRoutes, deps);
  // Called directly, not registered: its onResponse hook must see every route of the app.
  await metricsRoutes(app, deps);
  await app.register(
    documented(
      'sp-api',
      'invoicehub: SP-API Invoices v2024-06-19',
      "Amazon's Invoices API (Brazil NF-e) at its real paths.",
      spApiPlugin,
    ),
    deps,
  );
  await app.register(lwaTokenRoutes, deps);
  await app.register(downloadRoutes, { store: deps.blobs, signer: deps.signer });
  await app.register(
    documented(
      'admin',
      'invoicehub: operator API',
      'Onboard sellers, load NF-e and orders, run the marketplace.',
      adminPlugin,
    ),
    deps,
  );
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/html')
      .send(
        '<!doctype html><title>invoicehub API docs</title><h1>invoicehub</h1><ul>' +
          '<li><a href="/docs/sp-api">SP-API Invoices</a> (<a href="/docs/sp-api/json">OpenAPI</a>)</li>' +
          '<li><a href="/docs/admin">Operator API</a> (<a href="/docs/admin/json">OpenAPI</a>)</li></ul>',
      ),
  );

  // Unknown paths answer in the shape of the surface they were aimed at.
  app.setNotFoundHandler((request, reply) => {
    const err = new NotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`);
    if (request.url.startsWith('/admin/')) {
      return reply.code(404).type('application/problem+json').send(renderProblem(err));
    }
    const { status, body } = renderSpApiError(err);
    return reply.code(status).header('x-amzn-RequestId', request.id).send(body);
  });
  return app;
}
