/**
 * Kaufland's request signature: `Shop-Signature` is the lowercase hex HMAC-SHA256, keyed with the
 * secret key's text, of `METHOD\nFULL_URL\nBODY\nTIMESTAMP`. FULL_URL is the URL as the client wrote
 * it and BODY the raw bytes it sent, so the check works on both exactly as received: no decoding, no
 * normalisation, no re-serialisation of the JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FieldProblem } from '../../core/errors.js';
import { AuthHeaderError, SignatureMismatchError, unauthorizedHeader } from './auth-errors.js';

export const DEFAULT_MAX_SKEW_SECONDS = 300;

function hmac(
  secret: string,
  method: string,
  fullUrl: string,
  body: Uint8Array | string,
  timestamp: string,
): Buffer {
  return createHmac('sha256', secret)
    .update(`${method}\n${fullUrl}\n`)
    .update(body)
    .update(`\n${timestamp}`)
    .digest();
}

/** The signature a client sends for this request (lowercase hex). A string body is signed as UTF-8. */
export function kauflandSignature(
  secret: string,
  method: string,
  fullUrl: string,
  body: Uint8Array | string,
  timestamp: string | number,
): string {
  return hmac(secret, method, fullUrl, body, String(timestamp)).toString('hex');
}

/**
 * The URL the client signed: the public base URL (origin, with the path prefix a proxy strips, if
 * any) followed by the request target exactly as received. A target in absolute form
 * (`GET http://host/path`) contributes its path and query only: the origin is always ours.
 */
export function kauflandFullUrl(publicBaseUrl: string, rawUrl: string): string {
  const target = rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const base = publicBaseUrl.replace(/\/+$/, '');
  return `${base}${target.startsWith('/') ? '' : '/'}${target}`;
}

export interface KauflandSignedRequest {
  method: string;
  /** PUBLIC_BASE_URL, or the listening address without one. */
  publicBaseUrl: string;
  /** The request target as received (node's `request.raw.url`): path and query, undecoded. */
  rawUrl: string;
  /** The body's bytes as received; undefined or empty when there is none. */
  body: Uint8Array | undefined;
  /** Node's header object (lowercase names); other spellings of the names are found too. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  now: Date;
}

export interface KauflandVerifyOptions {
  /** How far `Shop-Timestamp` may be from `now`, either way (default 300). */
  maxSkewSeconds?: number;
  /**
   * Check the headers, the timestamp and the key only, not the signature: run before the body is
   * read, so a caller who cannot sign never gets a large body buffered.
   */
  headersOnly?: boolean;
}

const CLIENT_KEY = /^[\x21-\x7e]{1,128}$/;
const TIMESTAMP = /^[0-9]{1,15}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

function header(headers: KauflandSignedRequest['headers'], name: string): string | string[] | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Checks a request's Kaufland signature and returns the credential of its `Shop-Client-Key`.
 * Throws, all 401: AuthHeaderError (a header absent or malformed), UnauthorizedError with reason
 * `expired` (timestamp outside the window) or `invalid` (unknown key), SignatureMismatchError.
 * Hex digits of the signature are accepted in either case: they denote the same digest.
 */
export async function verifyKauflandRequest<C extends { secret: string }>(
  request: KauflandSignedRequest,
  lookup: (clientKey: string) => Promise<C | undefined> | C | undefined,
  options: KauflandVerifyOptions = {},
): Promise<C> {
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const fields = [
    { name: 'Shop-Client-Key', format: CLIENT_KEY, expected: 'must be the client key (printable ASCII)' },
    {
      name: 'Shop-Timestamp',
      format: TIMESTAMP,
      expected: 'must be Unix time in whole seconds (digits only)',
    },
    { name: 'Shop-Signature', format: SIGNATURE, expected: 'must be 64 hexadecimal digits (HMAC-SHA256)' },
  ];
  const missing: FieldProblem[] = [];
  const malformed: FieldProblem[] = [];
  const values: string[] = [];
  for (const { name, format, expected } of fields) {
    const value = header(request.headers, name.toLowerCase());
    if (value === undefined || value === '') missing.push({ field: name, message: 'is required' });
    else if (typeof value !== 'string') malformed.push({ field: name, message: 'must be sent once' });
    else if (!format.test(value)) malformed.push({ field: name, message: expected });
    values.push(typeof value === 'string' ? value : '');
  }
  if (missing.length > 0) throw new AuthHeaderError([...missing, ...malformed], 'missing');
  if (malformed.length > 0) throw new AuthHeaderError(malformed, 'invalid');
  const [clientKey = '', timestamp = '', signature = ''] = values;

  const skewSeconds = Math.abs(request.now.getTime() - Number(timestamp) * 1000) / 1000;
  if (!(skewSeconds <= maxSkew)) {
    throw unauthorizedHeader(
      'Shop-Timestamp',
      `is ${Math.round(skewSeconds)} s away from the server clock; at most ${maxSkew} s are allowed`,
      'expired',
    );
  }

  const credential = await lookup(clientKey);
  if (!credential) throw unauthorizedHeader('Shop-Client-Key', 'is not a known client key', 'invalid');
  if (options.headersOnly) return credential;

  const fullUrl = kauflandFullUrl(request.publicBaseUrl, request.rawUrl);
  const body = request.body ?? new Uint8Array(0);
  const expected = hmac(credential.secret, request.method, fullUrl, body, timestamp);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    // Nothing here is secret (the client sent all of it); the URL is what clients most often get wrong.
    throw new SignatureMismatchError(
      `Shop-Signature does not match ${request.method} ${fullUrl} with a body of ${body.length} bytes and timestamp ${timestamp}`,
    );
  }
  return credential;
}
