import type { AccessTokenRecord, CredentialRecord, SellerCursor, SellerRecord } from './seller-records.js';

/** Sellers, their credentials and the access tokens issued on them. */
export interface SellersRepository {
  /** Throws ConflictError when the seller's CNPJ is taken. */
  insert(seller: SellerRecord): Promise<void>;
  byId(sellerId: string): Promise<SellerRecord | undefined>;
  byCnpj(cnpj: string): Promise<SellerRecord | undefined>;
  /** Keyset page ordered by (created_at, seller_id). */
  page(limit: number, after?: SellerCursor): Promise<SellerRecord[]>;
  count(): Promise<number>;
  insertCredential(credential: CredentialRecord): Promise<void>;
  credentialByClientId(clientId: string): Promise<CredentialRecord | undefined>;
  credentialsOf(sellerId: string): Promise<CredentialRecord[]>;
  /** Revokes the pair and deletes its access tokens; false when there was nothing to revoke. */
  revokeCredential(sellerId: string, clientId: string, at: Date): Promise<boolean>;
  insertAccessToken(token: AccessTokenRecord): Promise<void>;
  /** The token with what a request needs of its seller, in one round trip. */
  accessToken(
    sellerId: string,
    tokenHash: string,
  ): Promise<
    | (Omit<AccessTokenRecord, 'token_hash'> & Pick<SellerRecord, 'marketplace_ids' | 'storefronts'>)
    | undefined
  >;
  deleteAccessTokensExpiredBefore(before: Date): Promise<void>;
}
