/**
 * Typed errors raised by the core. Each dialect renders them in its own error shape in one place;
 * nothing here knows about HTTP.
 */
export interface FieldProblem {
  /** Dotted path of the input at fault (`query.pageSize`, `body.items[2].orderItemId`, `xml.infNFe/@Id`). */
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  /** The inputs at fault, when the error is about particular fields (empty otherwise). */
  readonly problems: FieldProblem[] = [];
  abstract readonly kind:
    | 'invalid'
    | 'not_found'
    | 'conflict'
    | 'unauthorized'
    | 'forbidden'
    | 'quota'
    | 'maintenance'
    | 'too_large'
    | 'timeout'
    | 'unavailable';
}

export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';
  constructor(message: string, problems: FieldProblem[] = []) {
    super(message);
    this.problems.push(...problems);
  }
  static field(field: string, message: string): InvalidInputError {
    return new InvalidInputError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(message: string, problems: FieldProblem[] = []) {
    super(message);
    this.problems.push(...problems);
  }
}

/** A unique key refused a write: a concurrent writer stored the same thing first. */
export class UniqueViolationError extends ConflictError {}

/** Missing, malformed, revoked or expired credentials. */
export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
  constructor(
    message: string,
    readonly reason: 'missing' | 'invalid' | 'expired' = 'invalid',
  ) {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class QuotaExceededError extends DomainError {
  readonly kind = 'quota';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class MaintenanceError extends DomainError {
  readonly kind = 'maintenance';
}

export class TooLargeError extends DomainError {
  readonly kind = 'too_large';
  constructor(
    message: string,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** The client stopped sending its request (a stalled or too slow body); the connection is closed. */
export class RequestTimeoutError extends DomainError {
  readonly kind = 'timeout';
}

/** A dependency (database, storage) is down; the request can be retried. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}
