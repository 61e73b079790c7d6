import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type DomainError, InvalidInputError, NotFoundError } from '../../core/errors.js';
import { renderProblem } from '../admin/problem.js';
import { renderSpApiError } from '../sp-api/errors.js';

/**
 * For Fastify's `frameworkErrors` server option: errors the router raises before any route or
 * plugin runs (a path that does not percent-decode, a path parameter over maxParamLength). Without
 * it Fastify answers its own `{error, code, message, statusCode}` JSON; with it each surface keeps
 * its error shape, chosen by the URL prefix as the app's not-found handler does.
 */
export function frameworkErrors(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const url = request.raw.url ?? '';
  const domain: DomainError =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new NotFoundError('a path parameter is longer than any id this service issues')
      : InvalidInputError.field('path', 'is not a valid URL (malformed percent-encoding)');
  if (url.startsWith('/admin/')) {
    const problem = renderProblem(domain);
    return reply.code(problem.status).type('application/problem+json').send(problem);
  }
  if (url.startsWith('/auth/')) {
    return reply
      .code(domain.kind === 'not_found' ? 404 : 400)
      .type('application/json')
      .send({ error: 'invalid_request', error_description: domain.message });
  }
  const { status, body } = renderSpApiError(domain);
  return reply.code(status).header('x-amzn-RequestId', request.id).type('application/json').send(body);
}
