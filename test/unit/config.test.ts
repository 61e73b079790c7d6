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
