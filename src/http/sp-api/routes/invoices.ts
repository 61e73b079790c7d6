import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { spApiInvoice, spApiRenderedPage } from '../presenters.js';
import {
  GetInvoiceResponse,
  GetInvoicesAttributesResponse,
  GetInvoicesQuery,
  GetInvoicesResponse,
  MarketplaceQuery,
  splitCsv,
  withErrors,
} from '../schemas.js';
import { sellerOf } from '../seller-auth.js';

const BASE = '/tax/invoices/2024-06-19';
const tags = ['invoices'];

export async function invoiceRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { queries } = deps.services;

  app.get<{ Querystring: Static<typeof MarketplaceQuery> }>(
    `${BASE}/attributes`,
    {
      config: { operationId: 'getInvoicesAttributes' },
      schema: {
        operationId: 'getInvoicesAttributes',
        tags,
        querystring: MarketplaceQuery,
        response: withErrors({ 200: GetInvoicesAttributesResponse }),
      },
    },
    async (request) => ({
      invoicesAttributes: queries.attributes(sellerOf(request), request.query.marketplaceId),
    }),
  );

  app.get<{ Querystring: Static<typeof GetInvoicesQuery> }>(
    `${BASE}/invoices`,
    {
      config: { operationId: 'getInvoices' },
      schema: {
        operationId: 'getInvoices',
        tags,
        querystring: GetInvoicesQuery,
        response: withErrors({ 200: GetInvoicesResponse }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await queries.renderedInvoices(sellerOf(request), {
        ...q,
        statuses: splitCsv(q.statuses),
      });
      // Already JSON (the schema's own shape and key order): sent as is, not serialized again.
      return reply.type('application/json; charset=utf-8').send(spApiRenderedPage(page));
    },
  );

  app.get<{ Querystring: Static<typeof MarketplaceQuery>; Params: { invoiceId: string } }>(
    `${BASE}/invoices/:invoiceId`,
    {
      config: { operationId: 'getInvoice' },
      schema: {
        operationId: 'getInvoice',
        tags,
        params: Type.Object({
          invoiceId: Type.String({ description: 'The invoice id (from getInvoices).' }),
        }),
        querystring: MarketplaceQuery,
        response: withErrors({ 200: GetInvoiceResponse }),
      },
    },
    async (request) => ({
      invoice: spApiInvoice(
        await queries.getInvoice(sellerOf(request), request.query.marketplaceId, request.params.invoiceId),
      ),
    }),
  );
}
