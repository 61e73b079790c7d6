import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/http/dialects.js';

describe('the surface a URL is aimed at', () => {
  it.each([
    ['/admin/v1/nope', 'admin'],
    ['//admin/v1/maintenance', 'admin'],
    ['/%61dmin/v1/nope', 'admin'],
    ['/admin/v1/x?next=/auth/', 'admin'],
    ['/auth/o2/token', 'lwa'],
    ['/tax/invoices/2024-06-19/nope', 'sp-api'],
    ['/', 'sp-api'],
    ['/%E0%A4%A/admin', 'sp-api'],
  ])('%s → %s', (url, name) => {
    expect(dialectFor(url).name).toBe(name);
  });
});
