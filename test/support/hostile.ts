import { ADMIN_TOKEN, type TestApp } from './app.js';
import { signKaufland } from './kaufland-client.js';

/** Support for the hostile-input sweep: the cases' shape, garbage bodies, and the judge. */
export type Dialect = 'admin' | 'spapi' | 'lwa' | 'files' | 'kaufland' | 'sellercenter';
export type Body = string | Uint8Array | (() => ReadableStream<Uint8Array>);

export interface Case {
  name: string;
  dialect: Dialect;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Body;
  /** Defaults to "some 4xx". */
  status?: number;
  /** Send the dialect's credentials (default true). */
  auth?: boolean;
}

export const MIB = 1024 * 1024;
export const JSON_TYPE = { 'content-type': 'application/json' };

/** `total` bytes streamed without a Content-Length (chunked), after `head`. */
export const chunked =
  (total: number, head = '{"name":"') =>
  (): ReadableStream<Uint8Array> => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
        const chunk = new Uint8Array(64 * 1024).fill(0x61);
        controller.enqueue(chunk);
        sent += chunk.length;
        if (sent >= total) controller.close();
      },
    });
  };

/** Bodies that must never get past a JSON route: [label, body, content type (default JSON)]. */
export function jsonGarbage(valid: Record<string, unknown>): [string, Body, string?][] {
  const text = JSON.stringify(valid);
  const mistyped = Object.fromEntries(Object.keys(valid).map((k) => [k, { nested: [1] }]));
  return [
    ['malformed JSON', text.slice(0, -3)],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['an empty object', '{}'],
    ['wrong types', JSON.stringify(mistyped)],
    ['unknown keys', JSON.stringify({ ...valid, isAdmin: true })],
    ['__proto__ key', `{"__proto__":{"polluted":true},${text.slice(1)}`],
    ['constructor.prototype', `{"constructor":{"prototype":{"polluted":true}},${text.slice(1)}`],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['2 MiB body', JSON.stringify({ ...valid, pad: 'x'.repeat(2 * MIB) })],
    ['2 MiB chunked body', chunked(2 * MIB)],
    ['empty body', ''],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['UTF-16LE with BOM', new Uint8Array(Buffer.from(`\ufeff${text}`, 'utf16le'))],
    [
      'UTF-16 declared and sent',
      new Uint8Array(Buffer.from(text, 'utf16le')),
      'application/json; charset=utf-16',
    ],
    ['as text/plain', text, 'text/plain'],
    ['as form', 'name=x&cnpj=y', 'application/x-www-form-urlencoded'],
    ['as XML', '<seller><name>x</name></seller>', 'application/xml'],
    ['as multipart', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x'],
    ['unknown content type', text, 'application/x-garbage'],
  ];
}

/** The credentials each dialect's cases are sent with. */
export interface SweepCredentials {
  accessToken: string;
  kaufland?: { clientKey: string; secret: string };
}

/** Kaufland's headers for the request as sent (a streamed body is signed as empty: it then fails). */
function kauflandHeaders(t: TestApp, c: Case, key: { clientKey: string; secret: string }) {
  const body = typeof c.body === 'string' || c.body instanceof Uint8Array ? c.body : '';
  const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
  return {
    'shop-client-key': key.clientKey,
    'shop-timestamp': timestamp,
    'shop-signature': signKaufland(key.secret, c.method, t.url + c.path, body, timestamp),
  };
}

export async function send(t: TestApp, c: Case, credentials: SweepCredentials): Promise<Response> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  if (c.auth !== false) {
    if (c.dialect === 'admin') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    if (c.dialect === 'spapi') headers['x-amz-access-token'] = credentials.accessToken;
    if (c.dialect === 'kaufland' && credentials.kaufland) {
      Object.assign(headers, kauflandHeaders(t, c, credentials.kaufland));
    }
  }
  const body = typeof c.body === 'function' ? c.body() : c.body;
  return fetch(t.url + c.path, {
    method: c.method,
    headers,
    ...(body !== undefined ? { body, duplex: 'half' } : {}),
  } as RequestInit);
}

/** What is wrong with an answer, or null: < 500, the expected status, the dialect's error shape. */
export function judge(c: Case, res: Response, text: string): string | null {
  const show = `${res.status} ${text.slice(0, 200)}`;
  if (res.status >= 500) return show;
  if (c.status !== undefined ? res.status !== c.status : res.status < 400)
    return `expected ${c.status ?? '4xx'}, got ${show}`;
  if (res.status < 400) return null;
  const type = res.headers.get('content-type') ?? '';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `not JSON: ${show}`;
  }
  if (c.dialect === 'admin') {
    if (!type.startsWith('application/problem+json')) return `content-type ${type}: ${show}`;
    const ok =
      body.status === res.status &&
      typeof body.type === 'string' &&
      typeof body.title === 'string' &&
      typeof body.detail === 'string';
    return ok ? null : `not a problem: ${show}`;
  }
  if (c.dialect === 'sellercenter') {
    if (!type.startsWith('application/problem+json')) return `content-type ${type}: ${show}`;
    const ok =
      body.status === res.status && typeof body.title === 'string' && typeof body.detail === 'string';
    return ok ? null : `not a SellerCenter problem: ${show}`;
  }
  if (!type.startsWith('application/json')) return `content-type ${type}: ${show}`;
  if (c.dialect === 'kaufland') {
    const keys = Object.keys(body).sort().join(',');
    return keys === 'errors,message,type' && typeof body.type === 'string' && Array.isArray(body.errors)
      ? null
      : `not a Kaufland error: ${show}`;
  }
  if (c.dialect === 'lwa') {
    const keys = Object.keys(body).sort().join(',');
    return keys === 'error,error_description' && typeof body.error === 'string'
      ? null
      : `not an LWA error: ${show}`;
  }
  const errors = body.errors as { code?: unknown; message?: unknown }[] | undefined;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  if (typeof first?.code !== 'string' || typeof first?.message !== 'string') return `not SP-API: ${show}`;
  // Signed download links answer in SP-API's error shape but are not SP-API operations.
  if (c.dialect === 'spapi' && !res.headers.get('x-amzn-requestid')) return 'no x-amzn-RequestId';
  return null;
}

/** Runs every case; returns one line per case that went wrong. */
export async function sweep(
  t: TestApp,
  cases: Case[],
  credentials: string | SweepCredentials,
): Promise<string[]> {
  const creds = typeof credentials === 'string' ? { accessToken: credentials } : credentials;
  const failures: string[] = [];
  for (const c of cases) {
    try {
      const res = await send(t, c, creds);
      const problem = judge(c, res, await res.text());
      if (problem) failures.push(`${c.name}: ${problem}`);
    } catch (err) {
      failures.push(`${c.name}: request failed (${(err as Error).message})`);
    }
  }
  return failures;
}

export const TABLES = [
  'sellers',
  'credentials',
  'access_tokens',
  'invoices',
  'invoice_documents',
  'invoice_transactions',
  'nfe_events',
  'orders',
  'order_items',
  'invoice_exports',
  'export_documents',
  'government_invoice_requests',
  'seller_webhooks',
  'order_invoices',
] as const;
