import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/main/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.demoData).toBe(true);
    expect(c.rateLimitsEnabled).toBe(true);
    expect(c.accessTokenTtlSeconds).toBe(3600);
    expect(c.downloadUrlTtlSeconds).toBe(30);
    expect(c.spapiRatePlans.getInvoices).toEqual({ rate: 0.1, burst: 20 });
    expect(c).toMatchObject({
      headersTimeoutSeconds: 10,
      bodyTimeoutSeconds: 30,
      bodyMinBytesPerSecond: 1024,
      requestTimeoutSeconds: 300,
      keepAliveTimeoutSeconds: 72,
      archiveMaxEntries: 100_000,
      archiveMaxEntryBytes: 1024 ** 3,
      archiveMaxTotalBytes: 2 * 1024 ** 3,
      archiveMaxRatio: 200,
      heapGrowthPercent: 100,
      heapPretenuring: false,
      listingCacheEntries: 50_000,
    });
  });

  it('reads the timeouts and archive limits', () => {
    const c = loadConfig({
      HEADERS_TIMEOUT_SECONDS: '5',
      BODY_TIMEOUT_SECONDS: '2',
      BODY_MIN_BYTES_PER_SECOND: '0',
      REQUEST_TIMEOUT_SECONDS: '5',
      KEEP_ALIVE_TIMEOUT_SECONDS: '3',
      ARCHIVE_MAX_ENTRIES: '7',
      ARCHIVE_MAX_RATIO: '50',
    });
    expect(c).toMatchObject({
      headersTimeoutSeconds: 5,
      bodyTimeoutSeconds: 2,
      bodyMinBytesPerSecond: 0,
      requestTimeoutSeconds: 5,
      keepAliveTimeoutSeconds: 3,
      archiveMaxEntries: 7,
      archiveMaxRatio: 50,
    });
  });

  it('merges SPAPI_RATE_LIMITS over the default plans', () => {
    const c = loadConfig({ SPAPI_RATE_LIMITS: '{"getInvoices":{"rate":5,"burst":50}}' });
    expect(c.spapiRatePlans.getInvoices).toEqual({ rate: 5, burst: 50 });
    expect(c.spapiRatePlans.getInvoice).toEqual({ rate: 2, burst: 15 });
  });

  it.each([
    ['PORT', 'eighty', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['DEMO_DATA', 'maybe', 'DEMO_DATA'],
    ['RATE_LIMITS_ENABLED', '2', 'RATE_LIMITS_ENABLED'],
    ['SPAPI_RATE_LIMITS', '{not json', 'SPAPI_RATE_LIMITS'],
    ['SPAPI_RATE_LIMITS', '{"getInvoicez":{"rate":1,"burst":1}}', 'getInvoicez'],
    ['SPAPI_RATE_LIMITS', '{"getInvoices":{"rate":0,"burst":1}}', 'getInvoices.rate'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL'],
    ['ADMIN_TOKEN', 'short', 'ADMIN_TOKEN'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['ACCESS_TOKEN_TTL_SECONDS', '0', 'ACCESS_TOKEN_TTL_SECONDS'],
    ['BLOB_BACKEND', 's3', 'S3_BUCKET'],
    ['HEADERS_TIMEOUT_SECONDS', '0', 'HEADERS_TIMEOUT_SECONDS'],
    ['BODY_TIMEOUT_SECONDS', 'soon', 'BODY_TIMEOUT_SECONDS'],
    ['BODY_MIN_BYTES_PER_SECOND', '-1', 'BODY_MIN_BYTES_PER_SECOND'],
    ['REQUEST_TIMEOUT_SECONDS', '0', 'REQUEST_TIMEOUT_SECONDS'],
    ['KEEP_ALIVE_TIMEOUT_SECONDS', '1.5', 'KEEP_ALIVE_TIMEOUT_SECONDS'],
    ['ARCHIVE_MAX_ENTRIES', '0', 'ARCHIVE_MAX_ENTRIES'],
    ['ARCHIVE_MAX_ENTRY_BYTES', '10', 'ARCHIVE_MAX_ENTRY_BYTES'],
    ['ARCHIVE_MAX_TOTAL_BYTES', 'lots', 'ARCHIVE_MAX_TOTAL_BYTES'],
    ['ARCHIVE_MAX_RATIO', '1', 'ARCHIVE_MAX_RATIO'],
    ['HEAP_GROWTH_PERCENT', '1.5', 'HEAP_GROWTH_PERCENT'],
    ['HEAP_PRETENURING', 'maybe', 'HEAP_PRETENURING'],
    ['LISTING_CACHE_ENTRIES', '-1', 'LISTING_CACHE_ENTRIES'],
  ])('refuses %s=%s naming %s', (name, value, mention) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(mention);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });
});
