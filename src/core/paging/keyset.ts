import { InvalidInputError } from '../errors.js';
import type { PageTokens } from './page-token.js';

/** A page of a listing and, unless it is the last page, the opaque cursor of the next one. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/**
 * What a cursor carries: the listing it belongs to (its `scope`: operation, seller, resolved
 * filters; flattened into the payload), the page size of the first call and the position after the
 * last row it returned.
 */
export type Cursor<S extends object, P> = S & { size: number; after: P };

/** The one keyset-paging mechanism: signed cursors, and one row read beyond the page. */
export class Keyset {
  constructor(private readonly tokens: PageTokens) {}

  /** Reads `size + 1` rows (the extra one tells whether a next page exists) from `after` on. */
  async page<R, S extends object, P>(q: {
    size: number;
    scope: S;
    after?: P | undefined;
    read: (limit: number, after: P | undefined) => Promise<R[]>;
    position: (row: R) => P;
  }): Promise<Page<R>> {
    const rows = await q.read(q.size + 1, q.after);
    const items = rows.slice(0, q.size);
    const last = items.at(-1);
    if (rows.length <= q.size || last === undefined) return { items };
    return { items, cursor: this.cursor(q, q.position(last)) };
  }

  /** The signed cursor of the page that follows `after` (for pages read otherwise than by `page`). */
  cursor<S extends object, P>(q: { size: number; scope: S }, after: P): string {
    const cursor: Cursor<S, P> = { ...q.scope, size: q.size, after };
    return this.tokens.sign(cursor);
  }

  /**
   * The payload of a cursor handed back by a client; InvalidInput naming `field` when it was
   * altered, or when `belongs` says it was issued for another listing (operation or seller).
   */
  resume<S extends object, P>(
    cursor: string,
    field: string,
    belongs: (c: Cursor<S, P>) => boolean,
  ): Cursor<S, P> {
    const payload = this.tokens.verify<Cursor<S, P>>(cursor, field);
    if (!belongs(payload))
      throw InvalidInputError.field(field, 'was not issued for this operation and seller');
    return payload;
  }
}

/**
 * A continuation call may repeat the first call's filters but not change them: throws InvalidInput
 * naming each changed filter. (`field` is the cursor's name in the caller's input.)
 */
export function assertSameFilters(changed: string[], field: string): void {
  if (!changed.length) return;
  throw new InvalidInputError(
    `${field} continues a listing: its filters may be repeated, not changed`,
    changed.map((name) => ({ field: name, message: `differs from the call that produced ${field}` })),
  );
}
