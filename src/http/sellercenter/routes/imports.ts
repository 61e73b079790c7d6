import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { withMultipartFile } from '../multipart-file.js';
import { sellerCenterFeed } from '../presenters.js';
import {
  bearer,
  FeedCreated,
  FeedQuery,
  FeedStatus,
  IdParams,
  SetKeyBody,
  SetKeyResponse,
  withProblems,
} from '../schemas.js';
import { sellerCenterSeller } from '../seller-auth.js';

const tags = ['imports'];

/** The filled template's import, its feed, and one item's key. */
export async function importRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { templates } = deps.services;

  app.post(
    '/sellercenter/v2/import/missing-invoice-access-key',
    {
      schema: {
        operationId: 'importTemplate',
        summary: 'Import the filled template (CSV or XLSX, multipart field `file`)',
        description:
          'Answers 202 at once; a background job reads the file and stores each valid key. Follow it with GET /v2/feeds/{feedId}.',
        tags,
        security: bearer,
        consumes: ['multipart/form-data'],
        response: withProblems({ 202: FeedCreated }),
      },
      config: {
        sellerCenterOperation: 'importTemplate',
        docs: {
          body: {
            description: 'The filled template.',
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', format: 'binary', description: 'The XLSX or CSV.' } },
                },
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const seller = sellerCenterSeller(request);
      const created = await withMultipartFile(request, 'file', (file) =>
        templates.submitImport(seller.sellerId, { fileName: file.fileName, bytes: file.stream }),
      );
      return reply.code(202).send(created);
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof FeedQuery> }>(
    '/sellercenter/v2/feeds/:id',
    {
      config: { sellerCenterOperation: 'getFeed' },
      schema: {
        operationId: 'getFeed',
        summary: 'Status of an import feed (by feedId or feedUuid), with one result per row',
        tags,
        security: bearer,
        params: IdParams,
        querystring: FeedQuery,
        response: withProblems({ 200: FeedStatus }),
      },
    },
    async (request) =>
      sellerCenterFeed(
        await templates.getFeed(sellerCenterSeller(request).sellerId, request.params.id, request.query),
      ),
  );

  app.put<{ Params: { orderItemId: string }; Body: Static<typeof SetKeyBody> }>(
    '/sellercenter/v2/order-items/:orderItemId/invoice-access-key',
    {
      config: { sellerCenterOperation: 'setOrderItemAccessKey' },
      schema: {
        operationId: 'setOrderItemAccessKey',
        summary: "Set one order item's NF-e access key (same checks as the import)",
        tags,
        security: bearer,
        params: {
          type: 'object',
          properties: {
            orderItemId: {
              type: 'string',
              minLength: 1,
              maxLength: 128,
              description: 'The order item id (from the template).',
            },
          },
          required: ['orderItemId'],
        },
        body: SetKeyBody,
        response: withProblems({ 200: SetKeyResponse }),
      },
    },
    async (request) =>
      templates.setKey(sellerCenterSeller(request).sellerId, request.params.orderItemId, request.body),
  );
}
