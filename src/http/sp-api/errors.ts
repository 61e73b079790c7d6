import type { FastifyReply } from 'fastify';
import { type DomainError, QuotaExceededError } from '../../core/errors.js';
import type { ErrorSummary } from '../shared/failure-log.js';
import { toDomainError } from '../shared/fastify-errors.js';

export interface SpApiError {
  code: string;
  message: string;
  details?: string;
}

/** SP-API's one error shape, `{"errors":[{code, message, details?}]}`, with its symbolic codes. */
export function renderSpApiError(err: DomainError | null): {
  status: number;
  body: { errors: SpApiError[] };
} {
  const one = (status: number, code: string, message: string, details?: string) => ({
    status,
    body: { errors: [{ code, message, ...(details ? { details } : {}) }] },
  });
  if (!err) return one(500, 'InternalFailure', 'We encountered an internal error. Please try again.');
  switch (err.kind) {
    case 'invalid': {
      const { problems } = err;
      const details = problems.length
        ? problems.map((p) => `${p.field}: ${p.message}`).join('; ')
        : err.message;
      return one(
        400,
        'InvalidInput',
        'Request has missing or invalid parameters and cannot be parsed.',
        details,
      );
    }
    case 'not_found':
      return one(404, 'NotFound', 'The resource specified does not exist.', err.message);
    case 'conflict':
      return one(
        409,
        'Conflict',
        'The request conflicts with the current state of the resource.',
        err.message,
      );
    case 'unauthorized':
      return one(403, 'Unauthorized', 'Access to requested resource is denied.', err.message);
    case 'forbidden':
      return one(403, 'Unauthorized', 'Access to requested resource is denied.', err.message);
    case 'quota':
      return one(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', err.message);
    case 'too_large':
      return one(
        413,
        'RequestEntityTooLarge',
        'The request size exceeded the maximum accepted size.',
        err.message,
      );
    case 'maintenance':
      return one(
        503,
        'ServiceUnavailable',
        'Temporary overloading or maintenance of the server.',
        err.message,
      );
    case 'timeout':
      return one(408, 'RequestTimeout', 'The request body did not arrive in time.', err.message);
    case 'unavailable':
      return one(
        503,
        'ServiceUnavailable',
        'Temporary overloading or maintenance of the server.',
        err.message,
      );
  }
}

/** Sends any error in SP-API's shape (the dialect's one error path); unexpected ones are logged as bugs. */
export function sendSpApiError(reply: FastifyReply, err: unknown): FastifyReply {
  const domain = toDomainError(err);
  const { status, body } = renderSpApiError(domain);
  if (!domain) reply.request.log.error({ err }, 'unhandled error');
  if (domain instanceof QuotaExceededError) reply.header('retry-after', Math.ceil(domain.retryAfterSeconds));
  return reply.code(status).header('x-amzn-RequestId', reply.request.id).type('application/json').send(body);
}

/** The failure log's view of an SP-API error body. */
export const spApiErrorSummary: ErrorSummary = (body) => {
  const first = (Array.isArray(body.errors) ? body.errors[0] : undefined) as Partial<SpApiError> | undefined;
  return {
    code: String(first?.code ?? ''),
    message: [first?.message, first?.details].filter(Boolean).join(' '),
  };
};
