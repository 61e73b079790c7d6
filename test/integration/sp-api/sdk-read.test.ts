import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAZIL } from '../../../src/core/marketplaces.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createSeller, ingest, invoiceXml, type Seller } from '../../support/fixtures.js';
import { redirectLwaTo } from '../../support/lwa-redirect.js';
import { rejection, sdkClient } from '../../support/sdk.js';
import { validateSpApi } from '../../support/spapi-model.js';

describe('SP-API Invoices read operations through the official SDK', () => {
  let t: TestApp;
  let seller: Seller;
  let other: Seller;
  let restoreLwa: () => void;
  const ids = new Map<number, string>();

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS_ENABLED: 'false' }, 'sdk');
    restoreLwa = redirectLwaTo(t.url);
    seller = await createSeller(t);
    other = await createSeller(t);
    const base = new Date('2026-11-19T00:00:00.000Z').getTime();
    for (let n = 1; n <= 60; n++) {
      const outcome =
        n % 10 === 0
          ? ({
              kind: 'rejected',
              cStat: '302',
              xMotivo: 'Uso Denegado: Irregularidade fiscal do destinatario',
              at: new Date(base),
            } as const)
          : n % 15 === 0
            ? ({ kind: 'cancelled-cstat101', at: new Date(base) } as const)
            : undefined;
      const { xml } = invoiceXml(seller.cnpj, {
        number: n,
        series: n % 2 === 0 ? 2 : 1,
        issuedAt: new Date(base + n * 600_000),
        ...(outcome ? { outcome } : {}),
      });
      const query: Record<string, string> =
        n % 3 === 0 ? { invoiceType: 'SYMBOLIC_RETURN', transactionType: 'CUSTOMER_SALES_SYMBOLIC' } : {};
      if (n === 7)
        Object.assign(query, {
          transactionIdentifierName: 'BUSINESS_TRANSACTION_ID',
          transactionIdentifierId: 'tx-seven',
        });
      const res = await ingest(t, xml, query);
      expect(res.status).toBe(201);
      ids.set(n, res.body.invoice?.id as string);
    }
    const otherDoc = invoiceXml(other.cnpj, { number: 1, issuedAt: new Date(base + 600_000) });
    ids.set(-1, (await ingest(t, otherDoc.xml)).body.invoice?.id as string);
  });

  afterAll(async () => {
    restoreLwa?.();
    await t?.close();
  });

  it('getInvoicesAttributes returns the Brazilian attribute sets in Amazon’s shape', async () => {
    const { api } = sdkClient(t.url, seller);
    const { response } = await api.getInvoicesAttributesWithHttpInfo(BRAZIL);
    expect(validateSpApi('GetInvoicesAttributesResponse', response.body)).toEqual([]);
    const attrs = response.body.invoicesAttributes;
    expect(attrs.invoiceStatusOptions.map((o: { value: string }) => o.value)).toEqual([
      'AUTHORIZED',
      'REJECTED',
      'CANCELED',
    ]);
    expect(attrs.transactionIdentifierNameOptions.map((o: { value: string }) => o.value)).toEqual([
      'BUSINESS_TRANSACTION_ID',
    ]);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-amzn-ratelimit-limit']).toBe('1');
  });

  it('getInvoices filters by date window, status, type, series, number and transaction id', async () => {
    const { api } = sdkClient(t.url, seller);
    const window = { dateStart: '2026-11-19T00:00:00', dateEnd: '2026-11-19T23:59:59Z', pageSize: 100 };
    const all = await api.getInvoicesWithHttpInfo(BRAZIL, window);
    expect(validateSpApi('GetInvoicesResponse', all.response.body)).toEqual([]);
    expect(all.response.body.invoices).toHaveLength(60);
    expect(all.response.body.nextToken).toBeUndefined();

    const rejected = await api.getInvoices(BRAZIL, { ...window, statuses: ['REJECTED'] });
    expect(
      rejected.invoices
        .map((i: { externalInvoiceId: string }) => Number(i.externalInvoiceId))
        .sort((a: number, b: number) => a - b),
    ).toEqual([10, 20, 30, 40, 50, 60]);
    expect(rejected.invoices[0].errorCode).toBe('302');
    expect(rejected.invoices[0].govResponse).toContain('Denegado');

    const canceledOrRejected = await api.getInvoices(BRAZIL, {
      ...window,
      statuses: ['CANCELED', 'REJECTED'],
    });
    expect(canceledOrRejected.invoices).toHaveLength(6 + 2); // 15 and 45 cancelled; 30 and 60 are rejected

    const returns = await api.getInvoices(BRAZIL, { ...window, invoiceType: 'SYMBOLIC_RETURN' });
    expect(returns.invoices).toHaveLength(20);
    expect(
      returns.invoices.every(
        (i: { transactionType: string }) => i.transactionType === 'CUSTOMER_SALES_SYMBOLIC',
      ),
    ).toBe(true);

    const series2 = await api.getInvoices(BRAZIL, { ...window, series: '2' });
    expect(series2.invoices).toHaveLength(30);

    const byNumber = await api.getInvoices(BRAZIL, { ...window, externalInvoiceId: '17' });
    expect(byNumber.invoices.map((i: { id: string }) => i.id)).toEqual([ids.get(17)]);

    const byTx = await api.getInvoicesWithHttpInfo(BRAZIL, {
      ...window,
      transactionIdentifierName: 'BUSINESS_TRANSACTION_ID',
      transactionIdentifierId: 'tx-seven',
    });
    expect(byTx.response.body.invoices).toEqual([
      expect.objectContaining({
        id: ids.get(7),
        transactionIds: [{ name: 'BUSINESS_TRANSACTION_ID', id: 'tx-seven' }],
      }),
    ]);

    const narrow = await api.getInvoices(BRAZIL, {
      dateStart: '2026-11-19T01:00:00Z',
      dateEnd: '2026-11-19T02:00:00Z',
    });
    expect(
      narrow.invoices
        .map((i: { externalInvoiceId: string }) => Number(i.externalInvoiceId))
        .sort((a: number, b: number) => a - b),
    ).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('sorts by issue date both ways and defaults to the last 24 hours', async () => {
    const { api } = sdkClient(t.url, seller);
    const window = { dateStart: '2026-11-19', dateEnd: '2026-11-19', pageSize: 100 };
    const asc = await api.getInvoices(BRAZIL, { ...window, sortBy: 'START_DATE_TIME', sortOrder: 'ASC' });
    const dates = asc.invoices.map((i: { date: string }) => i.date);
    expect(dates).toEqual([...dates].sort());
    const desc = await api.getInvoices(BRAZIL, { ...window, sortOrder: 'DESC' });
    expect(desc.invoices.map((i: { id: string }) => i.id)).toEqual(
      asc.invoices.map((i: { id: string }) => i.id).reverse(),
    );
    // The test clock says 2026-11-20T12:00Z: the default window starts 2026-11-19T12:00Z (numbers > 72 only: none).
    const recent = await api.getInvoices(BRAZIL, {});
    expect(recent.invoices).toEqual([]);
  });

  it('walks every page to the end without loss or duplicates, with nextToken alone', async () => {
    const { api } = sdkClient(t.url, seller);
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const opts = nextToken
        ? { nextToken }
        : { dateStart: '2026-11-18', dateEnd: '2026-11-20', pageSize: 7 };
      const { response } = await api.getInvoicesWithHttpInfo(BRAZIL, opts);
      expect(validateSpApi('GetInvoicesResponse', response.body)).toEqual([]);
      seen.push(...response.body.invoices.map((i: { id: string }) => i.id));
      nextToken = response.body.nextToken;
      if (nextToken !== undefined) expect(nextToken).not.toBe('');
      pages++;
    } while (nextToken && pages < 50);
    expect(pages).toBe(9);
    expect(new Set(seen).size).toBe(60);
    expect(seen.sort()).toEqual(
      [...ids.entries()]
        .filter(([n]) => n > 0)
        .map(([, id]) => id)
        .sort(),
    );
  });

  it('accepts the first call’s arguments again with nextToken, rejects different ones and forged tokens', async () => {
    const { api } = sdkClient(t.url, seller);
    const first = { dateStart: '2026-11-19', dateEnd: '2026-11-19', pageSize: 10, statuses: ['AUTHORIZED'] };
    const page1 = await api.getInvoices(BRAZIL, first);
    const page2 = await api.getInvoices(BRAZIL, { ...first, nextToken: page1.nextToken });
    expect(page2.invoices[0].id).not.toBe(page1.invoices[0].id);
    const changed = await rejection(
      api.getInvoices(BRAZIL, { ...first, statuses: ['REJECTED'], nextToken: page1.nextToken }),
    );
    expect(changed.status).toBe(400);
    expect(changed.response.body.errors[0]?.code).toBe('InvalidInput');
    expect(changed.response.body.errors[0]?.details).toContain('statuses');
    const forged = `${page1.nextToken.slice(0, -3)}AAA`;
    const bad = await rejection(api.getInvoices(BRAZIL, { nextToken: forged }));
    expect(bad.status).toBe(400);
    expect(bad.response.body.errors[0]?.details).toContain('nextToken');
    const { api: otherApi } = sdkClient(t.url, other);
    const stolen = await rejection(otherApi.getInvoices(BRAZIL, { nextToken: page1.nextToken }));
    expect(stolen.status).toBe(400);
  });

  it('getInvoice returns one invoice; another seller’s id is 404 and a foreign marketplace 400', async () => {
    const { api } = sdkClient(t.url, seller);
    const { response } = await api.getInvoiceWithHttpInfo(BRAZIL, ids.get(10));
    expect(validateSpApi('GetInvoiceResponse', response.body)).toEqual([]);
    expect(response.body.invoice).toMatchObject({
      id: ids.get(10),
      status: 'REJECTED',
      externalInvoiceId: '10',
      series: '2',
    });
    const foreign = await rejection(api.getInvoice(BRAZIL, ids.get(-1)));
    expect(foreign.status).toBe(404);
    expect(foreign.response.body.errors[0]?.code).toBe('NotFound');
    expect(validateSpApi('ErrorList', foreign.response.body)).toEqual([]);
    expect(foreign.response.headers['x-amzn-ratelimit-limit']).toBe('2');
    const garbage = await rejection(api.getInvoice(BRAZIL, 'not-an-id'));
    expect(garbage.status).toBe(404);
    const mkt = await rejection(api.getInvoice('ATVPDKIKX0DER', ids.get(10)));
    expect(mkt.status).toBe(400);
    expect(mkt.response.body.errors[0]?.code).toBe('InvalidInput');
  });

  it('rejects bad filters with InvalidInput naming the parameter', async () => {
    const { api } = sdkClient(t.url, seller);
    const cases: [Record<string, unknown>, string][] = [
      [{ transactionIdentifierName: 'BUSINESS_TRANSACTION_ID' }, 'transactionIdentifierId'],
      [{ transactionIdentifierId: 'x' }, 'transactionIdentifierName'],
      [{ dateStart: '2026-11-20', dateEnd: '2026-11-19' }, 'dateStart'],
      [{ dateStart: 'yesterday' }, 'dateStart'],
      [{ statuses: ['AUTHORISED'] }, 'statuses'],
      [{ invoiceType: 'SALE' }, 'invoiceType'],
      [{ pageSize: 0 }, 'pageSize'],
      [{ sortOrder: 'UP' }, 'sortOrder'],
    ];
    for (const [opts, field] of cases) {
      const err = await rejection(api.getInvoices(BRAZIL, opts));
      expect(err.status, JSON.stringify(opts)).toBe(400);
      expect(err.response.body.errors[0]?.details, JSON.stringify(opts)).toContain(field);
    }
  });

  it('refreshes: an expired token is 403 with the text clients key on, and a new token works', async () => {
    const { client, api } = sdkClient(t.url, seller);
    await api.getInvoicesAttributes(BRAZIL);
    t.clock.advance(3601 * 1000); // the SDK still holds its cached token, now expired on our clock
    const expired = await rejection(api.getInvoicesAttributes(BRAZIL));
    expect(expired.status).toBe(403);
    expect(expired.response.body.errors[0]?.code).toBe('Unauthorized');
    expect(expired.response.body.errors[0]?.details).toMatch(/access token/);
    expect(expired.response.body.errors[0]?.details).toMatch(/expired/);
    client.clearAccessTokenCache();
    const again = await api.getInvoicesAttributes(BRAZIL);
    expect(again.invoicesAttributes.invoiceStatusOptions).toHaveLength(3);
  });
});
