import { describe, expect, it, vi } from 'vitest';
import { UnauthorizedError } from '../../../src/core/errors.js';
import { AuthHeaderError, SignatureMismatchError } from '../../../src/http/kaufland/auth-errors.js';
import {
  type KauflandSignedRequest,
  kauflandFullUrl,
  kauflandSignature,
  verifyKauflandRequest,
} from '../../../src/http/kaufland/signature.js';
import { CLIENT_KEY, CREDENTIAL, PUBLISHED_VECTOR as V } from './vector.js';

const BASE = 'https://invoices.example.com';
const NOW = new Date(V.timestamp * 1000);
const lookup = (key: string) => (key === CLIENT_KEY ? CREDENTIAL : undefined);

/** A request signed over `signedUrl`/`signedBody` (by default: what is sent). */
function signed(
  rawUrl: string,
  opts: {
    method?: string;
    body?: Uint8Array | string;
    signedUrl?: string;
    signedBody?: Uint8Array | string;
    timestamp?: string;
    base?: string;
    headers?: Record<string, string | string[]>;
  } = {},
): KauflandSignedRequest {
  const method = opts.method ?? 'GET';
  const base = opts.base ?? BASE;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
  const timestamp = opts.timestamp ?? String(V.timestamp);
  const signature = kauflandSignature(
    V.secret,
    method,
    opts.signedUrl ?? kauflandFullUrl(base, rawUrl),
    opts.signedBody ?? body ?? '',
    timestamp,
  );
  return {
    method,
    publicBaseUrl: base,
    rawUrl,
    body,
    now: NOW,
    headers: {
      'shop-client-key': CLIENT_KEY,
      'shop-timestamp': timestamp,
      'shop-signature': signature,
      ...opts.headers,
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<UnauthorizedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnauthorizedError);
  return err as UnauthorizedError;
}

describe('kauflandSignature', () => {
  it('reproduces the published vector', () => {
    expect(kauflandSignature(V.secret, V.method, V.url, V.body, V.timestamp)).toBe(V.signature);
    expect(kauflandSignature(V.secret, V.method, V.url, new Uint8Array(0), String(V.timestamp))).toBe(
      V.signature,
    );
  });

  it('signs a string body as its UTF-8 bytes', () => {
    const text = '{"original_name":"Rechnung-Müller.pdf"}';
    expect(kauflandSignature(V.secret, 'POST', V.url, text, V.timestamp)).toBe(
      kauflandSignature(V.secret, 'POST', V.url, Buffer.from(text, 'utf8'), V.timestamp),
    );
  });
});

describe('kauflandFullUrl', () => {
  it('joins the public base URL and the target as received', () => {
    expect(kauflandFullUrl('https://sellerapi.kaufland.com', '/v2/units/')).toBe(V.url);
    expect(kauflandFullUrl('https://sellerapi.kaufland.com/', '/v2/units/')).toBe(V.url);
    expect(kauflandFullUrl('https://sellerapi.kaufland.com/v2', '/units/')).toBe(V.url);
    expect(kauflandFullUrl(BASE, '/kaufland/v2/order-invoices?x=a%3Ab+c')).toBe(
      `${BASE}/kaufland/v2/order-invoices?x=a%3Ab+c`,
    );
  });

  it('takes only path and query from an absolute-form target', () => {
    expect(kauflandFullUrl(BASE, 'http://evil.example/kaufland/v2/x?y=1')).toBe(`${BASE}/kaufland/v2/x?y=1`);
  });
});

describe('verifyKauflandRequest', () => {
  it('accepts the published vector and returns the credential', async () => {
    const request: KauflandSignedRequest = {
      method: V.method,
      publicBaseUrl: 'https://sellerapi.kaufland.com',
      rawUrl: '/v2/units/',
      body: undefined,
      now: NOW,
      headers: {
        'shop-client-key': CLIENT_KEY,
        'shop-timestamp': String(V.timestamp),
        'shop-signature': V.signature,
      },
    };
    await expect(verifyKauflandRequest(request, lookup)).resolves.toBe(CREDENTIAL);
    // behind a proxy that strips /v2: the prefix lives in the public base URL
    await expect(
      verifyKauflandRequest(
        { ...request, publicBaseUrl: 'https://sellerapi.kaufland.com/v2', rawUrl: '/units/' },
        lookup,
      ),
    ).resolves.toBe(CREDENTIAL);
  });

  const SPELLINGS = [
    '/kaufland/v2/order-invoices',
    '/kaufland/v2/order-invoices/',
    '/kaufland/v2/order-invoices?ts_created_from_iso=2024-01-01T00:00:00Z&limit=5',
    '/kaufland/v2/order-invoices?ts_created_from_iso=2024-01-01T00%3A00%3A00Z&limit=5',
    '/kaufland/v2/order-invoices?ts_created_from_iso=2024-01-01T00%3a00%3a00Z&limit=5',
    '/kaufland/v2/order-invoices/?limit=5&storefront=de',
    '/kaufland/v2/order-invoices?storefront=de&limit=5',
    '/kaufland/v2/order-invoices?note=a+b',
    '/kaufland/v2/order-invoices?note=a%20b',
    '/kaufland/v2/order-invoices?ts_created_from_iso=2024-01-01T00:00:00%2B02:00',
    '/kaufland/v2/order-invoices/MB7UWLD/9346462',
    '/kaufland/v2/order-invoices/MB7UWLD/9346462/',
  ];

  it.each(SPELLINGS)('accepts %s when signed as sent', async (rawUrl) => {
    await expect(verifyKauflandRequest(signed(rawUrl), lookup)).resolves.toBe(CREDENTIAL);
  });

  it.each(SPELLINGS)(
    'rejects %s when the signed URL differs from it by any one character',
    async (rawUrl) => {
      const sent = kauflandFullUrl(BASE, rawUrl);
      for (let i = 0; i < sent.length; i++) {
        const other = sent[i] === 'a' ? 'b' : 'a';
        const signedUrl = sent.slice(0, i) + other + sent.slice(i + 1);
        const err = await rejection(verifyKauflandRequest(signed(rawUrl, { signedUrl }), lookup));
        expect(err, `position ${i}`).toBeInstanceOf(SignatureMismatchError);
      }
    },
  );

  it.each([
    ['%3A signed, : sent', '/kaufland/v2/order-invoices?t=00%3A00', '/kaufland/v2/order-invoices?t=00:00'],
    [
      '%3a signed, %3A sent',
      '/kaufland/v2/order-invoices?t=00%3a00',
      '/kaufland/v2/order-invoices?t=00%3A00',
    ],
    ['+ signed, %20 sent', '/kaufland/v2/order-invoices?n=a+b', '/kaufland/v2/order-invoices?n=a%20b'],
    ['trailing slash signed, none sent', '/kaufland/v2/order-invoices/', '/kaufland/v2/order-invoices'],
    ['no trailing slash signed, one sent', '/kaufland/v2/order-invoices', '/kaufland/v2/order-invoices/'],
  ])('rejects another spelling than the one sent (%s)', async (_, signedTarget, sentTarget) => {
    const err = await rejection(
      verifyKauflandRequest(signed(sentTarget, { signedUrl: `${BASE}${signedTarget}` }), lookup),
    );
    expect(err).toBeInstanceOf(SignatureMismatchError);
    expect(err.message).toContain(`${BASE}${sentTarget}`);
  });

  it('rejects a signature made for another method or origin', async () => {
    const rawUrl = '/kaufland/v2/order-invoices/MB7UWLD/1';
    const asGet = signed(rawUrl, { method: 'GET' });
    const err = await rejection(verifyKauflandRequest({ ...asGet, method: 'DELETE' }, lookup));
    expect(err).toBeInstanceOf(SignatureMismatchError);
    const httpSigned = signed(rawUrl, { signedUrl: `http://invoices.example.com${rawUrl}` });
    expect(await rejection(verifyKauflandRequest(httpSigned, lookup))).toBeInstanceOf(SignatureMismatchError);
  });

  describe('body', () => {
    const upload = {
      original_name: 'Rechnung Müller – März 🧾.pdf',
      mime_type: 'application/pdf',
      data: 'JVBERi0=',
    };
    const utf8 = JSON.stringify(upload);
    const escaped = utf8.replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const rawUrl = '/kaufland/v2/order-invoices/MB7UWLD';

    it('accepts raw UTF-8 and \\u escapes alike when signed as sent', async () => {
      expect(escaped).not.toBe(utf8);
      expect(JSON.parse(escaped)).toEqual(upload);
      for (const text of [utf8, escaped]) {
        await expect(
          verifyKauflandRequest(signed(rawUrl, { method: 'POST', body: text }), lookup),
        ).resolves.toBe(CREDENTIAL);
      }
    });

    it('rejects a body signed as UTF-8 but sent with \\u escapes, and the reverse', async () => {
      for (const [signedBody, sent] of [
        [utf8, escaped],
        [escaped, utf8],
      ] as const) {
        const err = await rejection(
          verifyKauflandRequest(signed(rawUrl, { method: 'POST', body: sent, signedBody }), lookup),
        );
        expect(err).toBeInstanceOf(SignatureMismatchError);
      }
    });

    it('verifies the bytes, not a decoding of them', async () => {
      const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]); // not UTF-8
      await expect(
        verifyKauflandRequest(signed(rawUrl, { method: 'POST', body: bytes }), lookup),
      ).resolves.toBe(CREDENTIAL);
      const replaced = Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf8');
      const err = await rejection(
        verifyKauflandRequest(signed(rawUrl, { method: 'POST', body: bytes, signedBody: replaced }), lookup),
      );
      expect(err).toBeInstanceOf(SignatureMismatchError);
    });

    it('treats a missing body as an empty one', async () => {
      const request = signed(rawUrl, { method: 'POST', signedBody: '' });
      await expect(verifyKauflandRequest({ ...request, body: new Uint8Array(0) }, lookup)).resolves.toBe(
        CREDENTIAL,
      );
      const err = await rejection(
        verifyKauflandRequest(signed(rawUrl, { method: 'POST', signedBody: '{}' }), lookup),
      );
      expect(err).toBeInstanceOf(SignatureMismatchError);
    });
  });

  describe('timestamp', () => {
    const rawUrl = '/kaufland/v2/order-invoices';
    const at = (offsetSeconds: number) => String(V.timestamp + offsetSeconds);

    it.each([-300, -1, 0, 1, 300])('accepts a timestamp %i s from the server clock', async (offset) => {
      await expect(verifyKauflandRequest(signed(rawUrl, { timestamp: at(offset) }), lookup)).resolves.toBe(
        CREDENTIAL,
      );
    });

    it.each([-301, 301, -86_400, 86_400])(
      'rejects a timestamp %i s away, before looking the key up',
      async (offset) => {
        const spy = vi.fn(lookup);
        const err = await rejection(verifyKauflandRequest(signed(rawUrl, { timestamp: at(offset) }), spy));
        expect(err).not.toBeInstanceOf(AuthHeaderError);
        expect(err.reason).toBe('expired');
        expect(err.problems).toEqual([
          { field: 'Shop-Timestamp', message: expect.stringContaining('300 s') },
        ]);
        expect(spy).not.toHaveBeenCalled();
      },
    );

    it('takes the window from the options', async () => {
      const request = signed(rawUrl, { timestamp: at(11) });
      await expect(verifyKauflandRequest(request, lookup, { maxSkewSeconds: 11 })).resolves.toBe(CREDENTIAL);
      const err = await rejection(verifyKauflandRequest(request, lookup, { maxSkewSeconds: 10 }));
      expect(err.reason).toBe('expired');
    });

    it.each([
      'abc',
      '1411055926.0',
      '-1411055926',
      '+1411055926',
      '1.411055926e9',
      ' 1411055926',
      '2014-09-18T15:58:46Z',
      '1411055926000000000',
    ])('rejects the non-integer or absurd timestamp %j as a malformed header', async (timestamp) => {
      const err = await rejection(verifyKauflandRequest(signed(rawUrl, { timestamp }), lookup));
      expect(err).toBeInstanceOf(AuthHeaderError);
      expect(err.reason).toBe('invalid');
      expect(err.problems.map((p) => p.field)).toEqual(['Shop-Timestamp']);
    });
  });

  describe('headers', () => {
    const rawUrl = '/kaufland/v2/order-invoices';

    it.each(['Shop-Client-Key', 'Shop-Timestamp', 'Shop-Signature'])(
      'rejects a request without %s',
      async (name) => {
        const request = signed(rawUrl);
        const headers = { ...request.headers };
        delete headers[name.toLowerCase()];
        const spy = vi.fn(lookup);
        const err = await rejection(verifyKauflandRequest({ ...request, headers }, spy));
        expect(err).toBeInstanceOf(AuthHeaderError);
        expect(err.reason).toBe('missing');
        expect(err.problems).toEqual([{ field: name, message: 'is required' }]);
        expect(spy).not.toHaveBeenCalled();
      },
    );

    it('names every missing header at once', async () => {
      const err = await rejection(verifyKauflandRequest({ ...signed(rawUrl), headers: {} }, lookup));
      expect(err.problems.map((p) => p.field)).toEqual([
        'Shop-Client-Key',
        'Shop-Timestamp',
        'Shop-Signature',
      ]);
    });

    it('finds the headers whatever the case of their names', async () => {
      const request = signed(rawUrl);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()),
          v,
        ]),
      );
      expect(Object.keys(headers)).toContain('Shop-Signature');
      await expect(verifyKauflandRequest({ ...request, headers }, lookup)).resolves.toBe(CREDENTIAL);
    });

    it('rejects an unknown client key after asking the lookup', async () => {
      const spy = vi.fn(lookup);
      const request = signed(rawUrl, { headers: { 'shop-client-key': 'f'.repeat(32) } });
      const err = await rejection(verifyKauflandRequest(request, spy));
      expect(spy).toHaveBeenCalledWith('f'.repeat(32));
      expect(err).not.toBeInstanceOf(AuthHeaderError);
      expect(err).not.toBeInstanceOf(SignatureMismatchError);
      expect(err.reason).toBe('invalid');
      expect(err.problems.map((p) => p.field)).toEqual(['Shop-Client-Key']);
    });

    it('rejects a wrong signature, and accepts the right one in upper case', async () => {
      const request = signed(rawUrl);
      const right = request.headers['shop-signature'] as string;
      const wrong = (right[0] === '0' ? '1' : '0') + right.slice(1);
      const err = await rejection(
        verifyKauflandRequest(
          { ...request, headers: { ...request.headers, 'shop-signature': wrong } },
          lookup,
        ),
      );
      expect(err).toBeInstanceOf(SignatureMismatchError);
      expect(err.problems).toEqual([{ field: 'Shop-Signature', message: 'does not match the request' }]);
      await expect(
        verifyKauflandRequest(
          { ...request, headers: { ...request.headers, 'shop-signature': right.toUpperCase() } },
          lookup,
        ),
      ).resolves.toBe(CREDENTIAL);
    });

    it.each([
      ['a signature of 63 digits', 'shop-signature', 'a'.repeat(63)],
      ['a signature of 65 digits', 'shop-signature', 'a'.repeat(65)],
      ['a base64 signature', 'shop-signature', Buffer.alloc(32).toString('base64')],
      ['a client key with a space', 'shop-client-key', 'abc def'],
      ['a client key of 129 characters', 'shop-client-key', 'k'.repeat(129)],
    ])('rejects %s as a malformed header', async (_, name, value) => {
      const err = await rejection(
        verifyKauflandRequest(signed(rawUrl, { headers: { [name]: value } }), lookup),
      );
      expect(err).toBeInstanceOf(AuthHeaderError);
      expect(err.reason).toBe('invalid');
    });

    it('rejects a header sent twice', async () => {
      const request = signed(rawUrl);
      const sig = request.headers['shop-signature'] as string;
      const err = await rejection(
        verifyKauflandRequest(
          { ...request, headers: { ...request.headers, 'shop-signature': [sig, sig] } },
          lookup,
        ),
      );
      expect(err).toBeInstanceOf(AuthHeaderError);
      expect(err.problems).toEqual([{ field: 'Shop-Signature', message: 'must be sent once' }]);
    });
  });
});
