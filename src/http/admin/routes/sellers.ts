import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InvalidInputError } from '../../../core/errors.js';
import { sellerView } from '../../../core/sellers/sellers-service.js';
import { isUuid } from '../../../core/text.js';
import type { AppDeps } from '../../../main/deps.js';

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

/** Keyset cursor for the seller list: base64url of "createdAt|sellerId". */
function decodeAfter(after: string | undefined) {
  if (after === undefined) return undefined;
  const [createdAt, sellerId] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const date = new Date(createdAt ?? '');
  if (!sellerId || !isUuid(sellerId) || Number.isNaN(date.getTime()))
    throw InvalidInputError.field('query.after', 'is not a cursor from this API');
  return { createdAt: date, sellerId };
}

export async function sellerRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
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
      const limit = request.query.limit ?? 100;
      const rows = await sellers.list(limit + 1, decodeAfter(request.query.after));
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        sellers: page.map(sellerView),
        ...(rows.length > limit && last
          ? {
              next: Buffer.from(`${new Date(last.created_at).toISOString()}|${last.seller_id}`).toString(
                'base64url',
              ),
            }
          : {}),
      };
    },
  );

  app.get<{ Params: Static<typeof SellerParams> }>(
    '/admin/v1/sellers/:sellerId',
    { schema: { tags, params: SellerParams } },
    async (request) => ({ seller: sellerView(await sellers.get(request.params.sellerId)) }),
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
