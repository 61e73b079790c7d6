import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sellerView } from '../../../core/sellers/sellers-service.js';
import type { HttpDeps } from '../../http-deps.js';
import { docResponse } from '../../shared/openapi-docs.js';

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
const Issued = Type.Object(
  {
    sellerId: Type.String(),
    clientId: Type.String({ description: 'LWA client id; also the Kaufland Shop-Client-Key.' }),
    clientSecret: Type.String({ description: 'Shown once, never stored in the clear.' }),
    refreshToken: Type.String({ description: 'For POST /auth/o2/token; shown once.' }),
  },
  { description: 'The seller and its credentials (the secret and refresh token are shown only here).' },
);
const SellerParams = Type.Object({ sellerId: Type.String({ description: 'The seller id.' }) });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, description: 'Sellers per page, 1 to 500 (100).' }),
    ),
    after: Type.Optional(Type.String({ description: 'The `next` cursor of the previous page.' })),
  },
  { additionalProperties: false },
);
const Seller = Type.Object({
  sellerId: Type.String(),
  name: Type.String(),
  cnpj: Type.String(),
  marketplaceIds: Type.Array(Type.String()),
  storefronts: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
const Credential = Type.Object({
  clientId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export async function sellerRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { sellers } = deps.services;

  app.post<{ Body: Static<typeof NewSeller> }>(
    '/admin/v1/sellers',
    { schema: { tags, body: NewSeller, response: { 201: Issued } } },
    async (request, reply) => reply.code(201).send(await sellers.create(request.body)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/admin/v1/sellers',
    {
      schema: { tags, querystring: ListQuery },
      config: {
        docs: {
          responses: {
            200: docResponse(
              'One page of sellers; `next` is there when more follow.',
              Type.Object({ sellers: Type.Array(Seller), next: Type.Optional(Type.String()) }),
            ),
          },
        },
      },
    },
    async (request) => {
      const page = await sellers.list(request.query.limit ?? 100, request.query.after);
      return { sellers: page.items, ...(page.cursor ? { next: page.cursor } : {}) };
    },
  );

  app.get<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId',
    {
      schema: { tags, params: SellerParams },
      config: {
        docs: {
          responses: {
            200: docResponse(
              'The seller and how many invoices it has.',
              Type.Object({ seller: Seller, stats: Type.Object({ invoices: Type.Integer() }) }),
            ),
          },
        },
      },
    },
    async (request) => {
      const seller = sellerView(await sellers.get(request.params.sellerId));
      return { seller, stats: { invoices: await sellers.invoiceCount(seller.sellerId) } };
    },
  );

  app.get<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId/credentials',
    {
      schema: { tags, params: SellerParams },
      config: {
        docs: {
          responses: {
            200: docResponse(
              "The seller's credential pairs (no secrets).",
              Type.Object({ credentials: Type.Array(Credential) }),
            ),
          },
        },
      },
    },
    async (request) => ({ credentials: await sellers.credentials(request.params.sellerId) }),
  );

  app.post<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId/credentials',
    { schema: { tags, params: SellerParams, response: { 201: Issued } } },
    async (request, reply) => reply.code(201).send(await sellers.issueCredentials(request.params.sellerId)),
  );

  app.delete<{ Params: { sellerId: string; clientId: string } }>(
    '/admin/v1/sellers/:sellerId/credentials/:clientId',
    {
      schema: {
        tags,
        params: Type.Object({
          sellerId: Type.String({ description: 'The seller id.' }),
          clientId: Type.String({ description: 'The client id to revoke.' }),
        }),
      },
      config: { docs: { responses: { 204: { description: 'Revoked: its tokens stop working.' } } } },
    },
    async (request, reply) => {
      await sellers.revokeCredentials(request.params.sellerId, request.params.clientId);
      return reply.code(204).send();
    },
  );
}
