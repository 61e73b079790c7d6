import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { docResponse } from '../../shared/openapi-docs.js';

const Query = Type.Object(
  {
    queue: Type.Optional(
      Type.String({ description: 'exports, government-invoices, webhooks, housekeeping, …' }),
    ),
    status: Type.Optional(Type.String({ description: 'queued, running, succeeded or dead' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })),
  },
  { additionalProperties: false },
);

/** `GET /admin/v1/jobs`: background work, newest first, with what each job reports it has done. */
export async function jobRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/admin/v1/jobs',
    {
      schema: { tags: ['jobs'], querystring: Query },
      config: {
        docs: {
          responses: {
            200: docResponse(
              'Recent jobs, newest first, with their status, attempts and what each reports it has done.',
              Type.Object({ jobs: Type.Array(Type.Object({})) }),
            ),
          },
        },
      },
    },
    async (request) => {
      const jobs = await deps.services.jobs.recent(request.query);
      return {
        jobs: jobs.map((j) => ({
          ...j,
          createdAt: new Date(j.createdAt).toISOString(),
          finishedAt: j.finishedAt ? new Date(j.finishedAt).toISOString() : null,
        })),
      };
    },
  );
}
