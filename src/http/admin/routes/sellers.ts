import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sellerView } from '../../../core/sellers/sellers-service.js';
import type { HttpDeps } from '../../http-deps.js';

const tags = ['sellers'];
const NewSeller = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    cnpj: Type.String({ minLength: 1, maxLength: 32 }),
    marketplaceIds: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 20 })),
    storefronts: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
const Issued = Type.Object({
  sellerId: Type.String(),
  clientId: Type.String(),
  clientSecret: Type.String(),
  refreshToken: Type.String(),
});
const SellerParams = Type.Object({ sellerId: Type.String() });
const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), after: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export async function sellerRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { sellers } = deps.services;

  app.post<{ Body: Static<typeof NewSeller> }>(
    '/admin/v1/sellers',
    { schema: { tags, body: NewSeller, response: { 201: Issued } } },
    async (request, reply) => reply.code(201).send(await sellers.create(request.body)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/admin/v1/sellers',
    { schema: { tags, querystring: ListQuery } },
    async (request) => {
      const page = await sellers.list(request.query.limit ?? 100, request.query.after);
      return { sellers: page.items, ...(page.cursor ? { next: page.cursor } : {}) };
    },
  );

  app.get<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId',
    { schema: { tags, params: SellerParams } },
    async (request) => {
      const seller = sellerView(await sellers.get(request.params.sellerId));
      return { seller, stats: { invoices: await sellers.invoiceCount(seller.sellerId) } };
    },
  );

  app.get<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId/credentials',
    { schema: { tags, params: SellerParams } },
    async (request) => ({ credentials: await sellers.credentials(request.params.sellerId) }),
  );

  app.post<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId/credentials',
    { schema: { tags, params: SellerParams, response: { 201: Issued } } },
    async (request, reply) => reply.code(201).send(await sellers.issueCredentials(request.params.sellerId)),
  );

  app.delete<{ Params: { sellerId: string; clientId: string } }>(
    '/admin/v1/sellers/:sellerId/credentials/:clientId',
    { schema: { tags } },
    async (request, reply) => {
      await sellers.revokeCredentials(request.params.sellerId, request.params.clientId);
      return reply.code(204).send();
    },
  );
}
