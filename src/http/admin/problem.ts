import type { FastifyReply } from 'fastify';
import { type DomainError, type FieldProblem, TooLargeError } from '../../core/errors.js';
import type { ErrorSummary } from '../shared/failure-log.js';
import { toDomainError } from '../shared/fastify-errors.js';

/** RFC 9457 problem details, the operator API's one error shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
}

const KINDS: Record<DomainError['kind'], { status: number; slug: string; title: string }> = {
  invalid: { status: 400, slug: 'invalid-input', title: 'Invalid input' },
  not_found: { status: 404, slug: 'not-found', title: 'Not found' },
  conflict: { status: 409, slug: 'conflict', title: 'Conflict' },
  unauthorized: { status: 401, slug: 'unauthorized', title: 'Unauthorized' },
  forbidden: { status: 403, slug: 'forbidden', title: 'Forbidden' },
  quota: { status: 429, slug: 'too-many-requests', title: 'Too many requests' },
  maintenance: { status: 503, slug: 'maintenance', title: 'Service unavailable' },
  too_large: { status: 413, slug: 'payload-too-large', title: 'Payload too large' },
  timeout: { status: 408, slug: 'request-timeout', title: 'Request timeout' },
  unavailable: { status: 503, slug: 'unavailable', title: 'Service unavailable' },
};

export function renderProblem(err: DomainError | null): Problem {
  if (!err) {
    return {
      type: '/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred.',
    };
  }
  const k = KINDS[err.kind];
  const { problems } = err;
  return {
    type: `/problems/${k.slug}`,
    title: k.title,
    status: k.status,
    detail: err.message,
    ...(problems.length ? { errors: problems } : {}),
  };
}

/** Sends any error as problem details (the operator API's one error path); unexpected ones are logged. */
export function sendProblem(reply: FastifyReply, err: unknown): FastifyReply {
  let domain = toDomainError(err);
  if (domain instanceof TooLargeError && domain.limitBytes === 0) {
    const limit = reply.request.routeOptions.bodyLimit;
    domain = new TooLargeError(`request body is larger than ${limit ?? 'the limit'} bytes`, 0);
  }
  if (!domain) reply.request.log.error({ err }, 'unhandled error');
  const problem = renderProblem(domain);
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** The failure log's view of a problem-details body. */
export const problemSummary: ErrorSummary = (body) => ({
  code: String(body.type ?? ''),
  message: String(body.detail ?? body.title ?? ''),
});
