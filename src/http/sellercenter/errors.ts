import type { FastifyReply } from 'fastify';
import { OAuthError } from '../../core/credentials/oauth-error.js';
import { type DomainError, type FieldProblem, QuotaExceededError, TooLargeError } from '../../core/errors.js';
import type { ErrorSummary } from '../shared/failure-log.js';
import { toDomainError } from '../shared/fastify-errors.js';

/** SellerCenter's error shape: problem details `{title, status, detail}` (plus our field list). */
export interface SellerCenterProblem {
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
}

export const MAINTENANCE_TITLE = 'Service Unavailable Due to Maintenance Mode';

const TITLES: Record<DomainError['kind'], { status: number; title: string }> = {
  invalid: { status: 400, title: 'Bad Request' },
  not_found: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  quota: { status: 429, title: 'Too Many Requests' },
  maintenance: { status: 503, title: MAINTENANCE_TITLE },
  too_large: { status: 413, title: 'Payload Too Large' },
  timeout: { status: 408, title: 'Request Timeout' },
  unavailable: { status: 503, title: 'Service Unavailable' },
};

/** The token endpoint's OAuth failures in the same shape: a bad client is 401, the rest 400. */
function oauthProblem(err: OAuthError): SellerCenterProblem {
  return err.code === 'invalid_client'
    ? { title: 'Unauthorized', status: 401, detail: 'Client authentication failed.' }
    : { title: 'Bad Request', status: 400, detail: err.message };
}

export function renderSellerCenterProblem(err: DomainError | null, bodyLimit?: number): SellerCenterProblem {
  if (!err) return { title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred.' };
  const { status, title } = TITLES[err.kind];
  let detail = err.message;
  if (err instanceof TooLargeError && err.limitBytes === 0 && bodyLimit) {
    detail = `the request body is larger than ${bodyLimit} bytes`;
  }
  return { title, status, detail, ...(err.problems.length ? { errors: err.problems } : {}) };
}

/** Sends any error under /sellercenter as problem details (the dialect's one error path). */
export function sendSellerCenterError(reply: FastifyReply, err: unknown): FastifyReply {
  let problem: SellerCenterProblem;
  if (err instanceof OAuthError) {
    problem = oauthProblem(err);
  } else {
    const domain = toDomainError(err);
    if (!domain) reply.request.log.error({ err }, 'unhandled error');
    if (domain instanceof QuotaExceededError)
      reply.header('retry-after', Math.max(1, Math.ceil(domain.retryAfterSeconds)));
    problem = renderSellerCenterProblem(domain, reply.request.routeOptions?.bodyLimit);
  }
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="sellercenter"');
  return reply
    .code(problem.status)
    .header('cache-control', 'no-store')
    .type('application/problem+json')
    .send(problem);
}

/** The failure log's view of a SellerCenter problem: its title and detail, and the fields at fault. */
export const sellerCenterErrorSummary: ErrorSummary = (body) => {
  const fields = Array.isArray(body.errors)
    ? (body.errors as { field?: string }[]).map((e) => e.field).filter(Boolean)
    : [];
  return {
    code: String(body.title ?? ''),
    message: `${String(body.detail ?? '')}${fields.length ? ` [${fields.join(', ')}]` : ''}`,
  };
};
