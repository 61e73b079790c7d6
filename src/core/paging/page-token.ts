import { createHmac, timingSafeEqual } from 'node:crypto';
import { setBounded } from '../bounded-map.js';
import { InvalidInputError } from '../errors.js';

/** Signatures kept (a few hundred bytes each). */
const KEPT_MACS = 4096;

/**
 * Opaque, URL-safe, tamper-evident page tokens: base64url(JSON) + "." + base64url(HMAC-SHA256).
 * The payload binds the token to its seller, its operation and the filters of the first call,
 * and carries the keyset position. Nothing in it is secret; it only must not be forged.
 */
export class PageTokens {
  /**
   * Signatures of bodies signed or checked lately: a poller's tokens come back again and again,
   * and a page's request computed two HMACs (its token's and the next one's) each time. Bounded;
   * an entry is the signature of its body whoever asked, so keeping forged bodies grants nothing.
   */
  private readonly macs = new Map<string, string>();

  constructor(private readonly key: Buffer) {}

  sign<T extends object>(payload: T): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** Returns the payload, or throws InvalidInput naming `nextToken` when forged or garbled. */
  verify<T>(token: string, field = 'nextToken'): T {
    const dot = token.indexOf('.');
    const invalid = () =>
      InvalidInputError.field(field, 'is not a token issued by this service (altered or truncated)');
    if (dot <= 0 || token.length > 8192) throw invalid();
    const body = token.slice(0, dot);
    // The signature is compared as text: decoded, base64 would accept other spellings of the same
    // bytes (the unused low bits of its last character, stray characters it skips).
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      throw invalid();
    }
  }

  private mac(body: string): string {
    let mac = this.macs.get(body);
    if (mac === undefined) {
      mac = createHmac('sha256', this.key).update(body).digest('base64url');
      setBounded(this.macs, body, mac, KEPT_MACS);
    }
    return mac;
  }
}
