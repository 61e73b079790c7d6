import { describe, expect, it } from 'vitest';
import { LwaService } from '../../../src/core/credentials/lwa-service.js';
import { OAuthError } from '../../../src/core/credentials/oauth-error.js';
import { hashSecret } from '../../../src/core/credentials/secrets.js';
import { UnauthorizedError } from '../../../src/core/errors.js';
import { ManualClock } from '../../../src/infra/clock.js';
import { MemorySellers } from '../../support/fakes.js';

const SELLER = '01a22144-1284-723e-9d02-f0203dfe3088';

function setup(ttlSeconds = 3600) {
  const clock = new ManualClock(new Date('2026-11-20T12:00:00.000Z'));
  const sellers = new MemorySellers();
  sellers.sellers.push({
    seller_id: SELLER,
    name: 'Fornos',
    cnpj: '75277525000178',
    marketplace_ids: ['A2Q3Y263D00KWC'],
    storefronts: [],
    created_at: clock.now(),
  });
  sellers.credentials.push({
    seller_id: SELLER,
    client_id: 'client-1',
    secret_hash: hashSecret('secret-1'),
    secret_sealed: null,
    refresh_token_hash: hashSecret('Atzr|refresh'),
    created_at: clock.now(),
    revoked_at: null,
  });
  const lwa = new LwaService(sellers, clock, ttlSeconds);
  const grant = (over: Partial<Parameters<LwaService['grant']>[0]> = {}) =>
    lwa.grant({
      grantType: 'refresh_token',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      refreshToken: 'Atzr|refresh',
      scope: undefined,
      ...over,
    });
  return { clock, sellers, lwa, grant };
}

async function oauthCode(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OAuthError);
  return (err as OAuthError).code;
}

describe('LWA service (in-memory sellers)', () => {
  it('issues an access token that authenticates as the seller and stores only its hash', async () => {
    const { lwa, sellers, grant } = setup();
    const issued = await grant();
    expect(issued).toMatchObject({ expiresIn: 3600, refreshToken: 'Atzr|refresh' });
    expect(sellers.tokens.map((t) => t.token_hash)).toEqual([hashSecret(issued.accessToken)]);
    expect(await lwa.authenticate(issued.accessToken)).toEqual({
      sellerId: SELLER,
      clientId: 'client-1',
      marketplaceIds: ['A2Q3Y263D00KWC'],
      storefronts: [],
    });
  });

  it('answers the OAuth error each wrong request deserves', async () => {
    const { sellers, grant } = setup();
    expect(await oauthCode(grant({ grantType: undefined }))).toBe('invalid_request');
    expect(await oauthCode(grant({ grantType: 'password' }))).toBe('unsupported_grant_type');
    expect(await oauthCode(grant({ clientSecret: 'wrong' }))).toBe('invalid_client');
    expect(await oauthCode(grant({ refreshToken: 'Atzr|other' }))).toBe('invalid_grant');
    expect(await oauthCode(grant({ refreshToken: undefined }))).toBe('invalid_request');
    sellers.credentials[0]!.revoked_at = new Date();
    expect(await oauthCode(grant())).toBe('invalid_client');
  });

  it('says "expired" once the lifetime has passed, and "invalid" for tokens it never issued', async () => {
    const { lwa, clock, grant } = setup(60);
    const { accessToken } = await grant();
    clock.advance(59_000);
    await expect(lwa.authenticate(accessToken)).resolves.toMatchObject({ sellerId: SELLER });
    clock.advance(1_000);
    await expect(lwa.authenticate(accessToken)).rejects.toMatchObject({ reason: 'expired' });
    await expect(lwa.authenticate(`${accessToken}x`)).rejects.toMatchObject({ reason: 'invalid' });
    await expect(lwa.authenticate(undefined)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('reuses a lookup for 10 s, and forgets it at once when the client is revoked here', async () => {
    const { lwa, sellers, clock, grant } = setup();
    const { accessToken } = await grant();
    await lwa.authenticate(accessToken);
    await lwa.authenticate(accessToken);
    expect(sellers.tokenLookups).toBe(1);
    clock.advance(10_001);
    await lwa.authenticate(accessToken);
    expect(sellers.tokenLookups).toBe(2);
    await sellers.revokeCredential(SELLER, 'client-1', clock.now());
    lwa.forgetClient('client-1');
    await expect(lwa.authenticate(accessToken)).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('purges tokens expired for more than a day, keeping recent ones to say "expired"', async () => {
    const { lwa, sellers, clock, grant } = setup(60);
    await grant();
    clock.advance(86_400_000);
    await grant();
    clock.advance(61_000);
    await lwa.purgeExpired();
    expect(sellers.tokens).toHaveLength(1);
  });
});
