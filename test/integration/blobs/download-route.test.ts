import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_ACTION, UrlSigner } from '../../../src/core/downloads/url-signer.js';
import type { BlobStore } from '../../../src/core/ports/blob-store.js';
import {
  contentDisposition,
  downloadRoutes,
  downloadUrl,
  redactFileToken,
} from '../../../src/http/files/download-route.js';
import { ManualClock } from '../../../src/infra/clock.js';
import { backends, digestOf, generatedBody, MiB, type TestBackend, uniquePrefix } from './helpers.js';

const SECRET = 'route-test-signing-secret-32-chars-or-more';

describe('redactFileToken / contentDisposition / downloadUrl', () => {
  it('redacts the token segment and keeps the rest of the URL', () => {
    expect(redactFileToken('/files/abc.def')).toBe('/files/[redacted]');
    expect(redactFileToken('/files/abc.def?x=1')).toBe('/files/[redacted]?x=1');
    expect(redactFileToken('/api/files/abc/def')).toBe('/api/files/[redacted]');
    expect(redactFileToken('/v1/invoices?files=1')).toBe('/v1/invoices?files=1');
  });

  it('builds RFC 6266 dispositions with an ASCII fallback', () => {
    expect(contentDisposition('report.zip')).toBe(
      `attachment; filename="report.zip"; filename*=UTF-8''report.zip`,
    );
    expect(contentDisposition('Relatório "março" (1)/x.zip')).toBe(
      `attachment; filename="Relat_rio _mar_o_ (1)_x.zip"; filename*=UTF-8''Relat%C3%B3rio%20%22mar%C3%A7o%22%20%281%29_x.zip`,
    );
  });

  it('joins base URL and token', () => {
    expect(downloadUrl('https://h.example/base/', 'tok')).toBe('https://h.example/base/files/tok');
  });
});

