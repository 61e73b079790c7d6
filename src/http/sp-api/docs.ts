import { Type } from '@sinclair/typebox';
import type { DialectDocs, ErrorDocs } from '../shared/openapi-docs.js';
import { ErrorList } from './schemas.js';

export const SP_API_DOCS: DialectDocs = {
  title: 'invoicehub: SP-API Invoices v2024-06-19',
  description:
    "Amazon's Invoices API (Brazil NF-e) at its real paths, with Login with Amazon's token endpoint (`POST /auth/o2/token`).",
  authorize:
    'Get an access token from POST /auth/o2/token ("Try it out": grant_type=refresh_token with the seller\'s ' +
    "client_id, client_secret and refresh_token; the demo seller's are in data/demo-credentials.json and in the " +
    "first start's banner). Press Authorize, paste the access_token into x-amz-access-token and close the dialog: " +
    'every operation then sends it in the x-amz-access-token header. A token lasts ACCESS_TOKEN_TTL_SECONDS; ' +
    'an expired one answers 403 Unauthorized.',
  securitySchemes: {
    amzAccessToken: {
      type: 'apiKey',
      in: 'header',
      name: 'x-amz-access-token',
      description:
        'The LWA access token (Atza|…) from POST /auth/o2/token. `Authorization: Bearer <token>` is accepted too.',
    },
  },
  security: [{ amzAccessToken: [] }],
};

export const SP_API_ERRORS: ErrorDocs = {
  name: 'ErrorList',
  schema: ErrorList,
  contentType: 'application/json',
  statuses: {
    400: 'InvalidInput: a parameter is missing, unknown or invalid; `details` names it and says why.',
    403: 'Unauthorized: the x-amz-access-token is missing, malformed, expired or revoked.',
    404: 'NotFound: no such resource for this seller (`details` says which).',
    409: 'Conflict: the request conflicts with the current state of the resource.',
    408: 'RequestTimeout: the request body stalled or arrived too slowly (BODY_TIMEOUT_SECONDS); the connection is closed.',
    413: 'RequestEntityTooLarge: the request body exceeds the accepted size.',
    429: "QuotaExceeded: the operation's rate plan is exhausted for this seller; retry after `Retry-After` seconds.",
    500: 'InternalFailure: an unexpected error (logged with the request id).',
    503: 'ServiceUnavailable: the store is in maintenance or a backing service is unavailable; retry later.',
  },
};

const OAuthErrorBody = Type.Object({
  error: Type.Unsafe<string>({
    type: 'string',
    enum: [
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unsupported_grant_type',
      'invalid_scope',
      'temporarily_unavailable',
      'server_error',
    ],
    description: 'The OAuth 2.0 error code (RFC 6749, section 5.2).',
  }),
  error_description: Type.String({ description: 'What was wrong, in words.' }),
});

/** Login with Amazon's errors, `{error, error_description}`: the token endpoint's own shape. */
export const LWA_ERRORS: ErrorDocs = {
  name: 'LwaError',
  schema: OAuthErrorBody,
  contentType: 'application/json',
  statuses: {
    400:
      'invalid_request (a field is missing or not a string), unsupported_grant_type (not refresh_token or ' +
      'client_credentials) or invalid_grant (the refresh_token does not belong to the client).',
    401: 'invalid_client: no such client_id, a wrong client_secret or revoked credentials.',
    408: 'invalid_request: the request body stalled or arrived too slowly; the connection is closed.',
    500: 'server_error: an unexpected error (logged with the request id).',
    503: 'temporarily_unavailable: the store is in maintenance; retry later.',
  },
};
