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
import { startTestApp, type TestApp } from '../../support/app.js';

const BRAZIL = 'A2Q3Y263D00KWC';
const present = chromiumInstalled();

describe.skipIf(!present)('a person on /docs/sp-api (headless chromium)', () => {
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

    await authorize(page, 'amzAccessToken', access_token);
    await page.locator('#operations-invoices-getInvoices button.execute').click();
    const shown = page.locator('#operations-invoices-getInvoices .live-responses-table .response').first();
    await expect
      .poll(async () => ((await shown.locator('.response-col_status').textContent()) ?? '').trim(), {
        timeout: 20_000,
      })
      .toBe('200');
    const body = (await shown.locator('.response-col_description pre').first().textContent()) ?? '';
    for (const invoice of direct.invoices) expect(body).toContain(invoice.id);
    expect(JSON.parse(body)).toEqual(direct);
    await page.close();
    expect(browser.offLoopback).toEqual([]);
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
