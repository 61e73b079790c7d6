import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorize,
  CHROMIUM_PATH,
  chromiumInstalled,
  type DocsBrowser,
  launchDocsBrowser,
  openDocs,
  tryOperation,
} from '../../../scripts/docs-browser.js';
import { seedDemo } from '../../../src/core/demo/demo-data.js';
import type { IssuedCredentials } from '../../../src/core/sellers/sellers-service.js';
import { demoDeps } from '../../../src/main/deps.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../support/app.js';

const BRAZIL = 'A2Q3Y263D00KWC';
const present = chromiumInstalled();

/** Waits for the status the page shows for the last run of an operation, then reads its body. */
async function shownResponse(page: Page, operationDomId: string, status: string): Promise<string> {
  const shown = page.locator(`#${operationDomId} .live-responses-table .response`).first();
  await expect
    .poll(async () => ((await shown.locator('.response-col_status').textContent()) ?? '').trim(), {
      timeout: 20_000,
    })
    .toBe(status);
  return (await shown.locator('.response-col_description pre').first().textContent()) ?? '';
}

describe.skipIf(!present)('a person on the docs pages (headless chromium)', () => {
  let t: TestApp;
  let browser: DocsBrowser;
  let credentials: IssuedCredentials;

  beforeAll(async () => {
    t = await startTestApp({}, 'docs-browser');
    ({ credentials } = await seedDemo({ ...demoDeps(t.deps), clock: t.clock }, 12));
    browser = await launchDocsBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('gets a token from /auth/o2/token on the page, authorizes with it and runs getInvoices', async () => {
    const page = await browser.context.newPage();
    await openDocs(page, `${t.url}/docs/sp-api`);
    // The token endpoint is an operation of the page: its form, as the docs page describes it.
    const token = await tryOperation(
      page,
      'operations-auth-getAccessToken',
      {},
      {
        grant_type: 'refresh_token',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: credentials.refreshToken,
      },
    );
    expect(token.status).toBe('200');
    const { access_token } = JSON.parse(token.body) as { access_token: string };
    expect(access_token).toMatch(/^Atza\|/);
    const direct = (await (
      await fetch(`${t.url}/tax/invoices/2024-06-19/invoices?marketplaceId=${BRAZIL}`, {
        headers: { 'x-amz-access-token': access_token },
      })
    ).json()) as { invoices: { id: string }[] };
    expect(direct.invoices.length).toBeGreaterThan(0);

    // Without authorizing first, the page gets SP-API's 403.
    const denied = await tryOperation(page, 'operations-invoices-getInvoices', { marketplaceId: BRAZIL });
    expect(denied.status).toBe('403');
    expect(denied.body).toContain('Unauthorized');

    await authorize(page, { amzAccessToken: access_token });
    await page.locator('#operations-invoices-getInvoices button.execute').click();
    const body = await shownResponse(page, 'operations-invoices-getInvoices', '200');
    for (const invoice of direct.invoices) expect(body).toContain(invoice.id);
    expect(JSON.parse(body)).toEqual(direct);
    await page.close();
    expect(browser.offLoopback).toEqual([]);
  });

  it('Kaufland: signs the URL the page sends with the one-liner the page shows, authorizes, lists', async () => {
    t.clock.set(new Date()); // the one-liner signs with the real time
    const doc = (await (await fetch(`${t.url}/docs/kaufland/json`)).json()) as {
      info: { description: string };
    };
    const oneLiner = /`(node -e '[^`]+)`/.exec(doc.info.description)?.[1] as string;
    expect(oneLiner).toContain('createHmac');
    const page = await browser.context.newPage();
    await openDocs(page, `${t.url}/docs/kaufland`);
    const op = 'operations-Order_Invoices-GetOrderInvoices';
    const unsigned = await tryOperation(page, op, {});
    expect(unsigned.status).toBe('401');
    const requestUrl = ((await page.locator(`#${op} .request-url pre`).textContent()) ?? '').trim();
    expect(requestUrl.startsWith(`${t.url}/kaufland/v2/order-invoices`)).toBe(true);
    const command = oneLiner.replace(/'http:\/\/127\.0\.0\.1:8080[^']*'$/, `'${requestUrl}'`);
    const { stdout } = await promisify(execFile)('bash', ['-c', command], {
      env: { ...process.env, SECRET: credentials.clientSecret },
    });
    const [timestamp, signature] = stdout.trim().split(' ') as [string, string];
    await authorize(page, {
      ShopClientKey: credentials.clientId,
      ShopTimestamp: timestamp,
      ShopSignature: signature,
    });
    await page.locator(`#${op} button.execute`).click();
    const body = JSON.parse(await shownResponse(page, op, '200')) as {
      data: { id_order: string }[];
      pagination: { total: number };
    };
    expect(body.pagination.total).toBeGreaterThan(0);
    expect(body.data.length).toBe(Math.min(body.pagination.total, 30));
    await page.close();
    expect(browser.offLoopback).toEqual([]);
  });

  it('SellerCenter: client credentials on the page, the token endpoint, then the bearer token', async () => {
    const page = await browser.context.newPage();
    await openDocs(page, `${t.url}/docs/sellercenter`);
    await authorize(page, {
      clientCredentials: { username: credentials.clientId, password: credentials.clientSecret },
    });
    const token = await tryOperation(
      page,
      'operations-auth-getClientCredentialsToken',
      {},
      { grant_type: 'client_credentials' },
    );
    expect(token.status).toBe('200');
    const { access_token } = JSON.parse(token.body) as { access_token: string };
    await authorize(page, { bearerAuth: access_token });
    const exported = await tryOperation(page, 'operations-templates-requestTemplateExport', {});
    expect(exported.status).toBe('200');
    expect(JSON.parse(exported.body)).toMatchObject({
      exportItemId: expect.any(Number),
      uuid: expect.any(String),
    });
    await page.close();
    expect(browser.offLoopback).toEqual([]);
  });

  it('operator API: authorizes with ADMIN_TOKEN and lists the sellers', async () => {
    const page = await browser.context.newPage();
    await openDocs(page, `${t.url}/docs/admin`);
    await authorize(page, { adminToken: ADMIN_TOKEN });
    const listed = await tryOperation(page, 'operations-sellers-get_admin_v1_sellers', {});
    expect(listed.status).toBe('200');
    const { sellers } = JSON.parse(listed.body) as { sellers: { sellerId: string }[] };
    expect(sellers.map((s) => s.sellerId)).toContain(credentials.sellerId);
    await page.close();
  });

  it('every docs page renders from local assets with an Authorize button', async () => {
    const page = await browser.context.newPage();
    for (const name of ['sp-api', 'admin', 'kaufland', 'sellercenter']) {
      await openDocs(page, `${t.url}/docs/${name}`);
      await expect(page.locator('.auth-wrapper button.authorize').count()).resolves.toBe(1);
    }
    await page.close();
    expect(browser.offLoopback).toEqual([]);
  });
});

if (!present && process.env.CI) {
  // CI installs chromium (.ci/run): there a missing browser is a failure, not a skip.
  it(`chromium is installed at ${CHROMIUM_PATH}`, () => expect(present).toBe(true));
} else if (!present) {
  console.warn(`docs-browser: skipped, no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  it.skip(`needs chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`, () => {});
}
