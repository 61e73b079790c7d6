import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
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

export async function orderRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { orders } = deps.services;

  // One order or an array of them; validated by hand so errors name the right shape.
  app.post('/admin/v1/orders', { schema: { tags: ['orders'] } }, async (request, reply) => {
    const many = Array.isArray(request.body);
    const list = many
      ? checkAgainst<Order[]>(OrderList, request.body)
      : [checkAgainst<Order>(OrderBody, request.body)];
    const results = await orders.upsertMany(list, many ? 'body' : '');
    const code = results.some((r) => r.outcome === 'created') ? 201 : 200;
    if (many) return reply.code(code).send({ results });
    const first = list[0] as Order;
    return reply.code(code).send({ order: await orders.get(first.sellerId, first.orderId) });
  });

  app.get<{ Params: { sellerId: string; orderId: string } }>(
    '/admin/v1/sellers/:sellerId/orders/:orderId',
    { schema: { tags: ['orders'] } },
    async (request) => ({ order: await orders.get(request.params.sellerId, request.params.orderId) }),
  );
}
