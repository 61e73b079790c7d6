import { DomainError, InvalidInputError, UnavailableError, UniqueViolationError } from '../../core/errors.js';

/** Errors of a database or network that is down or restarting: the request can be retried. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/**
 * `pg`'s errors for a connection lost under a query, which carry no code. Kysely's transactions
 * answer a failure with ROLLBACK, and when the server has just terminated the connection (57P01)
 * that ROLLBACK's error is the one thrown.
 */
const LOST_CONNECTION =
  /^(Connection terminated( unexpectedly)?|Client (has encountered a connection error|was closed) and is not queryable)$/;

const unavailable = () => new UnavailableError('a backing service is unavailable; retry shortly');

/**
 * The one place database errors become the core's errors: a unique violation (23505) is a conflict
 * the caller may resolve; SQLSTATE class 22 (data exception: NUL in text, a malformed uuid, a
 * timestamp out of range) is a value the request carried and the core failed to screen, a 400
 * (the transaction it ran in is rolled back); a server that is gone is 503. Anything else stays as
 * it is: a bug.
 */
export function translateDbError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  if (err instanceof Error && LOST_CONNECTION.test(err.message)) return unavailable();
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  if (code === '23505') {
    const detail = (err as { detail?: string }).detail;
    return new UniqueViolationError(`already stored${detail ? `: ${detail}` : ''}`);
  }
  if (/^22[0-9A-Z]{3}$/.test(code)) {
    return InvalidInputError.field('request', 'holds a value that cannot be stored or compared');
  }
  if (UNAVAILABLE_CODES.has(code)) return unavailable();
  return err;
}

/** `repo` with every method's failure passed through translateDbError. */
export function translatingErrors<T extends object>(repo: T): T {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(target, args);
          return result instanceof Promise
            ? result.catch((err: unknown) => {
                throw translateDbError(err);
              })
            : result;
        } catch (err) {
          throw translateDbError(err);
        }
      };
    },
  });
}
