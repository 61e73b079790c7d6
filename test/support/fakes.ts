import type { SettingsRepository } from '../../src/core/ports/settings.js';
import type {
  AccessTokenRecord,
  CredentialRecord,
  SellerCursor,
  SellerRecord,
} from '../../src/core/sellers/seller-records.js';
import type { SellersRepository } from '../../src/core/sellers/sellers-repository.js';

/** In-memory ports for unit tests of core services: what the service asks, without a database. */

export class MemorySettings implements SettingsRepository {
  readonly values = new Map<string, unknown>();
  reads = 0;

  async get<T>(key: string): Promise<T | undefined> {
    this.reads++;
    return structuredClone(this.values.get(key)) as T | undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    this.values.set(key, structuredClone(value));
  }

  async getOrCreate<T>(key: string, make: () => T): Promise<T> {
    if (!this.values.has(key)) this.values.set(key, make());
    return this.values.get(key) as T;
  }
}

export class MemorySellers implements SellersRepository {
  readonly sellers: SellerRecord[] = [];
  readonly credentials: CredentialRecord[] = [];
  readonly tokens: AccessTokenRecord[] = [];
  tokenLookups = 0;

  async insert(seller: SellerRecord) {
    this.sellers.push(seller);
  }
  async byId(sellerId: string) {
    return this.sellers.find((s) => s.seller_id === sellerId);
  }
  async byCnpj(cnpj: string) {
    return this.sellers.find((s) => s.cnpj === cnpj);
  }
  async page(limit: number, after?: SellerCursor) {
    const key = (s: SellerRecord) => `${s.created_at.toISOString()}|${s.seller_id}`;
    const from = after ? `${after.createdAt.toISOString()}|${after.sellerId}` : '';
    return [...this.sellers]
      .sort((a, b) => key(a).localeCompare(key(b)))
      .filter((s) => key(s) > from)
      .slice(0, limit);
  }
  async count() {
    return this.sellers.length;
  }
  async insertCredential(credential: CredentialRecord) {
    this.credentials.push(credential);
  }
  async credentialByClientId(clientId: string) {
    return this.credentials.find((c) => c.client_id === clientId);
  }
  async credentialsOf(sellerId: string) {
    return this.credentials.filter((c) => c.seller_id === sellerId);
  }
  async revokeCredential(sellerId: string, clientId: string, at: Date) {
    const cred = this.credentials.find((c) => c.seller_id === sellerId && c.client_id === clientId);
    if (!cred || cred.revoked_at) return false;
    cred.revoked_at = at;
    this.tokens.splice(0, this.tokens.length, ...this.tokens.filter((t) => t.client_id !== clientId));
    return true;
  }
  async insertAccessToken(token: AccessTokenRecord) {
    this.tokens.push(token);
  }
  async accessToken(sellerId: string, tokenHash: string) {
    this.tokenLookups++;
    const token = this.tokens.find((t) => t.seller_id === sellerId && t.token_hash === tokenHash);
    const seller = await this.byId(sellerId);
    if (!token || !seller) return undefined;
    return {
      seller_id: token.seller_id,
      client_id: token.client_id,
      expires_at: token.expires_at,
      marketplace_ids: seller.marketplace_ids,
      storefronts: seller.storefronts,
    };
  }
  async deleteAccessTokensExpiredBefore(before: Date) {
    const keep = this.tokens.filter((t) => t.expires_at >= before);
    this.tokens.splice(0, this.tokens.length, ...keep);
  }
}
