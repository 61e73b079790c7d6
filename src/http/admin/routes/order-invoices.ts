import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InvalidInputError } from '../../../core/errors.js';
import type { OrderInvoiceRecord } from '../../../core/order-invoices/order-invoice-records.js';
import type { HttpDeps } from '../../http-deps.js';
import { binaryBody, docResponse } from '../../shared/openapi-docs.js';

const tags = ['order invoices'];
const SellerId = Type.String({ description: 'The seller id.' });
const OrderId = Type.String({ description: "The order id (the seller's order)." });
const Params = Type.Object({ sellerId: SellerId, orderId: OrderId });

function operatorView(row: OrderInvoiceRecord) {
  return {
    invoiceId: row.invoice_id,
    sellerId: row.seller_id,
    orderId: row.order_id,
    storefront: row.storefront,
    deemedSupplier: row.deemed_supplier,
    originalName: row.original_name,
    mimeType: row.mime_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * Invoices the marketplace issued itself (deemed-supplier model), attached to a seller's order: the
 * body is the PDF itself. The seller lists and reads them through its dialect but cannot delete them;
 * the operator can.
 */
export async function orderInvoiceAdminRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { orderInvoices } = deps.services;
  app.addContentTypeParser(
    'application/pdf',
    { parseAs: 'buffer', bodyLimit: orderInvoices.maxInvoiceBytes },
    (_request, body, done) => done(null, body),
  );

  app.post<{ Params: { sellerId: string; orderId: string }; Querystring: { fileName?: string } }>(
    '/admin/v1/sellers/:sellerId/orders/:orderId/invoices',
    {
      schema: {
        tags,
        summary: 'Attach a marketplace-issued (deemed-supplier) invoice PDF to an order',
        params: Params,
        querystring: Type.Object(
          { fileName: Type.Optional(Type.String({ description: 'Name shown to the seller' })) },
          { additionalProperties: false },
        ),
      },
      config: {
        docs: {
          body: binaryBody('The PDF itself.', ['application/pdf']),
          responses: {
            201: docResponse(
              'Attached; the seller sees it as issued by the marketplace.',
              Type.Object({ invoice: Type.Object({}) }),
            ),
          },
        },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw InvalidInputError.field(
          'content-type',
          'send the PDF itself with Content-Type: application/pdf',
        );
      }
      const { sellerId, orderId } = request.params;
      const row = await orderInvoices.upload(
        sellerId,
        orderId,
        {
          originalName: request.query.fileName ?? `invoice_${orderId}.pdf`,
          mimeType: 'application/pdf',
          bytes: request.body,
        },
        { deemedSupplier: true },
      );
      return reply.code(201).send({ invoice: operatorView(row) });
    },
  );

  app.delete<{ Params: { sellerId: string; orderId: string; invoiceId: number } }>(
    '/admin/v1/sellers/:sellerId/orders/:orderId/invoices/:invoiceId',
    {
      schema: {
        tags,
        summary: 'Delete any invoice of an order, marketplace-issued ones included',
        params: Type.Object({
          sellerId: SellerId,
          orderId: OrderId,
          invoiceId: Type.Integer({ minimum: 1, description: 'The invoice id within the order.' }),
        }),
      },
      config: { docs: { responses: { 204: { description: 'Deleted, with its file.' } } } },
    },
    async (request, reply) => {
      const { sellerId, orderId, invoiceId } = request.params;
      await orderInvoices.remove(sellerId, orderId, invoiceId, { asOperator: true });
      return reply.code(204).send();
    },
  );
}
