import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'invoicehub/order-invoice-download/v1';

/**
 * The `access_token` of an order invoice's download link: HMAC-SHA256 of its file id under a subkey
 * of the signing secret, 256 bits in base64url. Nothing is stored: the link is the same every time
 * the invoice is shown, and it stops working when the row (and so its file id) is gone.
 */
export class DownloadTokens {
  private readonly key: Buffer;

  constructor(signingKey: Uint8Array) {
    this.key = createHmac('sha256', signingKey).update(PURPOSE).digest();
  }

  tokenFor(fileId: string): string {
    return createHmac('sha256', this.key).update(fileId).digest('base64url');
  }

  matches(fileId: string, token: string): boolean {
    const expected = Buffer.from(this.tokenFor(fileId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
