import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Secrets are random (≥ 256 bits), so a fast hash is enough at rest: nothing to brute-force.
 * Comparisons are constant-time.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * LWA-style tokens that carry their seller id so lookups stay tenant-first:
 * `<prefix>` + base64url(16 bytes of the seller's UUID + 32 random bytes).
 */
export function makeSellerToken(prefix: 'Atza|' | 'Atzr|', sellerId: string, random: Buffer): string {
  const id = Buffer.from(sellerId.replace(/-/g, ''), 'hex');
  return prefix + Buffer.concat([id, random]).toString('base64url');
}

/** The seller id inside a token of ours, or null when it is not one. */
export function sellerIdOfToken(prefix: 'Atza|' | 'Atzr|', token: string): string | null {
  if (!token.startsWith(prefix)) return null;
  const body = token.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]{64}$/.test(body)) return null;
  const hex = Buffer.from(body, 'base64url').subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
