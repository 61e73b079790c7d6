/**
 * Keeps a secret the server must be able to read back (Kaufland's HMAC key is the client secret
 * itself) sealed at rest. `context` is bound to the sealed bytes: a value copied to another row
 * does not open there.
 */
export interface SecretBox {
  seal(secret: string, context: string): Uint8Array;
  /** Throws when the bytes were altered, sealed for another context or under another key. */
  open(sealed: Uint8Array, context: string): string;
}
