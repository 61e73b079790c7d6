import { type Static, Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../src/core/demo/demo-data.js';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { buildCancellationEventXml } from '../../../src/core/nfe/build-events.js';
import { spApiInvoice, spApiPage } from '../../../src/http/sp-api/presenters.js';
import { GetInvoicesResponse } from '../../../src/http/sp-api/schemas.js';
import { demoDeps } from '../../../src/main/deps.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { accessTokenFor } from '../../support/expect-errors.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../../support/fixtures.js';

const PATH = '/tax/invoices/2024-06-19/invoices';

/**
 * getInvoices joins stored renderings (migrations/0010). These tests hold it to the listing it
 * replaced: the page the core's summaries give through the response schema's serializer, byte for
 * byte, for the same store and the same query, over many filter combinations and whole walks; and
 * never stale after a status change, whether the page comes from the store or from the renderings
 * the server keeps in memory, on both databases (TEST_DATABASE_URL).
 */
describe('getInvoices from stored renderings', () => {
  let t: TestApp;
  let reference: FastifyInstance;
  let token: string;
  let sellerId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'listing');
    const { credentials } = await seedDemo({ ...demoDeps(t.deps), clock: t.clock }, 240);
    sellerId = credentials.sellerId;
    // An upgraded store: some invoices have no rendering yet (rendered and kept at read).
    await sql`update invoices set listing = null where number::int % 3 = 0`.execute(t.db.database.db);
    const res = await fetch(`${t.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: credentials.refreshToken,
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    // The listing as it was built before: core summaries, the presenter, the schema's serializer.
    reference = Fastify();
    const Query = Type.Record(Type.String(), Type.String());
    reference.get<{ Querystring: Static<typeof Query> }>(
      '/ref',
      { schema: { response: { 200: GetInvoicesResponse } } },
      async (request) => {
        const q = request.query;
        const page = await t.deps.services.queries.getInvoices(
          { sellerId, marketplaceIds: [BRAZIL] },
          {
            ...q,
            marketplaceId: q.marketplaceId as string,
            statuses: q.statuses?.split(','),
            pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize),
          },
        );
        return spApiPage({ ...page, items: page.items.map(spApiInvoice) }, 'invoices');
      },
    );
    await reference.ready();
  });

  afterAll(async () => {
    await reference?.close();
    await t?.close();
  });

  async function listed(query: Record<string, string>): Promise<{ status: number; body: string }> {
    const res = await fetch(`${t.url}${PATH}?${new URLSearchParams(query)}`, {
      headers: { 'x-amz-access-token': token },
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return { status: res.status, body: await res.text() };
  }

  async function expected(query: Record<string, string>): Promise<string> {
    const res = await reference.inject({ method: 'GET', url: `/ref?${new URLSearchParams(query)}` });
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  /** Walks every page of a listing on both paths, comparing bytes; returns the pages walked. */
  async function walk(first: Record<string, string>): Promise<number> {
    let query = first;
    for (let pages = 1; ; pages++) {
      const ref = await expected(query);
      const got = await listed(query);
      expect(got.status).toBe(200);
      expect(got.body).toBe(ref);
      const next = (JSON.parse(got.body) as { nextToken?: string }).nextToken;
      if (!next || pages >= 40) return pages;
      query = { marketplaceId: BRAZIL, nextToken: next };
    }
  }

  const window = {
    marketplaceId: BRAZIL,
    dateStart: '2026-10-01T00:00:00Z',
    dateEnd: '2026-11-20T12:00:00Z',
  };
  const combos: Record<string, string>[] = [
    { marketplaceId: BRAZIL },
    { marketplaceId: BRAZIL, pageSize: '200' },
    { ...window, pageSize: '17' },
    { ...window, pageSize: '23', sortOrder: 'ASC' },
    { ...window, pageSize: '50', sortOrder: 'DESC', sortBy: 'START_DATE_TIME' },
    { ...window, statuses: 'AUTHORIZED', pageSize: '31' },
    { ...window, statuses: 'REJECTED,CANCELED', pageSize: '5' },
    { ...window, statuses: 'CANCELED', sortOrder: 'ASC' },
    { ...window, invoiceType: 'SYMBOLIC_RETURN', pageSize: '9' },
    { ...window, transactionType: 'CUSTOMER_SALES', pageSize: '40' },
    { ...window, series: '2', pageSize: '11', sortOrder: 'ASC' },
    { ...window, series: '001', pageSize: '64' },
    { ...window, externalInvoiceId: '12' },
    { ...window, externalInvoiceId: '000000099', statuses: 'AUTHORIZED,REJECTED,CANCELED' },
    { ...window, dateStart: '2026-11-10T00:00:00Z', dateEnd: '2026-11-15T00:00:00Z', pageSize: '7' },
    { ...window, pageSize: '1' },
  ];

  it('answers every filter combination with the bytes of the previous listing, page after page', async () => {
    let pages = 0;
    for (const combo of combos) pages += await walk(combo);
    expect(pages).toBeGreaterThan(combos.length * 2);
    // Renderings missing before the walk were kept by it.
    const missing = await sql<{ n: number }>`
      select count(*)::int as n from invoices where listing is null and status <> 'PENDING'`.execute(
      t.db.database.db,
    );
    expect(missing.rows[0]?.n).toBe(0);
  });

  it('filters by transaction identifier as before', async () => {
    const row = await sql<{ value: string }>`
      select value from invoice_transactions where seller_id = ${sellerId} limit 1`.execute(t.db.database.db);
    const id = row.rows[0]?.value as string;
    const query = {
      ...window,
      transactionIdentifierName: 'BUSINESS_TRANSACTION_ID',
      transactionIdentifierId: id,
    };
    await walk(query);
    expect(JSON.parse((await listed(query)).body).invoices.length).toBeGreaterThan(0);
  });

  it('accepts a token of the previous listing, and repeated or changed filters as before', async () => {
    const first = { ...window, pageSize: '10', statuses: 'AUTHORIZED' };
    const refToken = (JSON.parse(await expected(first)) as { nextToken: string }).nextToken;
    const cont = { marketplaceId: BRAZIL, nextToken: refToken };
    expect((await listed(cont)).body).toBe(await expected(cont));
    const repeated = { ...first, nextToken: refToken };
    expect((await listed(repeated)).body).toBe(await expected(repeated));
    const changed = await listed({ ...first, statuses: 'CANCELED', nextToken: refToken });
    expect(changed.status).toBe(400);
    const tampered = await listed({ marketplaceId: BRAZIL, nextToken: `${refToken.slice(0, -2)}xx` });
    expect(tampered.status).toBe(400);
  });

  it('is never stale: re-ingestion, rejection and cancellation show on the very next page', async () => {
    const seller: Seller = await createSeller(t);
    const own = await accessTokenFor(t, seller);
    const issuedAt = new Date('2026-11-20T10:00:00.000Z');
    // Read three times: from the store, then (its rendering now stored) row by row, then from the
    // server's memory; all three the same bytes, so the page held in memory is also never stale.
    const page = async () => {
      const bodies: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${t.url}${PATH}?marketplaceId=${BRAZIL}&dateStart=2026-11-19T00:00:00Z`, {
          headers: { 'x-amz-access-token': own },
        });
        bodies.push(await res.text());
      }
      expect(new Set(bodies).size).toBe(1);
      return JSON.parse(bodies[0] as string) as {
        invoices: { status: string; errorCode: string; govResponse: string }[];
      };
    };
    const pending = invoiceXml(seller.cnpj, { number: 5, issuedAt, outcome: { kind: 'pending' } });
    expect((await ingest(t, pending.xml)).status).toBe(201);
    expect((await page()).invoices).toEqual([]);

    const rejected = invoiceXml(seller.cnpj, {
      number: 5,
      issuedAt,
      outcome: { kind: 'rejected', cStat: '302', xMotivo: 'Uso Denegado', at: issuedAt },
    });
    expect((await ingest(t, rejected.xml)).status).toBe(200);
    expect((await page()).invoices.map((i) => [i.status, i.errorCode])).toEqual([['REJECTED', '302']]);

    const authorized = invoiceXml(seller.cnpj, { number: 5, issuedAt });
    expect((await ingest(t, authorized.xml)).status).toBe(200);
    expect((await page()).invoices.map((i) => i.status)).toEqual(['AUTHORIZED']);

    const cancellation = buildCancellationEventXml({
      accessKey: authorized.accessKey,
      cnpj: seller.cnpj,
      at: new Date(issuedAt.getTime() + 60_000),
      protocol: '135000000000005',
      justification: 'Pedido cancelado pelo cliente antes do envio',
    });
    expect((await ingest(t, cancellation)).status).toBe(200);
    expect((await page()).invoices.map((i) => i.status)).toEqual(['CANCELED']);

    // Whoever writes the row (here plain SQL), the rendering goes with the change.
    await sql`update invoices set status = 'REJECTED', error_code = '999' where seller_id = ${seller.sellerId}`.execute(
      t.db.database.db,
    );
    expect((await page()).invoices.map((i) => [i.status, i.errorCode])).toEqual([['REJECTED', '999']]);

    // A date written with microseconds (by another tool) still gets its rendering kept.
    await sql`update invoices set issued_at = issued_at + interval '250 microseconds' where seller_id = ${seller.sellerId}`.execute(
      t.db.database.db,
    );
    await page();
    const kept = await sql<{ n: number }>`
      select count(*)::int as n from invoices where seller_id = ${seller.sellerId} and listing is not null`.execute(
      t.db.database.db,
    );
    expect(kept.rows[0]?.n).toBe(1);
  });
  it('serves a page it read before from memory, at the versions the store gives', async () => {
    const seller: Seller = await createSeller(t);
    const issuedAt = new Date('2026-11-20T09:00:00.000Z');
    for (const number of [7, 8]) {
      expect((await ingest(t, invoiceXml(seller.cnpj, { number, issuedAt }).xml)).status).toBe(201);
    }
    const own = await accessTokenFor(t, seller);
    const page = async () =>
      (
        await fetch(`${t.url}${PATH}?marketplaceId=${BRAZIL}&dateStart=2026-11-19T00:00:00Z`, {
          headers: { 'x-amz-access-token': own },
        })
      ).text();
    const first = await page();
    expect((JSON.parse(first) as { invoices: unknown[] }).invoices).toHaveLength(2);
    // The first read missed, so the next reads from the store too; the third finds it kept.
    expect([await page(), await page()]).toEqual([first, first]);
    // Stored renderings rewritten behind the server's back (no column they show changed, so their
    // versions stay): the page it keeps is what it serves.
    const db = t.db.database.db;
    await sql`update invoices set listing = '{"rewritten":true}' where seller_id = ${seller.sellerId}`.execute(
      db,
    );
    expect(await page()).toBe(first);
    // A change of what one rendering shows raises its version: the page is read from the store.
    await sql`update invoices set error_code = 'E9' where seller_id = ${seller.sellerId} and number = '8'`.execute(
      db,
    );
    const after = JSON.parse(await page()) as { invoices: unknown[] };
    expect(after.invoices).toHaveLength(2);
    expect(after.invoices.filter((i) => JSON.stringify(i) === '{"rewritten":true}')).toHaveLength(1);
    expect(JSON.stringify(after.invoices)).toContain('"errorCode":"E9"');
  });
  it('reads by id only the few invoices new on a page it keeps', async () => {
    const seller: Seller = await createSeller(t);
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 8, minute));
    for (let number = 1; number <= 8; number++) {
      expect((await ingest(t, invoiceXml(seller.cnpj, { number, issuedAt: at(number) }).xml)).status).toBe(
        201,
      );
    }
    const own = await accessTokenFor(t, seller);
    const page = async () => {
      const res = await fetch(`${t.url}${PATH}?marketplaceId=${BRAZIL}&dateStart=2026-11-19T00:00:00Z`, {
        headers: { 'x-amz-access-token': own },
      });
      return ((await res.json()) as { invoices: Record<string, unknown>[] }).invoices;
    };
    for (let i = 0; i < 3; i++) expect(await page()).toHaveLength(8); // kept by the third read
    // The stored renderings rewritten behind the server's back, versions unchanged: what the page
    // shows of them tells where it came from.
    const db = t.db.database.db;
    await sql`update invoices set listing = '{"rewritten":true}' where seller_id = ${seller.sellerId}`.execute(
      db,
    );
    expect((await ingest(t, invoiceXml(seller.cnpj, { number: 9, issuedAt: at(9) }).xml)).status).toBe(201);
    const mixed = await page();
    expect(mixed).toHaveLength(9);
    expect(mixed.filter((i) => i.rewritten)).toEqual([]); // eight from memory
    expect(mixed.map((i) => i.externalInvoiceId)).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1']);
    // More new than a page may fill by id: the page is read whole, from the store.
    for (let number = 10; number <= 14; number++) {
      expect((await ingest(t, invoiceXml(seller.cnpj, { number, issuedAt: at(number) }).xml)).status).toBe(
        201,
      );
    }
    const whole = await page();
    expect(whole).toHaveLength(14);
    expect(whole.filter((i) => i.rewritten)).toHaveLength(8);
  });
});
