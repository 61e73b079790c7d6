import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InvalidInputError } from '../../../core/errors.js';
import type { OrderInvoiceRecord } from '../../../core/order-invoices/order-invoice-records.js';
import type { HttpDeps } from '../../http-deps.js';
import { kauflandOrderInvoice, orderInvoiceUrl } from '../presenters.js';
import {
  InvoiceParams,
  ListQuery,
  ListResponse,
  OneResponse,
  OrderParams,
  UploadBody,
  withErrors,
} from '../schemas.js';
import { kauflandSellerOf } from '../seller-auth.js';
import { decodeUploadBody } from '../upload-body.js';

const BASE = '/kaufland/v2/order-invoices';
const tags = ['Order Invoices'];
const security = [{ ShopSignature: [], ShopClientKey: [], ShopTimestamp: [] }];

/** GetOrderInvoices, GetOrderInvoice, UploadOrderInvoice, DeleteOrderInvoice. */
export async function orderInvoiceRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { orderInvoices } = deps.services;
  const present = (row: OrderInvoiceRecord) =>
    kauflandOrderInvoice(
      row,
      orderInvoiceUrl(deps.baseUrl.current, row.file_id, orderInvoices.accessToken(row)),
    );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    BASE,
    {
      config: { operationId: 'GetOrderInvoices' },
      schema: {
        operationId: 'GetOrderInvoices',
        summary: 'Get a list of order invoices',
        description:
          'Invoices uploaded by the seller and those issued by the marketplace (deemed supplier), newest first.',
        tags,
        security,
        querystring: ListQuery,
        response: withErrors({
          200: { ...ListResponse, description: 'One page of order invoices and the total.' },
        }),
      },
    },
    async (request) => {
      const { storefront, ts_created_from_iso, limit, offset } = request.query;
      const createdFrom = ts_created_from_iso === undefined ? undefined : new Date(ts_created_from_iso);
      if (createdFrom && Number.isNaN(createdFrom.getTime())) {
        throw InvalidInputError.field('ts_created_from_iso', 'is not a valid date-time');
      }
      const page = await orderInvoices.list(
        kauflandSellerOf(request),
        { storefront, createdFrom },
        { limit, offset },
      );
      return { data: page.items.map(present), pagination: { offset, limit, total: page.total } };
    },
  );

  app.get<{ Params: Static<typeof InvoiceParams> }>(
    `${BASE}/:id_order/:id_invoice`,
    {
      config: { operationId: 'GetOrderInvoice' },
      schema: {
        operationId: 'GetOrderInvoice',
        summary: 'Get an order invoice by order ID and invoice ID',
        tags,
        security,
        params: InvoiceParams,
        response: withErrors({ 200: { ...OneResponse, description: 'The order invoice.' } }),
      },
    },
    async (request) => {
      const { id_order, id_invoice } = request.params;
      return { data: present(await orderInvoices.get(kauflandSellerOf(request), id_order, id_invoice)) };
    },
  );

  app.post<{ Params: Static<typeof OrderParams>; Body: Static<typeof UploadBody> }>(
    `${BASE}/:id_order`,
    {
      config: { operationId: 'UploadOrderInvoice' },
      schema: {
        operationId: 'UploadOrderInvoice',
        summary: 'Upload an invoice (PDF, base64) for an order',
        tags,
        security,
        params: OrderParams,
        body: UploadBody,
        response: withErrors({ 201: { ...OneResponse, description: 'Uploaded: the new order invoice.' } }),
      },
    },
    async (request, reply) => {
      const upload = decodeUploadBody(request.body, orderInvoices.maxInvoiceBytes);
      const row = await orderInvoices.upload(kauflandSellerOf(request), request.params.id_order, upload);
      return reply.code(201).send({ data: present(row) });
    },
  );

  app.delete<{ Params: Static<typeof InvoiceParams> }>(
    `${BASE}/:id_order/:id_invoice`,
    {
      config: { operationId: 'DeleteOrderInvoice' },
      schema: {
        operationId: 'DeleteOrderInvoice',
        summary: 'Delete an order invoice (not one the marketplace issued)',
        tags,
        security,
        params: InvoiceParams,
        response: withErrors({ 204: { type: 'null', description: 'Invoice successfully deleted' } }),
      },
    },
    async (request, reply) => {
      const { id_order, id_invoice } = request.params;
      await orderInvoices.remove(kauflandSellerOf(request), id_order, id_invoice);
      return reply.code(204).send();
    },
  );
}
