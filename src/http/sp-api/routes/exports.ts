import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../http-deps.js';
import { spApiExport, spApiPage } from '../presenters.js';
import {
  Export,
  ExportInvoicesRequest,
  GetInvoicesExportsQuery,
  GetInvoicesExportsResponse,
  withErrors,
} from '../schemas.js';
import { sellerOf } from '../seller-auth.js';

const BASE = '/tax/invoices/2024-06-19';
const tags = ['exports'];

/** createInvoicesExport, getInvoicesExports, getInvoicesExport, getInvoicesDocument. */
export async function exportRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { exports } = deps.services;

  app.post<{ Body: Static<typeof ExportInvoicesRequest> }>(
    `${BASE}/exports`,
    {
      config: { operationId: 'createInvoicesExport' },
      schema: {
        operationId: 'createInvoicesExport',
        tags,
        body: ExportInvoicesRequest,
        response: withErrors({
          202: Type.Object(
            { exportId: Type.String({ description: 'Poll it with getInvoicesExport.' }) },
            { description: 'Accepted: the export runs in the background.' },
          ),
        }),
      },
    },
    async (request, reply) => {
      const { transactionIdentifier, ...rest } = request.body;
      const created = await exports.create(sellerOf(request), {
        ...rest,
        transactionIdentifierName: transactionIdentifier?.name,
        transactionIdentifierId: transactionIdentifier?.id,
      });
      return reply.code(202).send(created);
    },
  );

  app.get<{ Querystring: Static<typeof GetInvoicesExportsQuery> }>(
    `${BASE}/exports`,
    {
      config: { operationId: 'getInvoicesExports' },
      schema: {
        operationId: 'getInvoicesExports',
        tags,
        querystring: GetInvoicesExportsQuery,
        response: withErrors({ 200: GetInvoicesExportsResponse }),
      },
    },
    async (request) => {
      const page = await exports.list(sellerOf(request), request.query);
      return spApiPage({ ...page, items: page.items.map(spApiExport) }, 'exports');
    },
  );

  app.get<{ Params: { exportId: string } }>(
    `${BASE}/exports/:exportId`,
    {
      config: { operationId: 'getInvoicesExport' },
      schema: {
        operationId: 'getInvoicesExport',
        tags,
        params: Type.Object({
          exportId: Type.String({ description: 'The exportId createInvoicesExport returned.' }),
        }),
        querystring: Type.Object({}, { additionalProperties: false }),
        response: withErrors({
          200: Type.Object(
            { export: Export },
            { description: 'The export; once DONE, invoicesDocumentIds lists its documents.' },
          ),
        }),
      },
    },
    async (request) => ({
      export: spApiExport(await exports.get(sellerOf(request), request.params.exportId)),
    }),
  );

  app.get<{ Params: { invoicesDocumentId: string } }>(
    `${BASE}/documents/:invoicesDocumentId`,
    {
      config: { operationId: 'getInvoicesDocument' },
      schema: {
        operationId: 'getInvoicesDocument',
        tags,
        params: Type.Object({
          invoicesDocumentId: Type.String({
            description: 'One of the invoicesDocumentIds of a DONE export.',
          }),
        }),
        querystring: Type.Object({}, { additionalProperties: false }),
        response: withErrors({
          200: Type.Object(
            {
              invoicesDocument: Type.Object({
                invoicesDocumentId: Type.String(),
                invoicesDocumentUrl: Type.String({ description: 'A signed URL to the ZIP of NF-e XML.' }),
              }),
            },
            { description: 'Where to download the document.' },
          ),
        }),
      },
    },
    async (request) => {
      const doc = await exports.document(sellerOf(request), request.params.invoicesDocumentId);
      return { invoicesDocument: { invoicesDocumentId: doc.documentId, invoicesDocumentUrl: doc.url } };
    },
  );
}
