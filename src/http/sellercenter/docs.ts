import type { DialectDocs, ErrorDocs } from '../shared/openapi-docs.js';
import { Problem } from './schemas.js';

export const SELLERCENTER_DOCS: DialectDocs = {
  title: 'invoicehub: SellerCenter API v2 invoice templates',
  description:
    'The missing-invoice-access-key templates (sync and async), their import feeds and one-key updates. ' +
    'Token: POST /sellercenter/oauth/client-credentials with HTTP Basic client credentials.',
  authorize:
    "Press Authorize and enter the seller's clientId and clientSecret as clientCredentials (username and " +
    "password; the demo seller's are in data/demo-credentials.json), then run POST /sellercenter/oauth/client-credentials " +
    'with grant_type=client_credentials ("Try it out"). Copy the access_token of the answer into bearerAuth in ' +
    'Authorize: every operation then sends `Authorization: Bearer <token>`.',
  securitySchemes: {
    clientCredentials: {
      type: 'http',
      scheme: 'basic',
      description: "The seller's client id and secret, for the token endpoint only.",
    },
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description: 'The access_token from POST /sellercenter/oauth/client-credentials.',
    },
  },
  security: [{ bearerAuth: [] }],
};

export const SELLERCENTER_ERRORS: ErrorDocs = {
  name: 'Problem',
  schema: Problem,
  contentType: 'application/problem+json',
  statuses: {
    400: 'Bad Request: a parameter, the body or the file is invalid; `errors` names each field.',
    401: 'Unauthorized: no bearer token, an expired or revoked one, or (token endpoint) wrong client credentials.',
    403: 'Forbidden: the operation is not allowed on this resource.',
    404: 'Not Found: no such export, feed, file or order item for this seller.',
    409: 'Conflict: e.g. the access key is already used by another order.',
    408: 'Request Timeout: the upload stalled or arrived too slowly; the connection is closed.',
    413: 'Payload Too Large: the uploaded file exceeds the limit.',
    429: 'Too Many Requests: the rate plan of the operation is exhausted; retry after `Retry-After` seconds.',
    500: 'Internal Server Error: an unexpected error (logged with the request id).',
    503: 'Service Unavailable Due to Maintenance Mode, or a backing service is down; retry later.',
  },
};
