import type { Clock } from '../ports/clock.js';
import type { SecretBox } from '../ports/secret-box.js';
import type { SellersRepository } from '../sellers/sellers-repository.js';

/** What a request signed with a client secret (Kaufland's HMAC) is verified with and acts as. */
export interface SigningCredential {
  sellerId: string;
  clientId: string;
  /** The client secret as text: the HMAC key. */
  secret: string;
}

/** How long a lookup is reused in this process; revocation elsewhere lags by this much. */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

/**
 * Client keys of request-signing dialects, resolved to their seller and secret. A revoked pair, an
 * unknown key and a pair without a sealed secret (issued before sealing existed) all resolve to
 * nothing; the caller answers 401.
 */
export class SigningCredentials {
  private readonly cache = new Map<string, { credential: SigningCredential | undefined; at: number }>();

  constructor(
    private readonly sellers: SellersRepository,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  async lookup(clientId: string): Promise<SigningCredential | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(clientId);
    if (cached && now - cached.at <= CACHE_MS) return cached.credential;
    const row = await this.sellers.credentialByClientId(clientId);
    let credential: SigningCredential | undefined;
    if (row && !row.revoked_at && row.secret_sealed) {
      const secret = this.open(row.secret_sealed, row.client_id);
      if (secret !== undefined) credential = { sellerId: row.seller_id, clientId: row.client_id, secret };
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(clientId, { credential, at: now });
    return credential;
  }

  /** Undefined when the signing secret changed since sealing: the pair must be issued again. */
  private open(sealed: Uint8Array, clientId: string): string | undefined {
    try {
      return this.secrets.open(sealed, clientId);
    } catch {
      return undefined;
    }
  }

  /** Called when a pair is revoked here, so this process stops accepting it at once. */
  forgetClient(clientId: string): void {
    this.cache.delete(clientId);
  }
}
