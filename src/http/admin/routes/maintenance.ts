import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { docResponse } from '../../shared/openapi-docs.js';

const Body = Type.Object(
  {
    enabled: Type.Boolean({ description: 'true: every dialect answers 503 until it is switched off.' }),
    message: Type.Optional(Type.String({ maxLength: 500, description: 'Shown in the 503 answers.' })),
  },
  { additionalProperties: false, description: 'The maintenance switch.' },
);
const State = docResponse(
  'The maintenance state.',
  Type.Object({
    enabled: Type.Boolean(),
    message: Type.String(),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
);

export async function maintenanceRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { maintenance } = deps.services;
  app.get(
    '/admin/v1/maintenance',
    { schema: { tags: ['maintenance'] }, config: { docs: { responses: { 200: State } } } },
    async () => maintenance.state(),
  );
  app.put<{ Body: Static<typeof Body> }>(
    '/admin/v1/maintenance',
    { schema: { tags: ['maintenance'], body: Body }, config: { docs: { responses: { 200: State } } } },
    async (request) => maintenance.set(request.body.enabled, request.body.message),
  );
}
