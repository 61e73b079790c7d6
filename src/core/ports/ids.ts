/** Injected id and secret generation. */
export interface Ids {
  /** Time-ordered (UUIDv7), so new rows land at the right edge of their indexes. */
  uuid(): string;
  /** `bytes` random bytes as base64url (no padding). */
  randomToken(bytes: number): string;
  /** `length` characters from [0-9a-z]. */
  randomAlnum(length: number): string;
}
