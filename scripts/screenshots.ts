/**
 * `npm run screenshots`: regenerates docs/screenshots/*.png, the docs page of each dialect as a
 * person sees it, from a throwaway demo store served on a loopback port (headless chromium).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemo } from '../src/core/demo/demo-data.js';
import { buildApp } from '../src/main/app.js';
import { loadConfig } from '../src/main/config.js';
import { createDeps, demoDeps } from '../src/main/deps.js';
import { listen } from '../src/main/server.js';
import {
  authorize,
  CHROMIUM_PATH,
  chromiumInstalled,
  launchDocsBrowser,
  openDocs,
  tryOperation,
} from './docs-browser.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

async function main(): Promise<void> {
  if (!chromiumInstalled()) throw new Error(`no chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-screenshots-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
  });
  const deps = await createDeps(config);
  const { credentials } = await seedDemo(demoDeps(deps), 20);
  const app = await buildApp(deps);
  const { url, worker } = await listen(app, deps);
  const browser = await launchDocsBrowser();
  try {
    fs.mkdirSync(OUT, { recursive: true });
    const page = await browser.context.newPage();
    for (const name of ['sp-api', 'admin', 'kaufland', 'sellercenter']) {
      await openDocs(page, `${url}/docs/${name}`);
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      process.stdout.write(`docs/screenshots/${name}.png\n`);
    }
    // SP-API once more: authorized with a token from /auth/o2/token, getInvoices run from the page.
    const token = await fetch(`${url}/auth/o2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: credentials.refreshToken,
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    await openDocs(page, `${url}/docs/sp-api`);
    await authorize(page, { amzAccessToken: access_token });
    const shown = await tryOperation(page, 'operations-invoices-getInvoices', {
      marketplaceId: 'A2Q3Y263D00KWC',
      pageSize: '1',
      dateStart: '2020-01-01',
    });
    if (shown.status !== '200') throw new Error(`getInvoices from the page answered ${shown.status}`);
    // From the operation's header to the end of the live response (the documented ones below are left out).
    const op = await page.locator('#operations-invoices-getInvoices').boundingBox();
    const live = await page.locator('#operations-invoices-getInvoices .live-responses-table').boundingBox();
    if (!op || !live) throw new Error('getInvoices is not on the page');
    const scrollY = (await page.evaluate('window.scrollY')) as number; // boxes are in viewport coordinates
    await page.screenshot({
      path: path.join(OUT, 'sp-api-try-it.png'),
      fullPage: true,
      clip: { x: op.x, y: op.y + scrollY, width: op.width, height: live.y + live.height - op.y },
    });
    process.stdout.write('docs/screenshots/sp-api-try-it.png\n');
    if (browser.offLoopback.length)
      throw new Error(`requests beyond loopback: ${browser.offLoopback.join(', ')}`);
  } finally {
    await browser.close();
    await app.close();
    await worker?.stop({ drainMs: 2000 });
    await deps.db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
