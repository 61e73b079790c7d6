import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentDisposition } from '../../files/download-route.js';
import type { HttpDeps } from '../../http-deps.js';
import { DOWNLOAD_PATH } from '../presenters.js';
import { DownloadQuery, withErrors } from '../schemas.js';

/**
 * The `url` of an order invoice: no signature headers (a browser or a plain HTTP client follows it),
 * the `access_token` is the credential. Valid as long as the invoice exists.
 */
export async function downloadRoute(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { orderInvoices } = deps.services;
  app.route({
    method: ['GET', 'HEAD'],
    url: `${DOWNLOAD_PATH}/:fileId`,
    exposeHeadRoute: false,
    schema: {
      summary: 'Download an order invoice through its url',
      tags: ['Order Invoices'],
      security: [{ DownloadToken: [] }],
      params: Type.Object({
        fileId: Type.String({ description: 'The file id in the url of an OrderInvoice.' }),
      }),
      querystring: DownloadQuery,
      produces: ['application/pdf'],
      response: withErrors({ 200: { description: 'The PDF', type: 'string', format: 'binary' } }),
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const { fileId } = request.params as { fileId: string };
      const { access_token } = request.query as { access_token: string };
      const file = await orderInvoices.openDownload(fileId, access_token, request.method !== 'HEAD');
      reply
        .header('content-type', file.row.mime_type)
        .header('content-length', String(file.info.size))
        .header('content-disposition', contentDisposition(file.row.original_name))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff');
      return reply.send(file.stream);
    },
  });
}
