import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { docResponse } from '../../shared/openapi-docs.js';

const Body = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Absolute http(s) URL notified of exports.',
    }),
    secret: Type.Optional(
      Type.String({ description: 'HMAC key of the notifications (generated when absent).' }),
    ),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ sellerId: Type.String({ description: 'The seller id.' }) });
const webhook = (description: string) =>
  docResponse(
    description,
    Type.Object({
      webhook: Type.Object({
        url: Type.String(),
        secret: Type.String(),
        createdAt: Type.String({ format: 'date-time' }),
        updatedAt: Type.String({ format: 'date-time' }),
      }),
    }),
  );

/** Per-seller webhook for export notifications (signed with the secret shown when it is set). */
export async function webhookRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { webhooks, sellers } = deps.services;
  const path = '/admin/v1/sellers/:sellerId/webhook';

  app.put<{ Params: { sellerId: string }; Body: Static<typeof Body> }>(
    path,
    {
      schema: { tags: ['webhooks'], params: Params, body: Body },
      config: {
        docs: { responses: { 200: webhook('The webhook, with its whole secret (shown only here).') } },
      },
    },
    async (request) => {
      await sellers.get(request.params.sellerId);
      return { webhook: await webhooks.set(request.params.sellerId, request.body.url, request.body.secret) };
    },
  );
  app.get<{ Params: { sellerId: string } }>(
    path,
    {
      schema: { tags: ['webhooks'], params: Params },
      config: { docs: { responses: { 200: webhook('The webhook (its secret shortened).') } } },
    },
    async (request) => {
      await sellers.get(request.params.sellerId);
      return { webhook: await webhooks.get(request.params.sellerId) };
    },
  );
  app.delete<{ Params: { sellerId: string } }>(
    path,
    {
      schema: { tags: ['webhooks'], params: Params },
      config: { docs: { responses: { 204: { description: 'Removed.' } } } },
    },
    async (request, reply) => {
      await sellers.get(request.params.sellerId);
      await webhooks.remove(request.params.sellerId);
      return reply.code(204).send();
    },
  );
}
