import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { docResponse } from '../../shared/openapi-docs.js';
import { checkAgainst } from '../../shared/validation.js';

const Item = Type.Object(
  {
    orderItemId: Type.String({ minLength: 1 }),
    sku: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export const OrderBody = Type.Object(
  {
    orderId: Type.String({ minLength: 1 }),
    sellerId: Type.String({ minLength: 1 }),
    marketplaceId: Type.Optional(Type.String()),
    storefront: Type.Optional(Type.String()),
    orderNumber: Type.Optional(Type.String()),
    createdAt: Type.String(),
    status: Type.String(),
    items: Type.Array(Item, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
const OrderList = Type.Array(OrderBody, { minItems: 1, maxItems: 1000 });
type Order = Static<typeof OrderBody>;
const OrderAnswer = Type.Object({
  order: Type.Optional(Type.Object({}, { description: 'The stored order (one order sent).' })),
  results: Type.Optional(
    Type.Array(Type.Object({}), { description: 'One outcome per order (an array sent).' }),
  ),
});

export async function orderRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { orders } = deps.services;

  // One order or an array of them; validated by hand so errors name the right shape.
  app.post(
    '/admin/v1/orders',
    {
      schema: { tags: ['orders'] },
      config: {
        docs: {
          body: {
            description: 'One order, or an array of up to 1000.',
            content: { 'application/json': { schema: Type.Union([OrderBody, OrderList]) } },
          },
          responses: {
            200: docResponse('All existed already: updated (one: `order`; many: `results`).', OrderAnswer),
            201: docResponse('At least one was created (one: `order`; many: `results`).', OrderAnswer),
          },
        },
      },
    },
    async (request, reply) => {
      const many = Array.isArray(request.body);
      const list = many
        ? checkAgainst<Order[]>(OrderList, request.body)
        : [checkAgainst<Order>(OrderBody, request.body)];
      const results = await orders.upsertMany(list, many ? 'body' : '');
      const code = results.some((r) => r.outcome === 'created') ? 201 : 200;
      if (many) return reply.code(code).send({ results });
      const first = list[0] as Order;
      return reply.code(code).send({ order: await orders.get(first.sellerId, first.orderId) });
    },
  );

  app.get<{ Params: { sellerId: string; orderId: string } }>(
    '/admin/v1/sellers/:sellerId/orders/:orderId',
    {
      schema: {
        tags: ['orders'],
        params: Type.Object({
          sellerId: Type.String({ description: 'The seller id.' }),
          orderId: Type.String({ description: 'The order id.' }),
        }),
      },
      config: {
        docs: {
          responses: {
            200: docResponse('The order with its items.', Type.Object({ order: Type.Object({}) })),
          },
        },
      },
    },
    async (request) => ({ order: await orders.get(request.params.sellerId, request.params.orderId) }),
  );
}
