import { InvoicesSpApi } from '@amazon-sp-api-release/amazon-sp-api-sdk-js';
import { expect } from 'vitest';
import type { Seller } from './fixtures.js';

export type InvoicesApi = InstanceType<typeof InvoicesSpApi.InvoicesApi>;

/** What the SDK rejects with on a non-2xx answer (superagent's error). */
export interface SdkError {
  status: number;
  response: {
    body: { errors: { code: string; message?: string; details?: string }[] };
    headers: Record<string, string>;
  };
}

/**
 * The official SDK, fetching its own tokens (pair it with redirectLwaTo(url)). Its client-side
 * rate limiter is off: the server enforces the plans and tests must see what it does.
 */
export function sdkClient(url: string, seller: Seller) {
  const client = new InvoicesSpApi.ApiClient(url);
  client.enableAutoRetrievalAccessToken(seller.clientId, seller.clientSecret, seller.refreshToken);
  client.disableRateLimiter();
  return { client, api: new InvoicesSpApi.InvoicesApi(client) as InvoicesApi };
}

export function sdkFor(url: string, seller: Seller): InvoicesApi {
  return sdkClient(url, seller).api;
}

/** The error a call was expected to fail with. */
export async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** Polls `check` until it returns something other than undefined/false. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 20, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A signed download link lives 30 seconds (DOWNLOAD_URL_TTL_SECONDS): it still downloads at 29 s on
 * the app's clock and is refused, saying so, at 31 s. Moves `clock` forward by 31 s.
 */
export async function expectLinkExpiresAfter30s(
  clock: { advance(ms: number): void },
  url: string,
): Promise<void> {
  clock.advance(29_000);
  expect((await fetch(url)).status).toBe(200);
  clock.advance(2_000);
  const expired = await fetch(url);
  expect(expired.status).toBe(403);
  expect(await expired.text()).toMatch(/expired/);
}
