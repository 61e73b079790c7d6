import { InvalidInputError } from './errors.js';

// YYYY-MM-DD, optionally followed by THH:MM[:SS[.fraction]] and Z or ±HH[:]MM.
const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses the dates SP-API clients send (docs/sp-api.md): a bare date, a date-time without zone (read
 * as UTC), with a fraction, with `Z` or an offset. `endOfDay` makes a bare date cover its whole day,
 * which is what a caller means by dateEnd=2024-07-20.
 */
export function parseApiDate(field: string, raw: string, opts: { endOfDay?: boolean } = {}): Date {
  const m = DATE_RE.exec(raw.trim());
  if (!m) {
    throw InvalidInputError.field(
      field,
      `"${raw}" is not an ISO 8601 date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with optional fraction and zone)`,
    );
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const dateOnly = h === undefined;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const parts = [Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)] as const;
  let t = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms);
  const check = new Date(t);
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] - 1 ||
    check.getUTCDate() !== parts[2] ||
    parts[3] > 23 ||
    parts[4] > 59 ||
    parts[5] > 59
  ) {
    throw InvalidInputError.field(field, `"${raw}" is not a valid calendar date or time`);
  }
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (offsetMin > 18 * 60) throw InvalidInputError.field(field, `"${raw}" has an impossible UTC offset`);
    t -= sign * offsetMin * 60_000;
  }
  if (dateOnly && opts.endOfDay) t += 86_400_000 - 1;
  return new Date(t);
}

/** Resolves a [start, end] window with defaults and rejects an inverted one. */
export function resolveWindow(
  input: { dateStart?: string | undefined; dateEnd?: string | undefined },
  now: Date,
  defaultSpanMs: number,
): { start: Date; end: Date } {
  const end = input.dateEnd !== undefined ? parseApiDate('dateEnd', input.dateEnd, { endOfDay: true }) : now;
  const start =
    input.dateStart !== undefined
      ? parseApiDate('dateStart', input.dateStart)
      : new Date(now.getTime() - defaultSpanMs);
  if (start.getTime() > end.getTime()) {
    throw new InvalidInputError('dateStart is after dateEnd', [
      { field: 'dateStart', message: `${start.toISOString()} is after dateEnd ${end.toISOString()}` },
    ]);
  }
  return { start, end };
}

/** Timestamps out: ISO 8601 UTC with milliseconds. */
export function isoMillis(date: Date): string {
  return date.toISOString();
}
