import Fastify, { type FastifyInstance } from 'fastify';
import { NotFoundError } from '../core/errors.js';
import { DIALECTS, dialectFor, registerDialects } from '../http/dialects.js';
import { downloadRoutes, redactFileToken } from '../http/files/download-route.js';
import { bodyDeadlineHook } from '../http/shared/body-deadline.js';
import { clientErrorHandler } from '../http/shared/client-errors.js';
import { logFailures } from '../http/shared/failure-log.js';
import { frameworkErrors } from '../http/shared/framework-errors.js';
import { installValidators } from '../http/shared/validation.js';
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

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** The /docs index: each documented surface, its OpenAPI document and how to authorize on its page. */
function docsIndex(): string {
  const items = DIALECTS.flatMap((d) =>
    d.docs
      ? [
          `<li><a href="/docs/${d.name}">${escapeHtml(d.docs.title)}</a> (<a href="/docs/${d.name}/json">OpenAPI</a>)` +
            `<p>${escapeHtml(d.docs.authorize).replace(/`([^`]+)`/g, '<code>$1</code>')}</p></li>`,
        ]
      : [],
  );
  return (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>invoicehub API docs</title>' +
    '<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}li{margin-bottom:1rem}</style>' +
    '<h1>invoicehub API docs</h1><p>One page per API. On each: get a token as described, press ' +
    '<b>Authorize</b>, enter it, then open an operation, <b>Try it out</b> and <b>Execute</b>.</p>' +
    `<ul>${items.join('')}</ul></html>`
  );
}

/**
 * Node's own deadlines for slow clients: headers, idle keep-alive, and a backstop on receiving the
 * whole request (headers plus the body's ceiling, so the body deadline answers first, in shape).
 * Node checks them every `connectionsCheckingInterval` (30 s by default: slow headers got their
 * 408 after ~90 s), here every second.
 */
function serverTimeouts(config: AppDeps['config']) {
  const requestTimeout = (config.requestTimeoutSeconds + config.headersTimeoutSeconds) * 1000 + 2000;
  return {
    requestTimeout,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    http: {
      headersTimeout: config.headersTimeoutSeconds * 1000,
      requestTimeout,
      connectionsCheckingInterval: 1000,
    },
  };
}

/** Builds the HTTP app from its dependencies; `serve` and every test call this same function. */
export async function buildApp(
  deps: AppDeps,
  opts: { logStream?: NodeJS.WritableStream } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.config.logLevel,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
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
    clientErrorHandler,
    ...serverTimeouts(deps.config),
  });
  // Before any dialect: every body, whatever its route or parser, arrives under the same deadlines.
  app.addHook(
    'preParsing',
    bodyDeadlineHook({
      idleMs: deps.config.bodyTimeoutSeconds * 1000,
      minBytesPerSecond: deps.config.bodyMinBytesPerSecond,
      totalMs: deps.config.requestTimeoutSeconds * 1000,
    }),
  );
  // Whatever fails outside a dialect's scope (a body that does not parse on an unknown path, a
  // hook of the root) answers in the shape of the surface the normalized path is aimed at.
  app.setErrorHandler((err, request, reply) => dialectFor(request.url).sendError(reply, err));
  installValidators(app);
  logFailures(app, (request) => dialectFor(request.url).errorSummary);

  await app.register(healthRoutes, deps);
  // Called directly, not registered: its onResponse hook must see every route of the app.
  await metricsRoutes(app, deps);
  await registerDialects(app, deps);
  await app.register(downloadRoutes, { store: deps.blobs, signer: deps.signer });
  // A person who opens the root in a browser lands on the docs (no SP-API operation lives at `/`).
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs'));
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html').send(docsIndex()),
  );

  // Unknown paths answer in the shape of the surface they were aimed at.
  app.setNotFoundHandler((request, reply) =>
    dialectFor(request.url).sendError(
      reply,
      new NotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  return app;
}
