import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { makeCnpj } from '../../../src/core/nfe/cnpj.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../support/app.js';
import {
  accessTokenFor,
  expectLwaError,
  expectProblem,
  expectSpApiError,
  spApi,
  tokenRequest,
} from '../../support/expect-errors.js';
import { createSeller, nextCnpj } from '../../support/fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Issued {
  sellerId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

describe('operator API: sellers and credentials', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, 'sellers');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('onboards a seller: 201 with credentials of the documented shape, Brazil by default', async () => {
    const cnpj = nextCnpj();
    const res = await t.admin('POST', '/admin/v1/sellers', { name: 'Loja Um', cnpj });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as Issued;
    expect(Object.keys(issued).sort()).toEqual(['clientId', 'clientSecret', 'refreshToken', 'sellerId']);
    expect(issued.sellerId).toMatch(UUID);
    expect(issued.clientId).toHaveLength(32);
    expect(issued.clientSecret).toHaveLength(64);
    expect(issued.refreshToken.startsWith('Atzr|')).toBe(true);

    const got = await t.admin('GET', `/admin/v1/sellers/${issued.sellerId}`);
    expect(got.status).toBe(200);
    const { seller } = (await got.json()) as { seller: Record<string, unknown> };
    expect(seller).toMatchObject({
      sellerId: issued.sellerId,
      name: 'Loja Um',
      cnpj,
      marketplaceIds: [BRAZIL],
    });
    expect(JSON.stringify(seller)).not.toContain(issued.clientSecret);
  });

  it('accepts the 2026 alphanumeric CNPJ and punctuated input, and stores it normalized', async () => {
    const res = await t.admin('POST', '/admin/v1/sellers', {
      name: 'Loja Alfa',
      cnpj: '12.abc.345/01de-35',
      storefronts: ['de'],
    });
    expect(res.status).toBe(201);
    const { sellerId } = (await res.json()) as Issued;
    const { seller } = (await (await t.admin('GET', `/admin/v1/sellers/${sellerId}`)).json()) as {
      seller: { cnpj: string; storefronts: string[] };
    };
    expect(seller.cnpj).toBe('12ABC34501DE35');
    expect(seller.storefronts).toEqual(['de']);
  });

  it('rejects invalid CNPJs with 400 naming the field, and a taken CNPJ with 409', async () => {
    const valid = nextCnpj();
    const wrongDigit = `${valid.slice(0, 13)}${(Number(valid[13]) + 1) % 10}`;
    for (const cnpj of [
      wrongDigit,
      '123',
      '00000000000000',
      'ABCDEFGHIJKLMN',
      `${makeCnpj('A0000001B001')}9`,
    ]) {
      await expectProblem(await t.admin('POST', '/admin/v1/sellers', { name: 'X', cnpj }), 400, 'cnpj');
    }
    await createSeller(t, { cnpj: valid });
    const punctuated = `${valid.slice(0, 2)}.${valid.slice(2, 5)}.${valid.slice(5, 8)}/${valid.slice(8, 12)}-${valid.slice(12)}`;
    for (const cnpj of [valid, punctuated]) {
      const problem = await expectProblem(
        await t.admin('POST', '/admin/v1/sellers', { name: 'Twin', cnpj }),
        409,
        'cnpj',
      );
      expect(problem.type).toContain('conflict');
    }
    const rows = await t.deps.db.db
      .selectFrom('sellers')
      .select('seller_id')
      .where('cnpj', '=', valid)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('rejects unknown marketplaces and storefronts and missing or mistyped fields', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'X', cnpj: nextCnpj(), marketplaceIds: ['ATVPDKIKX0DER'] }, 'marketplaceIds[0]'],
      [{ name: 'X', cnpj: nextCnpj(), storefronts: ['uk'] }, 'storefronts[0]'],
      [{ name: 'X', cnpj: nextCnpj(), marketplaceIds: [] }, 'marketplaceIds'],
      [{ cnpj: nextCnpj() }, 'name'],
      [{ name: 'X' }, 'cnpj'],
      [{ name: 42, cnpj: nextCnpj() }, 'name'],
      [{ name: '   ', cnpj: nextCnpj() }, 'name'],
      [{ name: 'X', cnpj: nextCnpj(), admin: true }, 'admin'],
    ];
    for (const [body, field] of cases) {
      await expectProblem(await t.admin('POST', '/admin/v1/sellers', body), 400, field);
    }
  });

  it('requires the operator token', async () => {
    for (const auth of [undefined, 'Bearer wrong-token-0123456789', `Basic ${ADMIN_TOKEN}`, ADMIN_TOKEN]) {
      const res = await fetch(`${t.url}/admin/v1/sellers`, { headers: auth ? { authorization: auth } : {} });
      await expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('lists sellers page by page with an opaque cursor', async () => {
    for (let i = 0; i < 3; i++) await createSeller(t);
    const all: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await t.admin('GET', `/admin/v1/sellers?limit=2${next ? `&after=${next}` : ''}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { sellers: { sellerId: string }[]; next?: string };
      expect(body.sellers.length).toBeLessThanOrEqual(2);
      all.push(...body.sellers.map((s) => s.sellerId));
      next = body.next;
      pages++;
    } while (next && pages < 20);
    const total = await t.deps.db.db.selectFrom('sellers').select('seller_id').execute();
    expect(new Set(all).size).toBe(total.length);
    expect(all.sort()).toEqual(total.map((r) => r.seller_id).sort());
    await expectProblem(await t.admin('GET', '/admin/v1/sellers?after=garbage'), 400, 'after');
    await expectProblem(await t.admin('GET', '/admin/v1/sellers?limit=0'), 400, 'limit');
  });

  it('answers 404 for unknown or malformed seller ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' or '1'='1"]) {
      await expectProblem(await t.admin('GET', `/admin/v1/sellers/${encodeURIComponent(id)}`), 404);
      await expectProblem(
        await t.admin('POST', `/admin/v1/sellers/${encodeURIComponent(id)}/credentials`),
        404,
      );
    }
  });

  it('stores secrets, refresh tokens and access tokens only as hashes', async () => {
    const seller = await createSeller(t);
    const access = await accessTokenFor(t, seller);
    const dumps = await Promise.all(
      ['credentials', 'access_tokens', 'sellers'].map((table) =>
        sql<{ row: string }>`select (${sql.table(table)})::text as row from ${sql.table(table)}`.execute(
          t.deps.db.db,
        ),
      ),
    );
    const everything = dumps.flatMap((d) => d.rows.map((r) => r.row)).join('\n');
    expect(everything).toContain(seller.clientId);
    for (const plaintext of [seller.clientSecret, seller.refreshToken, access, access.slice(5)]) {
      expect(everything).not.toContain(plaintext);
    }
    const listed = await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/credentials`);
    const text = await listed.text();
    expect(listed.status).toBe(200);
    expect(text).toContain(seller.clientId);
    expect(text).not.toContain(seller.clientSecret);
    expect(text).not.toContain(seller.refreshToken);
  });

  it('issues a second credential pair and revokes one without touching the other', async () => {
    const seller = await createSeller(t);
    const res = await t.admin('POST', `/admin/v1/sellers/${seller.sellerId}/credentials`);
    expect(res.status).toBe(201);
    const second = (await res.json()) as Issued;
    expect(second.sellerId).toBe(seller.sellerId);
    expect(second.clientId).not.toBe(seller.clientId);
    expect(second.clientId).toHaveLength(32);
    expect(second.clientSecret).toHaveLength(64);

    const oldAccess = await accessTokenFor(t, seller);
    const newAccess = await accessTokenFor(t, { ...seller, ...second });
    // Both work before the revocation (and any lookup cache is warm).
    expect((await spApi(t, oldAccess, `/invoices?marketplaceId=${BRAZIL}`)).status).toBe(200);
    expect((await spApi(t, newAccess, `/invoices?marketplaceId=${BRAZIL}`)).status).toBe(200);
    const { credentials } = (await (
      await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/credentials`)
    ).json()) as { credentials: { clientId: string; revokedAt: string | null }[] };
    expect(credentials.map((c) => c.clientId).sort()).toEqual([seller.clientId, second.clientId].sort());

    const revoke = await t.admin(
      'DELETE',
      `/admin/v1/sellers/${seller.sellerId}/credentials/${seller.clientId}`,
    );
    expect(revoke.status).toBe(204);
    expect(await revoke.text()).toBe('');

    await expectLwaError(
      await tokenRequest(t, {
        grant_type: 'refresh_token',
        client_id: seller.clientId,
        client_secret: seller.clientSecret,
        refresh_token: seller.refreshToken,
      }),
      401,
      'invalid_client',
    );
    await expectSpApiError(
      await spApi(t, oldAccess, `/invoices?marketplaceId=${BRAZIL}`),
      403,
      'Unauthorized',
    );
    expect((await spApi(t, newAccess, `/invoices?marketplaceId=${BRAZIL}`)).status).toBe(200);

    const after = (await (
      await t.admin('GET', `/admin/v1/sellers/${seller.sellerId}/credentials`)
    ).json()) as {
      credentials: { clientId: string; revokedAt: string | null }[];
    };
    expect(after.credentials.find((c) => c.clientId === seller.clientId)?.revokedAt).toBeTruthy();
    expect(after.credentials.find((c) => c.clientId === second.clientId)?.revokedAt).toBeNull();

    await expectProblem(
      await t.admin('DELETE', `/admin/v1/sellers/${seller.sellerId}/credentials/${seller.clientId}`),
      404,
    );
    // Another seller cannot revoke this seller's credentials.
    const other = await createSeller(t);
    await expectProblem(
      await t.admin('DELETE', `/admin/v1/sellers/${other.sellerId}/credentials/${second.clientId}`),
      404,
    );
    expect((await spApi(t, newAccess, `/invoices?marketplaceId=${BRAZIL}`)).status).toBe(200);
  });
});
