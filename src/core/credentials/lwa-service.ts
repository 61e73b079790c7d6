import { randomBytes } from 'node:crypto';
import { UnauthorizedError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { SellersRepository } from '../sellers/sellers-repository.js';
import { OAuthError } from './oauth-error.js';
import { hashSecret, makeSellerToken, secretMatches, sellerIdOfToken } from './secrets.js';

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  refreshToken: string | undefined;
  scope: string | undefined;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface Principal {
  sellerId: string;
  clientId: string;
  marketplaceIds: string[];
  storefronts: string[];
}

/** How long a validated token's lookup is reused in this process; revocation elsewhere lags by this much. */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

/** Login with Amazon, as far as SP-API clients see it: token grants and access-token checks. */
export class LwaService {
  /** token hash → principal and expiry: saves a round trip on every SP-API call. */
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number; cachedAt: number }>();

  constructor(
    private readonly sellers: SellersRepository,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async grant(req: TokenRequest): Promise<IssuedToken> {
    if (!req.grantType) throw new OAuthError('invalid_request', 'grant_type is required');
    if (req.grantType !== 'refresh_token' && req.grantType !== 'client_credentials') {
      throw new OAuthError('unsupported_grant_type', `grant_type "${req.grantType}" is not supported`);
    }
    if (!req.clientId || !req.clientSecret) {
      throw new OAuthError('invalid_request', 'client_id and client_secret are required');
    }
    const cred = await this.sellers.credentialByClientId(req.clientId);
    if (!cred || cred.revoked_at || !secretMatches(req.clientSecret, cred.secret_hash)) {
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }
    if (req.grantType === 'refresh_token') {
      if (!req.refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required');
      if (!secretMatches(req.refreshToken, cred.refresh_token_hash)) {
        throw new OAuthError('invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      }
    }
    const accessToken = makeSellerToken('Atza|', cred.seller_id, randomBytes(32));
    const now = this.clock.now();
    await this.sellers.insertAccessToken({
      seller_id: cred.seller_id,
      token_hash: hashSecret(accessToken),
      client_id: cred.client_id,
      expires_at: new Date(now.getTime() + this.ttlSeconds * 1000),
    });
    return {
      accessToken,
      expiresIn: this.ttlSeconds,
      ...(req.grantType === 'refresh_token' && req.refreshToken ? { refreshToken: req.refreshToken } : {}),
    };
  }

  async authenticate(accessToken: string | undefined): Promise<Principal> {
    if (!accessToken)
      throw new UnauthorizedError('Access token is missing in the request header.', 'missing');
    const now = this.clock.now().getTime();
    const hash = hashSecret(accessToken);
    let entry = this.cache.get(hash);
    if (!entry || now - entry.cachedAt > CACHE_MS) {
      const sellerId = sellerIdOfToken('Atza|', accessToken);
      const row = sellerId ? await this.sellers.accessToken(sellerId, hash) : undefined;
      if (!row) {
        this.cache.delete(hash);
        throw new UnauthorizedError(
          'The access token you provided is revoked, malformed or invalid.',
          'invalid',
        );
      }
      const principal = {
        sellerId: row.seller_id,
        clientId: row.client_id,
        marketplaceIds: row.marketplace_ids,
        storefronts: row.storefronts,
      };
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      entry = { principal, expiresAt: new Date(row.expires_at).getTime(), cachedAt: now };
      this.cache.set(hash, entry);
    }
    if (entry.expiresAt <= now)
      throw new UnauthorizedError('The access token you provided has expired.', 'expired');
    return entry.principal;
  }

  /** Forgets cached lookups of a client's tokens (called when its credentials are revoked here). */
  forgetClient(clientId: string): void {
    for (const [hash, entry] of this.cache)
      if (entry.principal.clientId === clientId) this.cache.delete(hash);
  }

  /** Housekeeping: forget tokens expired for more than a day. */
  async purgeExpired(): Promise<void> {
    await this.sellers.deleteAccessTokensExpiredBefore(new Date(this.clock.now().getTime() - 86_400_000));
  }
}
