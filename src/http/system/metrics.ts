import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram } from 'prom-client';
import type { HttpDeps } from '../http-deps.js';

/** Prometheus metrics at /metrics: process defaults plus requests by route and status. */
export async function metricsRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const registry = deps.metrics;
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'invoicehub_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'invoicehub_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids and tokens must not become label values.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
