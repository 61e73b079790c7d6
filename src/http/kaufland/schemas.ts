import { Type } from '@sinclair/typebox';
import { MAX_PAGE_SIZE } from '../../core/order-invoices/order-invoices-service.js';

/**
 * The order-invoice part of Kaufland's Seller API v2 document (2.27.0), as route schemas: requests
 * are validated against them, responses serialized through them, and /docs/kaufland is built from
 * them.
 */
export const KAUFLAND_STOREFRONTS = ['de', 'cz', 'sk', 'pl', 'at', 'fr', 'it'] as const;

/** A plain `enum` (not an anyOf of constants), as Kaufland's document and the docs page show it. */
export const Storefront = Type.Unsafe<(typeof KAUFLAND_STOREFRONTS)[number]>({
  type: 'string',
  enum: [...KAUFLAND_STOREFRONTS],
  description: 'Locale of storefront',
});

export const OrderInvoice = Type.Object(
  {
    id_invoice: Type.Integer({ format: 'int64', description: 'Not unique across all invoices' }),
    id_order: Type.String({ example: 'MB7UWLD' }),
    storefront: Storefront,
    is_marketplace_deemed_supplier: Type.Boolean(),
    original_name: Type.String({ example: 'invoice_MB7UWLD.pdf' }),
    mime_type: Type.String({ example: 'application/pdf' }),
    url: Type.String({ description: 'Download link; its access_token is a credential' }),
    ts_created_iso: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const ErrorResponse = Type.Object(
  {
    type: Type.String({
      description:
        'The problem type: /problems/validation-error, /problems/not-found, /problems/unauthorized, ' +
        '/problems/corrupted-signature, /problems/missing-or-invalid-request-header, /problems/forbidden, ' +
        '/problems/service-unavailable, /problems/server-error, or about:blank (409, 413, 429).',
    }),
    message: Type.String({ description: 'What happened, in words.' }),
    errors: Type.Array(
      Type.Object({
        field: Type.String({ description: 'The parameter, body field or header at fault.' }),
        message: Type.String({ description: 'What is wrong with it.' }),
      }),
      { description: 'One entry per value at fault (may be empty).' },
    ),
  },
  { description: 'Kaufland error' },
);

export const ListQuery = Type.Object(
  {
    storefront: Type.Optional(Storefront),
    ts_created_from_iso: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Only invoices created at or after this time (YYYY-MM-ddTHH:mm:ssZ)',
      }),
    ),
    limit: Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: 30,
      description: 'max: 100, default: 30',
    }),
    offset: Type.Integer({ minimum: 0, default: 0, description: 'default: 0' }),
  },
  { additionalProperties: false },
);

const OrderId = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'Order ID, unique across all orders',
  example: 'MB7UWLD',
});

export const OrderParams = Type.Object({ id_order: OrderId });

export const InvoiceParams = Type.Object({
  id_order: OrderId,
  id_invoice: Type.Integer({
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
    description: 'Invoice ID, not unique across all invoices',
  }),
});

export const UploadBody = Type.Object(
  {
    original_name: Type.String({ description: 'File name; any directory part is dropped' }),
    mime_type: Type.String({ description: 'application/pdf' }),
    data: Type.String({ description: 'The file, base64 (standard alphabet, padded)' }),
  },
  { additionalProperties: false },
);

export const DownloadQuery = Type.Object({
  access_token: Type.String({ minLength: 1, description: 'The token in the url of the OrderInvoice.' }),
});

export const ListResponse = Type.Object({
  data: Type.Array(OrderInvoice),
  pagination: Type.Object({ offset: Type.Integer(), limit: Type.Integer(), total: Type.Integer() }),
});
export const OneResponse = Type.Object({ data: OrderInvoice });

/** The error responses every authenticated operation may give, beside its success. */
export function withErrors<T extends Record<number, unknown>>(success: T): T & Record<number, unknown> {
  const errors: Record<number, unknown> = {};
  for (const status of [400, 401, 403, 404, 413, 429, 500, 503]) errors[status] = ErrorResponse;
  return { ...errors, ...success };
}
