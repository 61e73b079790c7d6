import { Type } from '@sinclair/typebox';
import type { DialectDocs, ErrorDocs } from '../shared/openapi-docs.js';

export const ADMIN_DOCS: DialectDocs = {
  title: 'invoicehub: operator API',
  description: 'Onboard sellers, load NF-e and orders, run the marketplace.',
  authorize:
    'The operator token is ADMIN_TOKEN (printed by the first start; kept in DATA_DIR/admin-token when generated). ' +
    'Press Authorize, paste it into adminToken and close the dialog: every operation then sends ' +
    '`Authorization: Bearer <token>`.',
  securitySchemes: {
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN, as `Authorization: Bearer <token>`.',
    },
  },
  security: [{ adminToken: [] }],
};

const FieldProblem = Type.Object({
  field: Type.String({ description: 'The parameter or body field at fault, e.g. `query.limit`.' }),
  message: Type.String({ description: 'What is wrong with it.' }),
});

/** RFC 9457 problem details, as sendProblem renders them. */
export const ADMIN_ERRORS: ErrorDocs = {
  name: 'Problem',
  schema: Type.Object({
    type: Type.String({ description: 'A relative URI naming the kind, e.g. `/problems/invalid-input`.' }),
    title: Type.String({ description: 'The kind, in words.' }),
    status: Type.Integer({ description: 'The HTTP status.' }),
    detail: Type.String({ description: 'What happened in this request.' }),
    errors: Type.Optional(Type.Array(FieldProblem, { description: 'One entry per invalid field.' })),
  }),
  contentType: 'application/problem+json',
  statuses: {
    400: '/problems/invalid-input: a parameter or the body is invalid; `errors` names each field.',
    401: '/problems/unauthorized: no operator token, or a wrong one.',
    403: '/problems/forbidden: the operation is not allowed on this resource.',
    404: '/problems/not-found: no such seller, invoice, order or credential.',
    409: '/problems/conflict: the request conflicts with what is stored (e.g. a duplicate).',
    408: '/problems/request-timeout: the body stalled or arrived too slowly; the connection is closed.',
    413: '/problems/payload-too-large: the body exceeds the limit of this operation (or an archive an ARCHIVE_* limit).',
    500: '/problems/internal: an unexpected error (logged with the request id).',
    503: '/problems/maintenance or /problems/unavailable: maintenance mode or a backing service is down.',
  },
};
