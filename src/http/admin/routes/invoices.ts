import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DANFE_CONTENT_TYPE, danfeFilename } from '../../../core/danfe/danfe-service.js';
import { InvalidInputError } from '../../../core/errors.js';
import { type BulkItemResult, summarize } from '../../../core/invoices/bulk-ingest.js';
import { checkIngestMeta } from '../../../core/invoices/classification.js';
import type { HttpDeps } from '../../http-deps.js';
import { binaryBody, docResponse } from '../../shared/openapi-docs.js';
import { withSpooledUpload } from '../../shared/spool-upload.js';

const tags = ['invoices'];
const IngestQuery = Type.Object(
  {
    marketplaceId: Type.Optional(
      Type.String({ minLength: 1, description: "The marketplace (default: the seller's first)." }),
    ),
    invoiceType: Type.Optional(
      Type.String({ minLength: 1, description: 'Overrides the classified invoice type.' }),
    ),
    transactionType: Type.Optional(
      Type.String({ minLength: 1, description: 'Overrides the classified transaction type.' }),
    ),
    transactionIdentifierName: Type.Optional(
      Type.String({ minLength: 1, description: 'The kind of transaction id (e.g. ORDER_ID).' }),
    ),
    transactionIdentifierId: Type.Optional(
      Type.String({ minLength: 1, description: 'The transaction id (e.g. the order id).' }),
    ),
    orderId: Type.Optional(
      Type.String({ minLength: 1, description: 'Links the NF-e to this order of the seller.' }),
    ),
  },
  { additionalProperties: false },
);
const Outcome = Type.Object({
  outcome: Type.String({
    description: 'created, updated, unchanged, event-applied, event-unchanged or event-pending',
  }),
  invoice: Type.Optional(Type.Object({}, { description: 'The stored invoice.' })),
  event: Type.Optional(Type.Object({}, { description: 'The stored event (cancellation, …).' })),
  warnings: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
});
const InvoiceParams = Type.Object({
  sellerId: Type.String({ description: 'The seller id.' }),
  invoiceId: Type.String({ description: 'The invoice id (as SP-API shows it).' }),
});
const XML_TYPES = ['application/xml', 'text/xml'];
const STATUS_OF = {
  created: 201,
  updated: 200,
  unchanged: 200,
  applied: 200,
  'event-applied': 200,
  'event-unchanged': 200,
  'event-pending': 202,
};

export async function invoiceAdminRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { ingest } = deps.services;
  const { maxXmlBytes, maxBulkBytes } = deps.config;

  app.addContentTypeParser(XML_TYPES, { parseAs: 'buffer', bodyLimit: maxXmlBytes }, (_req, body, done) =>
    done(null, body),
  );
  // The ZIP is spooled to disk by the handler: hand it the raw stream.
  app.addContentTypeParser(['application/zip', 'application/x-zip-compressed'], (_req, payload, done) =>
    done(null, payload),
  );

  app.post<{ Querystring: Static<typeof IngestQuery> }>(
    '/admin/v1/invoices',
    {
      schema: { tags, querystring: IngestQuery },
      bodyLimit: maxXmlBytes,
      config: {
        docs: {
          body: binaryBody('One NF-e XML (nfeProc, NFe or an event).', XML_TYPES),
          responses: {
            200: docResponse('Updated, unchanged, or an event applied to a stored invoice.', Outcome),
            201: docResponse('Stored a new invoice.', Outcome),
            202: docResponse('An event whose invoice has not arrived yet: kept until it does.', Outcome),
          },
        },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
        throw InvalidInputError.field(
          'body',
          'send one NF-e XML document with Content-Type: application/xml',
        );
      }
      const result = await ingest.ingest(request.body, request.query);
      const { outcome, ...rest } = result;
      return reply.code(STATUS_OF[outcome]).send({ outcome, ...rest });
    },
  );

  app.post<{ Querystring: Static<typeof IngestQuery> }>(
    '/admin/v1/invoices/bulk',
    {
      schema: { tags, querystring: IngestQuery },
      bodyLimit: maxBulkBytes,
      config: {
        docs: {
          body: binaryBody('A ZIP of NF-e XML files.', ['application/zip']),
          responses: {
            200: docResponse(
              'One result per file (each file applies on its own) and a summary.',
              Type.Object({
                summary: Type.Object({}, { description: 'Counts per outcome.' }),
                results: Type.Array(Type.Object({}, { description: 'The file, its outcome or its errors.' })),
              }),
            ),
          },
        },
      },
    },
    async (request) => {
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof body.pipe !== 'function') {
        throw InvalidInputError.field('content-type', 'send a ZIP of NF-e XML files as application/zip');
      }
      checkIngestMeta(request.query);
      return withSpooledUpload(body, maxBulkBytes, 'ZIP', async (file) => {
        const results: BulkItemResult[] = [];
        for await (const r of ingest.ingestZip(file, request.query)) results.push(r);
        return { summary: summarize(results), results };
      });
    },
  );

  app.get<{ Params: { sellerId: string; invoiceId: string } }>(
    '/admin/v1/sellers/:sellerId/invoices/:invoiceId',
    {
      schema: { tags, params: InvoiceParams },
      config: {
        docs: {
          responses: {
            200: docResponse(
              'The invoice as stored, PENDING ones included.',
              Type.Object({ invoice: Type.Object({}) }),
            ),
          },
        },
      },
    },
    async (request) => ({
      invoice: await deps.services.queries.forOperator(request.params.sellerId, request.params.invoiceId),
    }),
  );

  app.get<{ Params: { sellerId: string; invoiceId: string } }>(
    '/admin/v1/sellers/:sellerId/invoices/:invoiceId/xml',
    {
      schema: { tags, params: InvoiceParams },
      config: {
        docs: {
          responses: { 200: docResponse('The NF-e XML as ingested.', { type: 'string' }, 'application/xml') },
        },
      },
    },
    async (request, reply) => {
      const xml = await deps.services.queries.documentForOperator(
        request.params.sellerId,
        request.params.invoiceId,
      );
      return reply.type('application/xml').send(xml);
    },
  );

  app.get<{ Params: { sellerId: string; invoiceId: string } }>(
    '/admin/v1/sellers/:sellerId/invoices/:invoiceId/danfe',
    {
      schema: {
        tags,
        summary: 'The DANFE (PDF) of a stored invoice, in any status',
        description:
          'Model 55: the A4 DANFE over as many sheets as its items need; model 65: the NFC-e receipt ' +
          'with its QR code. Cancelled invoices carry a CANCELADA stamp; documents without an ' +
          'authorization (PENDING, REJECTED) or from the test environment are marked SEM VALOR FISCAL.',
        params: InvoiceParams,
      },
      config: {
        docs: {
          responses: {
            200: docResponse(
              'The DANFE; the X-Danfe-Pages header says how many pages it has.',
              { type: 'string', format: 'binary' },
              DANFE_CONTENT_TYPE,
            ),
          },
        },
      },
    },
    async (request, reply) => {
      const { sellerId, invoiceId } = request.params;
      const danfe = await deps.services.danfe.ofInvoice(sellerId, invoiceId);
      return reply
        .type(DANFE_CONTENT_TYPE)
        .header('content-disposition', `inline; filename="${danfeFilename(danfe.accessKey)}"`)
        .header('x-danfe-pages', String(danfe.pages))
        .send(Buffer.from(danfe.pdf.buffer, danfe.pdf.byteOffset, danfe.pdf.byteLength));
    },
  );
}
