/** Kaufland's published example (Seller API documentation, "Signing requests"). */
export const PUBLISHED_VECTOR = {
  secret: 'a7d0cb1da1ddbc86c96ee5fedd341b7d8ebfbb2f5c83cfe0909f4e57f05dd403',
  method: 'POST',
  url: 'https://sellerapi.kaufland.com/v2/units/',
  body: '',
  timestamp: 1411055926,
  signature: 'da0b65f51c0716c1d3fa658b7eaf710583630a762a98c9af8e9b392bd9df2e2a',
} as const;

/** A credential as a lookup would return it: the secret plus whatever identifies the seller. */
export const CLIENT_KEY = '7bffc16ba2cc5ac1cbf527d6fa39263a';
export const CREDENTIAL = {
  clientKey: CLIENT_KEY,
  secret: PUBLISHED_VECTOR.secret,
  sellerId: '0190b7a0-0000-7000-8000-000000000001',
};
