/**
 * A Kaufland Seller API client for tests, written from Kaufland's published signing algorithm and
 * independent of src/http/kaufland: it signs exactly the URL it puts on the wire and exactly the
 * bytes it sends. Requests go through node:http with a raw path, so nothing re-encodes the URL
 * after signing (fetch's WHATWG URL parsing would).
 */
import { createHmac } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** HMAC-SHA256, keyed with the secret's text, of METHOD \n URL \n BODY \n TIMESTAMP, lowercase hex. */
export function signKaufland(
  secret: string,
  method: string,
  url: string,
  body: Uint8Array | string,
  timestamp: string | number,
): string {
  const message = Buffer.concat([
    Buffer.from(`${method}\n${url}\n`, 'utf8'),
    typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body),
    Buffer.from(`\n${timestamp}`, 'utf8'),
  ]);
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(message).digest('hex');
}

/** How the client spells a URL; every choice is one real clients make. */
export interface UrlSpelling {
  /** `:` left as is (default) or sent as `%3A`. */
  colon?: 'raw' | 'encoded';
  /** A space in the query as `%20` (default) or `+`. */
  space?: 'percent' | 'plus';
  /** Hex digits of percent-escapes in upper (default) or lower case. */
  hexCase?: 'upper' | 'lower';
  /** A `/` after the last path segment (Kaufland's own examples have one). */
  trailingSlash?: boolean;
}

/** Percent-encodes everything but RFC 3986's unreserved characters, then applies the spelling. */
export function encodeComponent(value: string, spelling: UrlSpelling = {}, inQuery = false): string {
  let out = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  if (spelling.colon !== 'encoded') out = out.replace(/%3A/g, ':');
  if (inQuery && spelling.space === 'plus') out = out.replace(/%20/g, '+');
  if (spelling.hexCase === 'lower') out = out.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
  return out;
}

/** A JSON text whose non-ASCII characters are `\uXXXX` escapes (surrogate pairs as two). */
export function jsonAsciiEscaped(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export interface KauflandRequest {
  method: string;
  /** Path segments after the base URL, each encoded (`['order-invoices', 'MB7UWLD']`). */
  segments?: string[];
  query?: [string, string][];
  spelling?: UrlSpelling;
  /** The request target exactly as sent, replacing `segments`/`query`/`spelling` (base path included). */
  rawPath?: string;
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown;
  /** For JSON bodies: non-ASCII as raw UTF-8 (default) or as `\u` escapes. */
  bodyEncoding?: 'utf8' | 'escaped';
  contentType?: string;
  /** Overrides for negative tests: the header value sent, or null to leave the header out. */
  timestamp?: string | number | null;
  signature?: string | null;
  clientKey?: string | null;
  /** Sign a URL or body other than the one sent. */
  signAs?: { url?: string; body?: Uint8Array | string };
}

export interface KauflandResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): T;
  /** What went on the wire and what was signed. */
  sent: { path: string; url: string; body: Buffer; timestamp: string | null; signature: string | null };
}

export interface KauflandClient {
  /** The full URL (base + target) for these segments, query and spelling. */
  urlFor(segments: string[], query?: [string, string][], spelling?: UrlSpelling): string;
  request(req: KauflandRequest): Promise<KauflandResponse>;
}

export function kauflandClient(options: {
  /** `http://127.0.0.1:8080/kaufland/v2`: origin as the client writes it, then the base path. */
  baseUrl: string;
  clientKey: string;
  secret: string;
  now?: () => Date;
}): KauflandClient {
  const match = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/.exec(options.baseUrl);
  if (!match) throw new Error(`not an http(s) base URL: ${options.baseUrl}`);
  const [, scheme, authority = '', basePathRaw = ''] = match;
  const origin = `${scheme}://${authority}`;
  const basePath = basePathRaw.replace(/\/+$/, '');
  const { hostname, port } = new URL(origin);
  const now = options.now ?? (() => new Date());

  const targetFor = (segments: string[], query: [string, string][] = [], spelling: UrlSpelling = {}) => {
    const path = `${basePath}/${segments.map((s) => encodeComponent(s, spelling)).join('/')}`;
    const slash = spelling.trailingSlash && !path.endsWith('/') ? '/' : '';
    const qs = query.map(
      ([k, v]) => `${encodeComponent(k, spelling, true)}=${encodeComponent(v, spelling, true)}`,
    );
    return `${path}${slash}${qs.length ? `?${qs.join('&')}` : ''}`;
  };

  return {
    urlFor: (segments, query, spelling) => `${origin}${targetFor(segments, query, spelling)}`,

    request(req) {
      const path = req.rawPath ?? targetFor(req.segments ?? [], req.query, req.spelling);
      const url = `${origin}${path}`;
      let body: Buffer;
      let contentType = req.contentType;
      if (req.body === undefined) body = Buffer.alloc(0);
      else if (typeof req.body === 'string') body = Buffer.from(req.body, 'utf8');
      else if (req.body instanceof Uint8Array) body = Buffer.from(req.body);
      else {
        const text = req.bodyEncoding === 'escaped' ? jsonAsciiEscaped(req.body) : JSON.stringify(req.body);
        body = Buffer.from(text, 'utf8');
        contentType ??= 'application/json';
      }
      const timestamp =
        req.timestamp === null ? null : String(req.timestamp ?? Math.floor(now().getTime() / 1000));
      const signature =
        req.signature !== undefined
          ? req.signature
          : signKaufland(
              options.secret,
              req.method,
              req.signAs?.url ?? url,
              req.signAs?.body ?? body,
              timestamp ?? '',
            );
      const clientKey = req.clientKey !== undefined ? req.clientKey : options.clientKey;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (clientKey !== null) headers['shop-client-key'] = clientKey;
      if (timestamp !== null) headers['shop-timestamp'] = timestamp;
      if (signature !== null) headers['shop-signature'] = signature;
      if (contentType) headers['content-type'] = contentType;
      if (body.length > 0 || req.method === 'POST') headers['content-length'] = String(body.length);

      return new Promise<KauflandResponse>((resolve, reject) => {
        const send = scheme === 'https' ? https.request : http.request;
        const outgoing = send(
          { host: hostname.replace(/^\[|\]$/g, ''), port, method: req.method, path, headers, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text,
                json: <T>() => JSON.parse(text) as T,
                sent: { path, url, body, timestamp, signature },
              });
            });
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    },
  };
}
