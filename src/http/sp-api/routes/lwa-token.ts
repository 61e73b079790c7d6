import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TokenRequest } from '../../../core/credentials/lwa-service.js';
import { OAuthError } from '../../../core/credentials/oauth-error.js';
import type { HttpDeps } from '../../http-deps.js';
import type { ErrorSummary } from '../../shared/failure-log.js';
import { toDomainError } from '../../shared/fastify-errors.js';
import type { RouteDocs } from '../../shared/openapi-docs.js';

/**
 * Form bodies decoded without turning `+` into a space: one official SDK sends values without
 * URL-encoding, and a `+` or `|` inside a token must survive. Tokens never contain spaces.
 */
export function parseLenientForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s; // a lone % is data, not an escape
      }
    };
    out[decode(rawKey)] = decode(rawValue);
  }
  return out;
}

const STATUS: Record<OAuthError['code'], number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
};

/** Sends any error in OAuth's shape `{error, error_description}` (the token endpoint's one error path). */
export function sendOAuthError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof OAuthError) {
    return reply.code(STATUS[err.code]).send({ error: err.code, error_description: err.message });
  }
  const domain = toDomainError(err);
  const send = (status: number, error: string, description: string) =>
    reply.code(status).type('application/json').send({ error, error_description: description });
  switch (domain?.kind) {
    case 'invalid':
    case 'too_large':
      return send(400, 'invalid_request', domain.message);
    case 'not_found':
      return send(404, 'invalid_request', domain.message);
    case 'timeout':
      return send(408, 'invalid_request', domain.message);
    case 'maintenance':
    case 'unavailable':
      return send(503, 'temporarily_unavailable', domain.message);
  }
  reply.request.log.error({ err }, 'token endpoint failed');
  return send(500, 'server_error', 'internal error');
}

const field = (description: string) => Type.String({ description });
const TokenForm = Type.Object({
  grant_type: Type.Unsafe<string>({
    type: 'string',
    enum: ['refresh_token', 'client_credentials'],
    description: 'refresh_token (what SP-API clients send) or client_credentials.',
  }),
  client_id: field("The seller's LWA client id (amzn1.application-oa2-client.…)."),
  client_secret: field('Its client secret.'),
  refresh_token: Type.Optional(
    field("The seller's refresh token (Atzr|…); required with grant_type=refresh_token."),
  ),
  scope: Type.Optional(field('Accepted and ignored (grantless operations are not offered).')),
});

const TOKEN_SCHEMA = {
  operationId: 'getAccessToken',
  tags: ['auth'],
  summary: 'Exchange the seller credentials for an access token (Login with Amazon)',
  description:
    'The token every SP-API operation expects in `x-amz-access-token`. A form body (as LWA takes it) or the same ' +
    'fields as a JSON object. Copy `access_token` from the answer into Authorize.',
  security: [],
};

const TOKEN_DOCS: RouteDocs = {
  body: {
    description: 'The grant, as a form (or the same fields as JSON).',
    content: {
      'application/x-www-form-urlencoded': { schema: TokenForm },
      'application/json': { schema: TokenForm },
    },
  },
  responses: {
    200: {
      description: 'The access token, valid for `expires_in` seconds.',
      content: {
        'application/json': {
          schema: Type.Object({
            access_token: field('The access token (Atza|…): send it as x-amz-access-token.'),
            refresh_token: Type.Optional(field('The refresh token sent, with grant_type=refresh_token.')),
            token_type: Type.Literal('bearer', { description: 'Always bearer.' }),
            expires_in: Type.Integer({ description: 'Seconds until the token expires.' }),
          }),
        },
      },
    },
  },
};

/** Login with Amazon's token endpoint at its real path, `/auth/o2/token`. */
export async function lwaTokenRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseLenientForm(body as string)),
  );

  app.route({
    // Every method Fastify routes but POST (HEAD comes with GET): the same 405 for each.
    method: ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'],
    url: '/auth/o2/token',
    schema: { hide: true },
    handler: async (request, reply) =>
      reply
        .code(405)
        .header('allow', 'POST')
        .send({ error: 'invalid_request', error_description: `${request.method} is not allowed; use POST` }),
  });

  app.post(
    '/auth/o2/token',
    { schema: TOKEN_SCHEMA, config: { docs: TOKEN_DOCS } },
    async (request, reply) => {
      await deps.services.maintenance.assertOpen();
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new OAuthError('invalid_request', 'the body must be a form or a JSON object');
      }
      const field = (name: string) => {
        const v = (body as Record<string, unknown>)[name];
        if (v !== undefined && typeof v !== 'string')
          throw new OAuthError('invalid_request', `${name} must be a string`);
        return v === '' ? undefined : v;
      };
      const req: TokenRequest = {
        grantType: field('grant_type'),
        clientId: field('client_id'),
        clientSecret: field('client_secret'),
        refreshToken: field('refresh_token'),
        scope: field('scope'),
      };
      const token = await deps.services.lwa.grant(req);
      reply.header('cache-control', 'no-store');
      return {
        access_token: token.accessToken,
        ...(token.refreshToken ? { refresh_token: token.refreshToken } : {}),
        token_type: 'bearer',
        expires_in: token.expiresIn,
      };
    },
  );
}

/** The failure log's view of an OAuth error body. */
export const oauthErrorSummary: ErrorSummary = (body) => ({
  code: String(body.error ?? ''),
  message: String(body.error_description ?? ''),
});
