/** A seller (tenant) as stored. */
export interface SellerRecord {
  seller_id: string;
  name: string;
  cnpj: string;
  marketplace_ids: string[];
  storefronts: string[];
  created_at: Date;
}

/**
 * An API credential pair. The secret is kept as a hash (LWA, Basic auth) and sealed (Kaufland's
 * HMAC needs the secret itself; null for pairs issued before sealing existed).
 */
export interface CredentialRecord {
  seller_id: string;
  client_id: string;
  secret_hash: string;
  secret_sealed: Uint8Array | null;
  refresh_token_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

export interface AccessTokenRecord {
  seller_id: string;
  token_hash: string;
  client_id: string;
  expires_at: Date;
}

/** A keyset position in the (created_at, seller_id) order. */
export interface SellerCursor {
  createdAt: Date;
  sellerId: string;
}
