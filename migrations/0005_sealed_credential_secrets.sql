-- Kaufland signs every request with HMAC-SHA256 keyed by the client secret itself, so the server
-- needs the secret, not only its hash. It is kept sealed (AES-256-GCM, key derived from the signing
-- secret, the client id as associated data). Credentials issued before this migration have none:
-- they keep working for LWA and SellerCenter; Kaufland asks for a new pair.
ALTER TABLE credentials ADD COLUMN secret_sealed bytea;
