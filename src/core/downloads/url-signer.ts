import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors.js';
import { assertValidKey } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';

/**
 * Server-signed download tokens, the same for every blob backend (S3 presigned URLs are not used, so
 * links look and expire alike everywhere and the bucket never needs to be reachable by clients).
 *
 * Token = base64url(JSON payload) "." base64url(HMAC-SHA256(subkey, payload segment)), URL-safe.
 * The MAC covers the payload segment exactly as sent, so no canonical re-serialization is needed and
 * any altered character changes it. The subkey is HMAC(secret, purpose), so a token signed for
 * another use of the same SIGNING_SECRET (page tokens, ...) never verifies here.
 */
export interface SignedObject {
  key: string;
  action: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
  filename?: string;
  contentType?: string;
}

export interface SignRequest {
  key: string;
  action: string;
  ttlSeconds: number;
  /** Download name for Content-Disposition (any Unicode; the route adds an ASCII fallback). */
  filename?: string;
  /** Overrides the stored content type in the response. */
  contentType?: string;
}

export const DOWNLOAD_ACTION = 'download';

/** A token that is expired, or altered, forged, garbled or for another action. */
export class InvalidSignedUrlError extends UnauthorizedError {
  constructor(reason: 'invalid' | 'expired') {
    super(reason === 'expired' ? 'the signed URL has expired' : 'the signed URL is invalid', reason);
    this.name = 'InvalidSignedUrlError';
  }
}

const PURPOSE = 'invoicehub/signed-url/v1';
const MAX_TOKEN_LENGTH = 4096;
const TOKEN = /^([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{43})$/;
const ACTION = /^[a-z][a-z0-9_-]{0,31}$/;

interface WirePayload {
  v: 1;
  k: string;
  a: string;
  e: number;
  f?: string;
  t?: string;
}

export class UrlSigner {
  private readonly key: Buffer;

  constructor(
    secret: Uint8Array | string,
    private readonly clock: Clock,
  ) {
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (bytes.length < 32) throw new Error('the URL signing secret must be at least 32 bytes');
    this.key = createHmac('sha256', bytes).update(PURPOSE).digest();
  }

  sign(req: SignRequest): string {
    assertValidKey(req.key);
    if (!ACTION.test(req.action)) throw new TypeError(`invalid action ${JSON.stringify(req.action)}`);
    if (!Number.isInteger(req.ttlSeconds) || req.ttlSeconds < 1) {
      throw new TypeError('ttlSeconds must be a positive integer');
    }
    if (req.filename !== undefined && !isPrintable(req.filename, 255)) {
      throw new TypeError('filename must be 1-255 characters without control characters');
    }
    if (req.contentType !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,254}$/.test(req.contentType)) {
      throw new TypeError('invalid content type');
    }
    const payload: WirePayload = {
      v: 1,
      k: req.key,
      a: req.action,
      e: Math.floor(this.clock.now().getTime() / 1000) + req.ttlSeconds,
      ...(req.filename !== undefined ? { f: req.filename } : {}),
      ...(req.contentType !== undefined ? { t: req.contentType } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /**
   * The one check of a signed URL: signature first (so nothing about a forged token is trusted),
   * then shape, action and expiry. Throws `InvalidSignedUrlError` with reason `expired` or `invalid`.
   */
  verify(token: string, expectedAction: string): SignedObject {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
      throw new InvalidSignedUrlError('invalid');
    const match = TOKEN.exec(token);
    if (!match) throw new InvalidSignedUrlError('invalid');
    const [, body = '', mac = ''] = match;
    // Compare the encoded strings: a different base64url spelling of the same bytes is rejected too.
    if (!timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(body)))) {
      throw new InvalidSignedUrlError('invalid');
    }
    const payload = parsePayload(body);
    if (!payload || payload.a !== expectedAction) throw new InvalidSignedUrlError('invalid');
    if (this.clock.now().getTime() >= payload.e * 1000) throw new InvalidSignedUrlError('expired');
    return {
      key: payload.k,
      action: payload.a,
      expiresAt: payload.e,
      ...(payload.f !== undefined ? { filename: payload.f } : {}),
      ...(payload.t !== undefined ? { contentType: payload.t } : {}),
    };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function parsePayload(body: string): WirePayload | undefined {
  let p: Partial<WirePayload>;
  try {
    p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<WirePayload>;
  } catch {
    return undefined;
  }
  const ok =
    typeof p === 'object' &&
    p !== null &&
    p.v === 1 &&
    typeof p.k === 'string' &&
    typeof p.a === 'string' &&
    Number.isSafeInteger(p.e) &&
    (p.f === undefined || typeof p.f === 'string') &&
    (p.t === undefined || typeof p.t === 'string');
  return ok ? (p as WirePayload) : undefined;
}

function isPrintable(s: string, max: number): boolean {
  // \p{Cs} in a /u regex matches only lone surrogates, which can't be encoded into a header.
  return s.length >= 1 && s.length <= max && !/[\u0000-\u001f\u007f]|\p{Cs}/u.test(s);
}
