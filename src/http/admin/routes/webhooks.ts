import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';

const Body = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2000 }), secret: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** Per-seller webhook for export notifications (signed with the secret shown when it is set). */
export async function webhookRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { webhooks, sellers } = deps.services;
  const path = '/admin/v1/sellers/:sellerId/webhook';

  app.put<{ Params: { sellerId: string }; Body: Static<typeof Body> }>(
    path,
    { schema: { tags: ['webhooks'], body: Body } },
    async (request) => {
      await sellers.get(request.params.sellerId);
      return { webhook: await webhooks.set(request.params.sellerId, request.body.url, request.body.secret) };
    },
  );
  app.get<{ Params: { sellerId: string } }>(path, { schema: { tags: ['webhooks'] } }, async (request) => {
    await sellers.get(request.params.sellerId);
    return { webhook: await webhooks.get(request.params.sellerId) };
  });
  app.delete<{ Params: { sellerId: string } }>(
    path,
    { schema: { tags: ['webhooks'] } },
    async (request, reply) => {
      await sellers.get(request.params.sellerId);
      await webhooks.remove(request.params.sellerId);
      return reply.code(204).send();
    },
  );
}
