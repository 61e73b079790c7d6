import { PassThrough } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseTemplateFormat } from '../../../core/templates/template-service.js';
import { contentDisposition } from '../../files/download-route.js';
import type { HttpDeps } from '../../http-deps.js';
import { docResponse } from '../../shared/openapi-docs.js';
import { sellerCenterExport } from '../presenters.js';
import { bearer, ExportCreated, ExportStatus, FormatQuery, IdParams, withProblems } from '../schemas.js';
import { sellerCenterSeller } from '../seller-auth.js';

const tags = ['templates'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The template (sync and async), its export's status, and the file manager's download. */
export async function templateRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { templates } = deps.services;

  app.get<{ Querystring: Static<typeof FormatQuery> }>(
    '/sellercenter/v2/template/missing-invoice-access-key',
    {
      config: {
        sellerCenterOperation: 'getTemplate',
        docs: {
          responses: {
            200: {
              description: 'The template, streamed (Content-Disposition names the file).',
              content: {
                [XLSX]: { schema: { type: 'string', format: 'binary' } },
                'text/csv': { schema: { type: 'string', format: 'binary' } },
              },
            },
          },
        },
      },
      schema: {
        operationId: 'getTemplate',
        summary: 'The order items missing an NF-e access key, as a spreadsheet to fill in',
        description:
          'Streams the file itself (XLSX by default; CSV is UTF-8 with a BOM and `;` between fields).',
        tags,
        security: bearer,
        querystring: FormatQuery,
        produces: [XLSX, 'text/csv'],
      },
    },
    async (request, reply) => {
      const seller = sellerCenterSeller(request);
      const file = templates.template(seller.sellerId, parseTemplateFormat(request.query.format));
      reply
        .type(file.contentType)
        .header('content-disposition', contentDisposition(file.fileName))
        .header('cache-control', 'no-store');
      // Rows flow from keyset pages through the writer to the socket with back-pressure. A failure
      // destroys `out`: before the first byte it becomes a problem-details 500, later a cut
      // connection, so the client never takes a short file for a complete one.
      const out = new PassThrough();
      file.write(out).catch((err: unknown) => request.log.error({ err }, 'template download failed'));
      return reply.send(out);
    },
  );

  app.get<{ Querystring: Static<typeof FormatQuery> }>(
    '/sellercenter/v2/template/missing-invoice-access-key-async',
    {
      config: { sellerCenterOperation: 'requestTemplateExport' },
      schema: {
        operationId: 'requestTemplateExport',
        summary: 'Generate the template in the background',
        tags,
        security: bearer,
        querystring: FormatQuery,
        response: withProblems({ 200: ExportCreated }),
      },
    },
    async (request) =>
      templates.requestExport(
        sellerCenterSeller(request).sellerId,
        parseTemplateFormat(request.query.format),
      ),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/sellercenter/v2/exports/:id',
    {
      config: { sellerCenterOperation: 'getExport' },
      schema: {
        operationId: 'getExport',
        summary: 'Status of a template export (by exportItemId or uuid)',
        tags,
        security: bearer,
        params: IdParams,
        response: withProblems({ 200: ExportStatus }),
      },
    },
    async (request) =>
      sellerCenterExport(await templates.getExport(sellerCenterSeller(request).sellerId, request.params.id)),
  );

  app.get<{ Params: { uuid: string } }>(
    '/sellercenter/filemanager/v1/files/download/:uuid',
    {
      config: {
        sellerCenterOperation: 'downloadFile',
        docs: {
          responses: {
            200: docResponse('The file of a finished export.', { type: 'string', format: 'binary' }, XLSX),
          },
        },
      },
      schema: {
        operationId: 'downloadFile',
        summary: 'Download a finished export file',
        tags: ['file manager'],
        security: bearer,
        params: {
          type: 'object',
          properties: { uuid: { type: 'string', description: 'The uuid of a finished export.' } },
          required: ['uuid'],
        },
      },
    },
    async (request, reply) => {
      const file = await templates.exportFile(sellerCenterSeller(request).sellerId, request.params.uuid);
      return reply
        .type(file.contentType)
        .header('content-length', String(file.size))
        .header('content-disposition', contentDisposition(file.fileName))
        .header('cache-control', 'private, no-store')
        .send(file.stream);
    },
  );
}