describe.each(backends)('GET /files/:token over real HTTP: $name', ({ make }) => {
  let b: TestBackend;
  let app: FastifyInstance;
  let base: string;
  const clock = new ManualClock(new Date('2031-02-03T04:05:06Z'));
  const signer = new UrlSigner(SECRET, clock);
  const logs: string[] = [];
  const issued: string[] = [];
  const prefix = uniquePrefix('route');
  const key = `${prefix}part-0001.zip`;
  const bytes = randomBytes(3 * MiB + 17);

  const sign = (opts: { key?: string; action?: string; filename?: string; contentType?: string } = {}) => {
    const token = signer.sign({ key, action: DOWNLOAD_ACTION, ttlSeconds: 30, ...opts });
    issued.push(token);
    return token;
  };

  beforeAll(async () => {
    b = await make();
    app = Fastify({
      logger: {
        level: 'info',
        stream: { write: (line: string) => logs.push(line) },
        serializers: { req: (req) => ({ method: req.method, url: redactFileToken(req.url) }) },
      },
    });
    await app.register(downloadRoutes, { store: b.store, signer });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await b.store.put(key, bytes, { contentType: 'application/zip' });
  });
  afterAll(async () => {
    await app?.close();
    await b?.cleanup();
  });

  async function expectError(res: Response, status: number, code: string): Promise<string> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { errors: { code: string; message: string; details: string }[] };
    expect(body).toEqual({ errors: [{ code, message: expect.any(String), details: expect.any(String) }] });
    return body.errors[0]!.details;
  }

  it('streams the exact bytes with type, length, disposition and no-store', async () => {
    const token = sign({ filename: 'Relatório março.zip' });
    const res = await fetch(downloadUrl(base, token));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Relat_rio mar_o.zip"; filename*=UTF-8''Relat%C3%B3rio%20mar%C3%A7o.zip`,
    );
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers HEAD with the same headers and no body', async () => {
    const res = await fetch(downloadUrl(base, sign()), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="part-0001.zip"; filename*=UTF-8''part-0001.zip`,
    );
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('uses a content type carried by the token', async () => {
    const res = await fetch(downloadUrl(base, sign({ contentType: 'application/octet-stream' })));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    await res.arrayBuffer();
  });

  it('streams 20 MB generated on the fly, byte for byte', async () => {
    const bigKey = `${prefix}big.zip`;
    const body = generatedBody(20 * MiB + 3);
    await b.store.put(bigKey, body.stream, { contentType: 'application/zip' });
    const res = await fetch(downloadUrl(base, sign({ key: bigKey })));
    expect(res.headers.get('content-length')).toBe(String(20 * MiB + 3));
    expect(await digestOf(res.body!)).toEqual({ digest: body.digest(), size: 20 * MiB + 3 });
  });

  it('survives a client that hangs up mid-download', async () => {
    const controller = new AbortController();
    const res = await fetch(downloadUrl(base, sign()), { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    const again = await fetch(downloadUrl(base, sign()));
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers 403 to a token altered by one character', async () => {
    const token = sign();
    const mid = Math.floor(token.length / 3);
    for (const altered of [
      token.slice(0, mid) + (token[mid] === 'A' ? 'B' : 'A') + token.slice(mid + 1),
      token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'),
    ]) {
      const details = await expectError(await fetch(downloadUrl(base, altered)), 403, 'Unauthorized');
      expect(details).not.toMatch(/expired/);
    }
  });

  it('answers 403 mentioning expiry once the TTL has passed', async () => {
    const token = sign();
    const start = clock.now();
    clock.advance(31_000);
    try {
      const details = await expectError(await fetch(downloadUrl(base, token)), 403, 'Unauthorized');
      expect(details).toMatch(/expired/);
      const head = await fetch(downloadUrl(base, token), { method: 'HEAD' });
      expect(head.status).toBe(403);
    } finally {
      clock.set(start);
    }
  });

  it('answers 403 to a token signed with another secret, or for another action', async () => {
    const foreign = new UrlSigner('some-other-secret-also-32-characters-long', clock).sign({
      key,
      action: DOWNLOAD_ACTION,
      ttlSeconds: 30,
    });
    issued.push(foreign);
    await expectError(await fetch(downloadUrl(base, foreign)), 403, 'Unauthorized');
    await expectError(await fetch(downloadUrl(base, sign({ action: 'upload' }))), 403, 'Unauthorized');
    await expectError(await fetch(`${base}/files/not-a-token`), 403, 'Unauthorized');
    await expectError(await fetch(`${base}/files/`), 403, 'Unauthorized');
  });

  it('answers 404 when the blob is gone', async () => {
    const goneKey = `${prefix}gone.zip`;
    await b.store.put(goneKey, Buffer.from('soon gone'), { contentType: 'application/zip' });
    const token = sign({ key: goneKey });
    await b.store.delete(goneKey);
    await expectError(await fetch(downloadUrl(base, token)), 404, 'NotFound');
    expect((await fetch(downloadUrl(base, token), { method: 'HEAD' })).status).toBe(404);
  });

  it('never writes a token to the request log', () => {
    const all = logs.join('\n');
    expect(all).toContain('/files/[redacted]');
    for (const token of issued) expect(all).not.toContain(token.split('.')[1]);
  });
});

describe('GET /files/:token when the store fails', () => {
  it('answers 503 ServiceUnavailable in the same shape, not a 500', async () => {
    const clock = new ManualClock(new Date('2031-02-03T04:05:06Z'));
    const signer = new UrlSigner(SECRET, clock);
    const broken = {
      kind: 'disk',
      get: async () => {
        throw new Error('EIO: disk went away');
      },
      head: async () => {
        throw new Error('EIO: disk went away');
      },
    } as unknown as BlobStore;
    const app = Fastify({ logger: false });
    await app.register(downloadRoutes, { store: broken, signer });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const token = signer.sign({ key: 'exports/a/part-1.zip', action: DOWNLOAD_ACTION, ttlSeconds: 30 });
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(downloadUrl(base, token), { method });
        expect(res.status).toBe(503);
        if (method === 'GET') {
          expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
            'ServiceUnavailable',
          );
        }
      }
    } finally {
      await app.close();
    }
  });
});
