import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export interface DocsBrowser {
  context: BrowserContext;
  /** Every request the pages tried to send beyond loopback (each one was refused). */
  offLoopback: string[];
  close(): Promise<void>;
}

/**
 * Headless chromium on a fresh profile that reaches nothing but loopback: any other request is
 * refused and recorded, so a page that needs a CDN or phones home shows up in `offLoopback`.
 */
export async function launchDocsBrowser(): Promise<DocsBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const offLoopback: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (loopback || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    offLoopback.push(url.toString());
    return route.abort();
  });
  return {
    context,
    offLoopback,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a docs page and waits until Swagger UI has rendered its operations. */
export async function openDocs(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.opblock').first().waitFor();
}

/**
 * Authorize: each value into its security scheme's form (a token, or a user name and password for
 * HTTP Basic), then close the dialog.
 */
export async function authorize(
  page: Page,
  values: Record<string, string | { username: string; password: string }>,
): Promise<void> {
  await page.locator('.auth-wrapper button.authorize').click();
  for (const [scheme, value] of Object.entries(values)) {
    const container = page
      .locator('.auth-container')
      .filter({ has: page.locator(`h4:has-text("${scheme}")`) });
    if (typeof value === 'string') {
      await container.locator('input').first().fill(value);
    } else {
      await container.locator('input[type="text"]').fill(value.username);
      await container.locator('input[type="password"]').fill(value.password);
    }
    await container.locator('button.authorize').click();
  }
  await page.locator('.modal-ux button.btn-done').first().click();
}

/**
 * Runs one operation as a person does: expand it, "Try it out", fill the parameters and the form
 * fields of its request body, "Execute". Returns the status and the response body the page shows.
 */
export async function tryOperation(
  page: Page,
  operationDomId: string,
  params: Record<string, string>,
  form: Record<string, string> = {},
): Promise<{ status: string; body: string }> {
  const op = page.locator(`#${operationDomId}`);
  await op.locator('.opblock-summary').first().click();
  await op.locator('button.try-out__btn').click();
  for (const [name, value] of Object.entries(params)) {
    await op.locator(`tr[data-param-name="${name}"] input`).first().fill(value);
  }
  for (const [name, value] of Object.entries(form)) {
    const field = op.locator(`tr[data-property-name="${name}"]`);
    if (await field.locator('select').count()) await field.locator('select').selectOption(value);
    else await field.locator('input').first().fill(value);
  }
  await op.locator('button.execute').click();
  const response = op.locator('.live-responses-table .response').first();
  await response.waitFor();
  return {
    status: ((await response.locator('.response-col_status').textContent()) ?? '').trim(),
    body: (await response.locator('.response-col_description pre').first().textContent()) ?? '',
  };
}
