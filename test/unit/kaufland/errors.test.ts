import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  InvalidInputError,
  MaintenanceError,
  NotFoundError,
  QuotaExceededError,
  TooLargeError,
  UnauthorizedError,
  UnavailableError,
} from '../../../src/core/errors.js';
import { assertInvoiceSize } from '../../../src/core/order-invoices/upload-rules.js';
import { AuthHeaderError, SignatureMismatchError } from '../../../src/http/kaufland/auth-errors.js';
import { renderKauflandError } from '../../../src/http/kaufland/errors.js';
import { verifyKauflandRequest } from '../../../src/http/kaufland/signature.js';
import { readKauflandModel, validateKaufland } from '../../support/kaufland-model.js';
import { CLIENT_KEY, CREDENTIAL, PUBLISHED_VECTOR as V } from './vector.js';

function expectShape(rendered: ReturnType<typeof renderKauflandError>) {
  expect(Object.keys(rendered.body).sort()).toEqual(['errors', 'message', 'type']);
  expect(rendered.body.message).not.toBe('');
  expect(validateKaufland('ErrorResponse', rendered.body)).toEqual([]);
}

describe('renderKauflandError', () => {
  const cases: [DomainError['kind'], DomainError, number, string][] = [
    ['invalid', InvalidInputError.field('limit', 'must be <= 100'), 400, '/problems/validation-error'],
    ['not_found', new NotFoundError('order MB7UWLD has no invoice 1'), 404, '/problems/not-found'],
    ['conflict', new ConflictError('invoice is being replaced'), 409, 'about:blank'],
    ['unauthorized', new UnauthorizedError('revoked key'), 401, '/problems/unauthorized'],
    [
      'forbidden',
      new ForbiddenError('a deemed-supplier invoice cannot be deleted'),
      403,
      '/problems/forbidden',
    ],
    ['quota', new QuotaExceededError('111 requests per second', 1), 429, 'about:blank'],
    ['maintenance', new MaintenanceError('back at 10:00'), 503, '/problems/service-unavailable'],
    ['too_large', new TooLargeError('request body is too large', 0), 413, 'about:blank'],
    ['unavailable', new UnavailableError('database unreachable'), 503, '/problems/service-unavailable'],
  ];

  it.each(cases)(
    'renders %s as its status and problem type, valid against ErrorResponse',
    (kind, err, status, type) => {
      expect(err.kind).toBe(kind);
      const rendered = renderKauflandError(err);
      expect(rendered.status).toBe(status);
      expect(rendered.body.type).toBe(type);
      expect(rendered.body.message).toBe(err.message);
      expectShape(rendered);
    },
  );

  it('covers every kind once', () => {
    const kinds = cases.map(([kind]) => kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toHaveLength(9);
  });

  it('renders a bug as a 500 that says nothing about it', () => {
    const rendered = renderKauflandError(null);
    expect(rendered).toEqual({
      status: 500,
      body: { type: '/problems/server-error', message: 'Internal Server Error', errors: [] },
    });
    expectShape(rendered);
  });

  it('names the request value at fault, without our location prefixes', () => {
    const err = new InvalidInputError('several', [
      { field: 'body.original_name', message: 'is required' },
      { field: 'querystring.limit', message: 'must be <= 100' },
      { field: 'params.id_invoice', message: 'must be integer' },
      { field: 'body', message: 'is not valid JSON' },
      { field: 'storefront', message: 'must be one of de, cz, sk, pl, at, fr, it' },
    ]);
    const rendered = renderKauflandError(err);
    expect(rendered.body.errors.map((e) => e.field)).toEqual([
      'original_name',
      'limit',
      'id_invoice',
      'body',
      'storefront',
    ]);
    expectShape(rendered);
  });

  it('falls back to the kind’s message when the error has none', () => {
    expect(renderKauflandError(new NotFoundError('')).body.message).toBe('Resource not found');
  });

  it('names the data field of an oversized upload', () => {
    let err: unknown;
    try {
      assertInvoiceSize(10 * 1024 * 1024 + 1, 10 * 1024 * 1024);
    } catch (e) {
      err = e;
    }
    const rendered = renderKauflandError(err as DomainError);
    expect(rendered.status).toBe(413);
    expect(rendered.body.errors).toEqual([{ field: 'data', message: expect.stringContaining('10485760') }]);
    expectShape(rendered);
  });

  describe('auth failures: all 401, three problem types', () => {
    const request = {
      method: V.method,
      publicBaseUrl: 'https://sellerapi.kaufland.com',
      rawUrl: '/v2/units/',
      body: undefined,
      now: new Date(V.timestamp * 1000),
    };
    const headers = {
      'shop-client-key': CLIENT_KEY,
      'shop-timestamp': String(V.timestamp),
      'shop-signature': V.signature,
    };
    const lookup = (key: string) => (key === CLIENT_KEY ? CREDENTIAL : undefined);
    const renderFailure = async (h: Record<string, string>) => {
      const err = await verifyKauflandRequest({ ...request, headers: h }, lookup).then(
        () => undefined,
        (e: DomainError) => e,
      );
      expect(err).toBeInstanceOf(UnauthorizedError);
      const rendered = renderKauflandError(err as DomainError);
      expect(rendered.status).toBe(401);
      expectShape(rendered);
      return rendered.body;
    };

    it('a wrong signature is corrupted-signature', async () => {
      const body = await renderFailure({ ...headers, 'shop-signature': 'f'.repeat(64) });
      expect(body.type).toBe('/problems/corrupted-signature');
      expect(body.errors).toEqual([{ field: 'Shop-Signature', message: 'does not match the request' }]);
      expect(body.message).toContain(V.url);
    });

    it('a missing or malformed header is missing-or-invalid-request-header', async () => {
      const { 'shop-signature': _, ...unsigned } = headers;
      expect((await renderFailure(unsigned)).type).toBe('/problems/missing-or-invalid-request-header');
      const body = await renderFailure({ ...headers, 'shop-timestamp': 'yesterday' });
      expect(body.type).toBe('/problems/missing-or-invalid-request-header');
      expect(body.errors.map((e) => e.field)).toEqual(['Shop-Timestamp']);
    });

    it('an unknown key or a stale timestamp is unauthorized', async () => {
      const unknown = await renderFailure({ ...headers, 'shop-client-key': 'x'.repeat(32) });
      expect(unknown.type).toBe('/problems/unauthorized');
      expect(unknown.errors.map((e) => e.field)).toEqual(['Shop-Client-Key']);
      const stale = await renderFailure({ ...headers, 'shop-timestamp': String(V.timestamp - 301) });
      expect(stale.type).toBe('/problems/unauthorized');
      expect(stale.errors.map((e) => e.field)).toEqual(['Shop-Timestamp']);
    });

    it('the subclasses stay UnauthorizedErrors for code that only knows the core', () => {
      expect(new SignatureMismatchError('x').kind).toBe('unauthorized');
      expect(new AuthHeaderError([{ field: 'Shop-Timestamp', message: 'is required' }], 'missing').kind).toBe(
        'unauthorized',
      );
    });
  });

  it('only sends problem types of the published enum', () => {
    const schemas = readKauflandModel().components.schemas as Record<string, { enum?: string[] }>;
    const published = new Set(schemas.ProblemType?.enum);
    const sent = [
      ...cases.map(([, err]) => renderKauflandError(err).body.type),
      renderKauflandError(null).body.type,
      renderKauflandError(new SignatureMismatchError('x')).body.type,
      renderKauflandError(new AuthHeaderError([], 'missing')).body.type,
    ];
    for (const type of sent) expect(published.has(type), type).toBe(true);
  });
});

describe('download links in logs', () => {
  it('never show the access token of an order invoice', async () => {
    const { redactUrl } = await import('../../../src/main/app.js');
    const url =
      '/kaufland/files/order-invoices/0190b7a0-0000-7000-8000-000000000001?access_token=QnJcNS-jOyS_6COC';
    const logged = redactUrl(url);
    expect(logged).not.toContain('QnJcNS');
    expect(logged).toContain('access_token=[redacted]');
  });
});
