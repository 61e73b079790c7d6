import type { FastifyReply } from 'fastify';
import { type DomainError, type FieldProblem, QuotaExceededError } from '../../core/errors.js';
import type { ErrorSummary } from '../shared/failure-log.js';
import { toDomainError } from '../shared/fastify-errors.js';
import { AuthHeaderError, SignatureMismatchError } from './auth-errors.js';

/**
 * The problem types we send: all members of the ProblemType enum of Kaufland's published document,
 * which clients generated from it may decode into a closed enum. Statuses the enum has no member
 * for (409, 413, 429) get `about:blank`, RFC 9457's "nothing beyond the status code".
 */
export type KauflandProblemType =
  | 'about:blank'
  | '/problems/validation-error'
  | '/problems/not-found'
  | '/problems/unauthorized'
  | '/problems/corrupted-signature'
  | '/problems/missing-or-invalid-request-header'
  | '/problems/forbidden'
  | '/problems/service-unavailable'
  | '/problems/server-error';

export interface KauflandErrorBody {
  type: KauflandProblemType;
  message: string;
  errors: FieldProblem[];
}

const KINDS: Record<DomainError['kind'], { status: number; type: KauflandProblemType; message: string }> = {
  invalid: {
    status: 400,
    type: '/problems/validation-error',
    message: 'Request parameters have invalid values',
  },
  not_found: { status: 404, type: '/problems/not-found', message: 'Resource not found' },
  conflict: { status: 409, type: 'about:blank', message: 'Conflict with the current state of the resource' },
  unauthorized: { status: 401, type: '/problems/unauthorized', message: 'Unauthorized' },
  forbidden: { status: 403, type: '/problems/forbidden', message: 'Forbidden' },
  quota: { status: 429, type: 'about:blank', message: 'Too many requests' },
  maintenance: { status: 503, type: '/problems/service-unavailable', message: 'Service unavailable' },
  too_large: { status: 413, type: 'about:blank', message: 'Payload too large' },
  timeout: { status: 408, type: 'about:blank', message: 'Request timeout' },
  unavailable: { status: 503, type: '/problems/service-unavailable', message: 'Service unavailable' },
};

function problemType(err: DomainError): KauflandProblemType {
  if (err instanceof SignatureMismatchError) return '/problems/corrupted-signature';
  if (err instanceof AuthHeaderError) return '/problems/missing-or-invalid-request-header';
  return KINDS[err.kind].type;
}

/**
 * Kaufland names the request value itself (`original_name`, `limit`, `Shop-Timestamp`): the
 * location prefixes of our field paths (`body.`, `querystring.`…) are dropped.
 */
function kauflandField(field: string): string {
  return field.replace(/^(?:body|querystring|query|params|path|headers?)\./, '');
}

/**
 * Kaufland's error shape `{type, message, errors: [{field, message}]}` for any core error; null (a
 * bug) is a 500 that says nothing about its cause. Retry-After for `quota` is the caller's to set.
 */
export function renderKauflandError(err: DomainError | null): { status: number; body: KauflandErrorBody } {
  if (!err) {
    return {
      status: 500,
      body: { type: '/problems/server-error', message: 'Internal Server Error', errors: [] },
    };
  }
  const { status, message } = KINDS[err.kind];
  return {
    status,
    body: {
      type: problemType(err),
      message: err.message || message,
      errors: err.problems.map((p) => ({ field: kauflandField(p.field), message: p.message })),
    },
  };
}

/** Sends any error in Kaufland's shape (the dialect's one error path); unexpected ones are logged as bugs. */
export function sendKauflandError(reply: FastifyReply, err: unknown): FastifyReply {
  const domain = toDomainError(err);
  const { status, body } = renderKauflandError(domain);
  if (!domain) reply.request.log.error({ err }, 'unhandled error');
  if (domain instanceof QuotaExceededError) reply.header('retry-after', Math.ceil(domain.retryAfterSeconds));
  return reply.code(status).header('cache-control', 'no-store').type('application/json').send(body);
}

/** The failure log's view of a Kaufland error body: its type, message and the fields at fault. */
export const kauflandErrorSummary: ErrorSummary = (body) => {
  const fields = Array.isArray(body.errors)
    ? (body.errors as { field?: string }[]).map((e) => e.field).filter(Boolean)
    : [];
  return {
    code: String(body.type ?? ''),
    message: `${String(body.message ?? '')}${fields.length ? ` [${fields.join(', ')}]` : ''}`,
  };
};
