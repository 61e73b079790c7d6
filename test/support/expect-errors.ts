import { expect } from 'vitest';
import type { DB } from '../../src/infra/db/schema.js';
import type { TestApp } from './app.js';
import type { Seller } from './fixtures.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

/**
 * The operator API's one error shape: RFC 9457 problem details as application/problem+json.
 * When `field` is given, some `errors[].field` must contain it.
 */
export async function expectProblem(res: Response, status: number, field?: string): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof body.detail).toBe('string');
  if (field !== undefined) {
    expect(body.errors, text).toBeInstanceOf(Array);
    expect(
      body.errors?.some((e) => e.field.includes(field) && typeof e.message === 'string' && e.message),
      text,
    ).toBe(true);
  }
  return body;
}

export interface SpApiErrorBody {
  errors: { code: string; message: string; details?: string }[];
}

/** SP-API's error shape `{"errors":[{code, message, details?}]}`, JSON, with a request id. */
export async function expectSpApiError(res: Response, status: number, code: string): Promise<SpApiErrorBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  const body = JSON.parse(text) as SpApiErrorBody;
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]).toMatchObject({ code, message: expect.any(String) });
  for (const key of Object.keys(body.errors[0] as object))
    expect(['code', 'message', 'details']).toContain(key);
  return body;
}

/** LWA's error shape `{error, error_description}`. */
export async function expectLwaError(
  res: Response,
  status: number,
  error: string,
): Promise<{ error: string; error_description: string }> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: string; error_description: string };
  expect(body).toEqual({ error, error_description: expect.any(String) });
  return body;
}

/** Every table a request could write to (the migration log never is). */
type Table = Exclude<keyof DB, 'schema_migrations'>;

/** Row counts of the tables a request could write to. */
export async function countRows<T extends Table>(t: TestApp, tables: T[]): Promise<Record<T, number>> {
  const out = {} as Record<T, number>;
  for (const table of tables) {
    const row = await t.deps.db.db
      .selectFrom(table as Table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

/** POST /auth/o2/token with a JSON body; returns the raw response. */
export function tokenRequest(t: TestApp, body: unknown, contentType = 'application/json'): Promise<Response> {
  return fetch(`${t.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** An access token for the seller through the refresh-token grant. */
export async function accessTokenFor(t: TestApp, seller: Seller): Promise<string> {
  const res = await tokenRequest(t, {
    grant_type: 'refresh_token',
    client_id: seller.clientId,
    client_secret: seller.clientSecret,
    refresh_token: seller.refreshToken,
  });
  if (res.status !== 200) throw new Error(`token grant failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** GET an SP-API path as the holder of `token`. */
export function spApi(t: TestApp, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.url}/tax/invoices/2024-06-19${path}`, {
    ...init,
    headers: { 'x-amz-access-token': token, ...(init.headers as Record<string, string> | undefined) },
  });
}
