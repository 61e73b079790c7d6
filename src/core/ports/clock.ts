/** Injected time source, so expiry, rate limits and tokens are testable without sleeping. */
export interface Clock {
  now(): Date;
}
