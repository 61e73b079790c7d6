import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../../../core/credentials/oauth-error.js';
import type { HttpDeps } from '../../http-deps.js';
import { StringEnum } from '../../shared/openapi-docs.js';
import { TokenResponse, withProblems } from '../schemas.js';
import { basicCredentials } from '../seller-auth.js';

/**
 * `POST /sellercenter/oauth/client-credentials`: the seller's client id and secret (the pair the
 * SP-API side uses too) as HTTP Basic, `grant_type=client_credentials` in a form body.
 */
export async function tokenRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  app.post(
    '/sellercenter/oauth/client-credentials',
    {
      schema: {
        operationId: 'getClientCredentialsToken',
        summary: 'Get an access token with the client credentials',
        tags: ['auth'],
        description: 'HTTP Basic `base64(clientId:clientSecret)`, form body `grant_type=client_credentials`.',
        security: [{ clientCredentials: [] }],
        response: withProblems({ 200: TokenResponse }),
      },
      config: {
        docs: {
          body: {
            description: 'The grant, as a form.',
            content: {
              'application/x-www-form-urlencoded': {
                schema: Type.Object({
                  grant_type: StringEnum(['client_credentials'], {
                    description: 'Always client_credentials.',
                  }),
                }),
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      await deps.services.maintenance.assertOpen();
      const credentials = basicCredentials(request);
      const body = request.body;
      const grantType = body instanceof URLSearchParams ? (body.get('grant_type') ?? undefined) : undefined;
      if (!(body instanceof URLSearchParams)) {
        throw new OAuthError(
          'invalid_request',
          'the body must be a form (application/x-www-form-urlencoded) with grant_type=client_credentials',
        );
      }
      if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
      if (grantType !== 'client_credentials') {
        throw new OAuthError(
          'unsupported_grant_type',
          `grant_type "${grantType}" is not supported; use client_credentials`,
        );
      }
      const token = await deps.services.lwa.grant({
        grantType,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        refreshToken: undefined,
        scope: undefined,
      });
      reply.header('cache-control', 'no-store');
      return { access_token: token.accessToken, token_type: 'Bearer' as const, expires_in: token.expiresIn };
    },
  );
}
