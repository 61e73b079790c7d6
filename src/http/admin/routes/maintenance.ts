import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';

const Body = Type.Object(
  { enabled: Type.Boolean(), message: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export async function maintenanceRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { maintenance } = deps.services;
  app.get('/admin/v1/maintenance', { schema: { tags: ['maintenance'] } }, async () => maintenance.state());
  app.put<{ Body: Static<typeof Body> }>(
    '/admin/v1/maintenance',
    { schema: { tags: ['maintenance'], body: Body } },
    async (request) => maintenance.set(request.body.enabled, request.body.message),
  );
}
