import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainError } from '../../../src/core/errors.js';
import { renderKauflandError } from '../../../src/http/kaufland/errors.js';
import { verifyKauflandRequest } from '../../../src/http/kaufland/signature.js';
import {
  encodeComponent,
  jsonAsciiEscaped,
  type KauflandClient,
  kauflandClient,
  signKaufland,
  type UrlSpelling,
} from '../../support/kaufland-client.js';
import { validateKaufland } from '../../support/kaufland-model.js';
import { CLIENT_KEY, CREDENTIAL, PUBLISHED_VECTOR as V } from './vector.js';

describe('the test client’s signature', () => {
  it('reproduces the published vector on its own', () => {
    expect(signKaufland(V.secret, V.method, V.url, V.body, V.timestamp)).toBe(V.signature);
    expect(signKaufland(V.secret, V.method, V.url, new Uint8Array(0), String(V.timestamp))).toBe(V.signature);
  });

  it('does not borrow the product’s signing code', () => {
    const source = fs.readFileSync(new URL('../../support/kaufland-client.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from '[^']*src\//);
  });
});

describe('the test client’s spellings', () => {
  it('spells : and spaces and hex digits as asked', () => {
    const value = '2024-01-01T00:00:00 +02:00';
    expect(encodeComponent(value, {}, true)).toBe('2024-01-01T00:00:00%20%2B02:00');
    expect(encodeComponent(value, { colon: 'encoded' }, true)).toBe('2024-01-01T00%3A00%3A00%20%2B02%3A00');
    expect(encodeComponent(value, { space: 'plus' }, true)).toBe('2024-01-01T00:00:00+%2B02:00');
    expect(encodeComponent(value, { colon: 'encoded', hexCase: 'lower' }, true)).toBe(
      '2024-01-01T00%3a00%3a00%20%2b02%3a00',
    );
    expect(encodeComponent('a b', { space: 'plus' }, false)).toBe('a%20b');
  });

  it('escapes every non-ASCII character of a JSON body', () => {
    const value = { original_name: 'Müller – 🧾.pdf' };
    const text = jsonAsciiEscaped(value);
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toContain('\\u00fc');
    expect(text).toContain('\\ud83e\\uddfe');
    expect(JSON.parse(text)).toEqual(value);
  });
});

/**
 * A bare HTTP server in front of the verifier: proves that what the client signs is what arrives
 * (node's request.url and body, untouched) for every spelling, without the app.
 */
describe('the test client against the verifier over a socket', () => {
  let server: http.Server;
  let base: string;
  let client: KauflandClient;
  const received: { url: string; body: Buffer }[] = [];
  const lookup = (key: string) => (key === CLIENT_KEY ? CREDENTIAL : undefined);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push({ url: req.url ?? '', body });
        verifyKauflandRequest(
          {
            method: req.method ?? '',
            publicBaseUrl: base,
            rawUrl: req.url ?? '',
            body,
            headers: req.headers,
            now: new Date(),
          },
          lookup,
        ).then(
          () => res.writeHead(204).end(),
          (err: DomainError) => {
            const { status, body: problem } = renderKauflandError(err);
            res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(problem));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = kauflandClient({ baseUrl: `${base}/kaufland/v2`, clientKey: CLIENT_KEY, secret: V.secret });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const spellings: UrlSpelling[] = [];
  for (const colon of ['raw', 'encoded'] as const)
    for (const space of ['percent', 'plus'] as const)
      for (const hexCase of ['upper', 'lower'] as const)
        for (const trailingSlash of [false, true]) spellings.push({ colon, space, hexCase, trailingSlash });

  it.each(spellings)('is accepted and arrives unchanged when spelled %o', async (spelling) => {
    const res = await client.request({
      method: 'GET',
      segments: ['order-invoices'],
      query: [
        ['ts_created_from_iso', '2024-01-01T00:00:00+02:00'],
        ['note', 'a b'],
        ['limit', '5'],
      ],
      spelling,
    });
    expect(res.status, res.text).toBe(204);
    expect(received.at(-1)?.url).toBe(res.sent.path);
    expect(res.sent.url).toBe(`${base}${res.sent.path}`);
    if (spelling.colon === 'raw') expect(res.sent.path).toContain('T00:00:00');
    else expect(res.sent.path).toMatch(/T00%3[Aa]00/);
    expect(res.sent.path).toContain(spelling.space === 'plus' ? 'note=a+b' : 'note=a%20b');
    expect(res.sent.path.split('?')[0]?.endsWith('/')).toBe(Boolean(spelling.trailingSlash));
  });

  it('produces all 16 spellings as different URLs', () => {
    const urls = new Set(spellings.map((s) => client.urlFor(['order-invoices'], [['t', '00:00 +x']], s)));
    expect(urls.size).toBe(16);
  });

  const upload = {
    original_name: 'Rechnung Müller – März 🧾.pdf',
    mime_type: 'application/pdf',
    data: 'JVBERi0xLjQK',
  };

  it.each(['utf8', 'escaped'] as const)('sends and signs a JSON body as %s', async (bodyEncoding) => {
    const res = await client.request({
      method: 'POST',
      segments: ['order-invoices', 'MB7UWLD'],
      body: upload,
      bodyEncoding,
    });
    expect(res.status, res.text).toBe(204);
    const arrived = received.at(-1)?.body ?? Buffer.alloc(0);
    expect(arrived.equals(res.sent.body)).toBe(true);
    expect(JSON.parse(arrived.toString('utf8'))).toEqual(upload);
    expect(arrived.includes(Buffer.from('Müller', 'utf8'))).toBe(bodyEncoding === 'utf8');
    expect(validateKaufland('OrderInvoiceUploadRequest', upload)).toEqual([]);
  });

  async function expectProblem(res: Awaited<ReturnType<KauflandClient['request']>>, type: string) {
    expect(res.status, res.text).toBe(401);
    const body = res.json<{ type: string }>();
    expect(validateKaufland('ErrorResponse', body)).toEqual([]);
    expect(body.type).toBe(type);
  }

  it('is refused when the body was signed as UTF-8 but sent with \\u escapes', async () => {
    const res = await client.request({
      method: 'POST',
      segments: ['order-invoices', 'MB7UWLD'],
      body: upload,
      bodyEncoding: 'escaped',
      signAs: { body: JSON.stringify(upload) },
    });
    await expectProblem(res, '/problems/corrupted-signature');
  });

  it('is refused when the signed URL differs from the sent one by one character', async () => {
    const sentUrl = client.urlFor(['order-invoices'], [['ts_created_from_iso', '2024-01-01T00:00:00Z']]);
    const res = await client.request({
      method: 'GET',
      segments: ['order-invoices'],
      query: [['ts_created_from_iso', '2024-01-01T00:00:00Z']],
      signAs: { url: sentUrl.replace('T00:00:00Z', 'T00:00:01Z') },
    });
    await expectProblem(res, '/problems/corrupted-signature');
  });

  it.each([
    ['a stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 3600 }, '/problems/unauthorized'],
    ['an unknown key', { clientKey: 'b'.repeat(32) }, '/problems/unauthorized'],
    ['a non-numeric timestamp', { timestamp: 'now' }, '/problems/missing-or-invalid-request-header'],
    ['no timestamp', { timestamp: null }, '/problems/missing-or-invalid-request-header'],
    ['no signature', { signature: null }, '/problems/missing-or-invalid-request-header'],
    ['a wrong signature', { signature: '0'.repeat(64) }, '/problems/corrupted-signature'],
  ] as const)('is refused with %s', async (_, override, type) => {
    const res = await client.request({ method: 'GET', segments: ['order-invoices'], ...override });
    await expectProblem(res, type);
  });
});
