import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { dialectFor } from '../dialects.js';

/**
 * For Fastify's `frameworkErrors` server option: errors the router raises before any route or
 * plugin runs (a path that does not percent-decode, a path parameter over maxParamLength). Without
 * it Fastify answers its own `{error, code, message, statusCode}` JSON; with it each surface keeps
 * its error shape, chosen by the URL as for unknown paths.
 */
export function frameworkErrors(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const domain =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new NotFoundError('a path parameter is longer than any id this service issues')
      : InvalidInputError.field('path', 'is not a valid URL (malformed percent-encoding)');
  return dialectFor(request.raw.url ?? '').sendError(reply, domain);
}
