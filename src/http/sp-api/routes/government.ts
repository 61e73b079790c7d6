import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { spApiGovernmentStatus } from '../presenters.js';
import {
  GovernmentInvoiceDocumentQuery,
  GovernmentInvoiceRequest,
  GovernmentInvoiceStatusQuery,
  GovernmentInvoiceStatusResponse,
  GovernmentShipmentParams,
  GovtInvoiceDocumentResponse,
  withErrors,
} from '../schemas.js';
import { sellerOf } from '../seller-auth.js';

const BASE = '/tax/invoices/2024-06-19';
const tags = ['government invoices'];

/** createGovernmentInvoice, getGovernmentInvoiceStatus, getGovernmentInvoiceDocument. */
export async function governmentRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { government } = deps.services;

  app.post<{ Body: Static<typeof GovernmentInvoiceRequest> }>(
    `${BASE}/governmentInvoiceRequests`,
    {
      config: { operationId: 'createGovernmentInvoice' },
      schema: {
        operationId: 'createGovernmentInvoice',
        tags,
        body: GovernmentInvoiceRequest,
        response: withErrors({
          204: Type.Null({ description: 'Accepted; poll getGovernmentInvoiceStatus.' }),
        }),
      },
    },
    async (request, reply) => {
      await government.create(sellerOf(request), request.body);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof GovernmentInvoiceStatusQuery> }>(
    `${BASE}/governmentInvoiceRequests`,
    {
      config: { operationId: 'getGovernmentInvoiceStatus' },
      schema: {
        operationId: 'getGovernmentInvoiceStatus',
        tags,
        querystring: GovernmentInvoiceStatusQuery,
        response: withErrors({ 200: GovernmentInvoiceStatusResponse }),
      },
    },
    async (request) => spApiGovernmentStatus(await government.status(sellerOf(request), request.query)),
  );

  app.get<{ Querystring: Static<typeof GovernmentInvoiceDocumentQuery>; Params: { shipmentId: string } }>(
    `${BASE}/governmentInvoiceRequests/:shipmentId`,
    {
      config: { operationId: 'getGovernmentInvoiceDocument' },
      schema: {
        operationId: 'getGovernmentInvoiceDocument',
        tags,
        params: GovernmentShipmentParams,
        querystring: GovernmentInvoiceDocumentQuery,
        response: withErrors({ 200: GovtInvoiceDocumentResponse }),
      },
    },
    async (request) => ({
      invoiceDocument: await government.document(sellerOf(request), {
        ...request.query,
        shipmentId: request.params.shipmentId,
      }),
    }),
  );
}
