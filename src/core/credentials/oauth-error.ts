import { DomainError } from '../errors.js';

/**
 * OAuth 2.0 token-endpoint errors (RFC 6749 section 5.2: `invalid_client`, `invalid_grant`, …): the
 * vocabulary of every dialect's token endpoint (LWA's, SellerCenter's client credentials).
 */
export class OAuthError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly code:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    message: string,
  ) {
    super(message);
  }
}
