import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/core/credentials/secrets.js';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { expectLwaError, expectSpApiError, spApi, tokenRequest } from '../../support/expect-errors.js';
import { createSeller, type Seller } from '../../support/fixtures.js';

const FORM = 'application/x-www-form-urlencoded';

interface Token {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
}

describe('LWA token endpoint /auth/o2/token', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  const refreshGrant = (s: Seller = seller) => ({
    grant_type: 'refresh_token',
    client_id: s.clientId,
    client_secret: s.clientSecret,
    refresh_token: s.refreshToken,
  });
  /** The access token works on SP-API as its seller. */
  const works = async (accessToken: string, headers?: Record<string, string>) => {
    const res = await fetch(`${t.url}/tax/invoices/2024-06-19/invoices?marketplaceId=${BRAZIL}`, {
      headers: headers ?? { 'x-amz-access-token': accessToken },
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'lwa');
    seller = await createSeller(t);
    other = await createSeller(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('grants refresh_token from a JSON body: bearer token, 3600 s, the refresh token echoed', async () => {
    const res = await tokenRequest(t, refreshGrant());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Token;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: seller.refreshToken,
    });
    expect(body.access_token.startsWith('Atza|')).toBe(true);
    await works(body.access_token);
    await works(body.access_token, { authorization: `Bearer ${body.access_token}` });
  });

  it('grants client_credentials without a refresh token', async () => {
    const res = await tokenRequest(t, {
      grant_type: 'client_credentials',
      client_id: seller.clientId,
      client_secret: seller.clientSecret,
      scope: 'sellingpartnerapi::migration',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Token;
    expect(body.refresh_token).toBeUndefined();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    await works(body.access_token);
  });

  it('accepts form bodies, URL-encoded or sent raw with | and + left as they are', async () => {
    const encoded = new URLSearchParams(refreshGrant()).toString();
    expect(encoded).toContain('%7C');
    const a = await tokenRequest(t, encoded, FORM);
    expect(a.status).toBe(200);
    await works(((await a.json()) as Token).access_token);

    // One official SDK concatenates values without encoding them.
    const raw = Object.entries(refreshGrant())
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    expect(raw).toContain('Atzr|');
    const b = await tokenRequest(t, raw, `${FORM}; charset=UTF-8`);
    expect(b.status).toBe(200);
    const token = (await b.json()) as Token;
    expect(token.refresh_token).toBe(seller.refreshToken);
    await works(token.access_token);
  });

  it('keeps a raw + in form values (credentials issued elsewhere may hold one)', async () => {
    // Our own secrets are hex and base64url; plant a pair with `+` and `/` the way an import would.
    const clientId = 'plus0000000000000000000000000000';
    const clientSecret = `${'a'.repeat(31)}+${'b'.repeat(31)}/`;
    const refreshToken = 'Atzr|IwEB+abc/def==';
    await t.deps.db.db
      .insertInto('credentials')
      .values({
        seller_id: seller.sellerId,
        client_id: clientId,
        secret_hash: hashSecret(clientSecret),
        refresh_token_hash: hashSecret(refreshToken),
        created_at: t.clock.now(),
        revoked_at: null,
      })
      .execute();
    const raw = `grant_type=refresh_token&refresh_token=${refreshToken}&client_id=${clientId}&client_secret=${clientSecret}`;
    const res = await tokenRequest(t, raw, FORM);
    expect(res.status, await res.clone().text()).toBe(200);
    const token = (await res.json()) as Token;
    expect(token.refresh_token).toBe(refreshToken);
    await works(token.access_token);
    // Properly encoded, the same values work too.
    const encoded = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect((await tokenRequest(t, encoded.toString(), FORM)).status).toBe(200);
  });

  it('refuses bad clients with 401 invalid_client', async () => {
    for (const body of [
      { ...refreshGrant(), client_secret: other.clientSecret },
      { ...refreshGrant(), client_id: 'f'.repeat(32) },
      { ...refreshGrant(), client_secret: seller.clientSecret.toUpperCase() },
      {
        grant_type: 'client_credentials',
        client_id: seller.clientId,
        client_secret: `${seller.clientSecret} `,
      },
    ]) {
      await expectLwaError(await tokenRequest(t, body), 401, 'invalid_client');
    }
  });

  it("refuses another seller's refresh token and malformed grants with 400", async () => {
    await expectLwaError(
      await tokenRequest(t, { ...refreshGrant(), refresh_token: other.refreshToken }),
      400,
      'invalid_grant',
    );
    await expectLwaError(
      await tokenRequest(t, { ...refreshGrant(), refresh_token: 'Atzr|nonsense' }),
      400,
      'invalid_grant',
    );
    const cases: [unknown, string, string?][] = [
      [{ ...refreshGrant(), grant_type: undefined }, 'invalid_request'],
      [{ ...refreshGrant(), grant_type: 'password' }, 'unsupported_grant_type'],
      [{ ...refreshGrant(), refresh_token: undefined }, 'invalid_request'],
      [{ ...refreshGrant(), client_secret: undefined }, 'invalid_request'],
      [{ ...refreshGrant(), client_id: 12345 }, 'invalid_request'],
      [{ ...refreshGrant(), refresh_token: ['a', 'b'] }, 'invalid_request'],
      [[refreshGrant()], 'invalid_request'],
      ['"refresh_token"', 'invalid_request'],
      ['{"grant_type":"refresh_token",', 'invalid_request'],
      ['', 'invalid_request'],
      ['grant_type=refresh_token', 'invalid_request', 'text/plain'],
      ['<token/>', 'invalid_request', 'application/xml'],
      ['grant_type=refresh_token&client_id=%', 'invalid_request', FORM],
    ];
    for (const [body, error, type] of cases) {
      await expectLwaError(await tokenRequest(t, body, type), 400, error);
    }
  });

  it('answers 400 to a huge body and GET with 404 or 405, never 5xx', async () => {
    const huge = JSON.stringify({ ...refreshGrant(), scope: 'x'.repeat(2 * 1024 * 1024) });
    const res = await tokenRequest(t, huge);
    expect(res.status).toBeLessThan(500);
    await expectLwaError(res, 400, 'invalid_request');
    const get = await fetch(`${t.url}/auth/o2/token`);
    expect([404, 405]).toContain(get.status);
  });

  it('tokens expire after expires_in seconds; a refresh gives a working one', async () => {
    const first = (await (await tokenRequest(t, refreshGrant())).json()) as Token;
    t.clock.advance(3599 * 1000);
    await works(first.access_token);
    t.clock.advance(2000);
    const expired = await expectSpApiError(
      await spApi(t, first.access_token, `/invoices?marketplaceId=${BRAZIL}`),
      403,
      'Unauthorized',
    );
    expect(expired.errors[0]?.details).toMatch(/access token/);
    expect(expired.errors[0]?.details).toMatch(/expired/);
    const second = (await (await tokenRequest(t, refreshGrant())).json()) as Token;
    expect(second.access_token).not.toBe(first.access_token);
    await works(second.access_token);
  });

  it('an access token is not a refresh token and vice versa', async () => {
    const { access_token } = (await (await tokenRequest(t, refreshGrant())).json()) as Token;
    await expectLwaError(
      await tokenRequest(t, { ...refreshGrant(), refresh_token: access_token }),
      400,
      'invalid_grant',
    );
    await expectSpApiError(
      await spApi(t, seller.refreshToken, `/invoices?marketplaceId=${BRAZIL}`),
      403,
      'Unauthorized',
    );
  });
});
