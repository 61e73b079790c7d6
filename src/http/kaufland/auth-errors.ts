import { type FieldProblem, UnauthorizedError } from '../../core/errors.js';

/**
 * Kaufland names three auth failures apart, all 401: a missing or malformed `Shop-*` header, a
 * signature that does not match, and everything else (unknown key, stale timestamp). The first two
 * are these subclasses, so the renderer can pick the problem type; any other UnauthorizedError is
 * the generic one.
 */

function summary(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.field} ${p.message}`).join('; ');
}

/** A `Shop-Client-Key`, `Shop-Timestamp` or `Shop-Signature` header is absent or not in its format. */
export class AuthHeaderError extends UnauthorizedError {
  constructor(problems: FieldProblem[], reason: 'missing' | 'invalid') {
    super(summary(problems), reason);
    this.problems.push(...problems);
  }
}

/** The headers are well-formed and the key is known, but the signature does not match the request. */
export class SignatureMismatchError extends UnauthorizedError {
  constructor(message: string) {
    super(message, 'invalid');
    this.problems.push({ field: 'Shop-Signature', message: 'does not match the request' });
  }
}

/** A generic 401 naming the header at fault (unknown key, timestamp out of the window). */
export function unauthorizedHeader(
  field: string,
  message: string,
  reason: 'invalid' | 'expired',
): UnauthorizedError {
  const err = new UnauthorizedError(`${field} ${message}`, reason);
  err.problems.push({ field, message });
  return err;
}
