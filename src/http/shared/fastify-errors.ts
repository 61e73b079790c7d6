import type { FastifyError } from 'fastify';
import { DomainError, InvalidInputError, TooLargeError, UnavailableError } from '../../core/errors.js';
import { problemsFromValidation } from './validation.js';

/**
 * Network errors of a backing service reached outside the store (object storage): the request can
 * be retried. Database errors arrive already translated by infra (src/infra/db/db-errors.ts).
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * Maps whatever reached an error handler onto the core's typed errors, so each dialect renders
 * one vocabulary. Returns null for a genuine bug (rendered as a 500 and logged).
 */
export function toDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  const e = err as FastifyError & { validation?: unknown; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const problems = problemsFromValidation(e.validation, e.validationContext);
    return new InvalidInputError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TooLargeError('request body is too large', 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return InvalidInputError.field(
        'content-type',
        `unsupported media type ${e.message.replace(/^.*: /, '')}`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return InvalidInputError.field('body', 'is empty but Content-Type says JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return InvalidInputError.field('content-length', 'does not match the body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return InvalidInputError.field('body', e.message);
  }
  if (e instanceof SyntaxError || e.statusCode === 400) {
    return InvalidInputError.field('body', `is not valid JSON: ${e.message}`);
  }
  if (e.statusCode === 413) return new TooLargeError('request body is too large', 0);
  if (e.statusCode === 415) return InvalidInputError.field('content-type', e.message);
  if (UNAVAILABLE_CODES.has((e as { code?: string }).code ?? '')) {
    return new UnavailableError('a backing service is unavailable; retry shortly');
  }
  return null;
}
