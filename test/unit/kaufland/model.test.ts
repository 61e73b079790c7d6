import { describe, expect, it } from 'vitest';
import { readKauflandModel, validateKaufland } from '../../support/kaufland-model.js';

// The validator is only worth something if it refuses what Kaufland's document does not allow.
describe('the Kaufland order-invoice model', () => {
  const invoice = {
    id_invoice: 918273645,
    id_order: 'MB7UWLD',
    storefront: 'de',
    is_marketplace_deemed_supplier: false,
    original_name: 'invoice_MB7UWLD.pdf',
    mime_type: 'application/pdf',
    url: 'https://kaufland.de/dynamic/files/order_invoices/918273645/?access_token=f31ac55d337500edff7be20ae14e0bf3',
    ts_created_iso: '2021-07-24T19:26:05Z',
  };

  it('is the order-invoice part of version 2.27.0 with its four operations', () => {
    const model = readKauflandModel();
    expect(model.info.version).toBe('2.27.0');
    const operations = Object.values(model.paths).flatMap((p) =>
      Object.values(p).map((op) => (op as { operationId: string }).operationId),
    );
    expect(operations.sort()).toEqual([
      'DeleteOrderInvoice',
      'GetOrderInvoice',
      'GetOrderInvoices',
      'UploadOrderInvoice',
    ]);
  });

  it('accepts the document’s own example shapes', () => {
    expect(validateKaufland('ApiResponse_OrderInvoice_', { data: invoice })).toEqual([]);
    expect(
      validateKaufland('CollectionApiResponse_OrderInvoice_', {
        data: [invoice],
        pagination: { offset: 0, limit: 30, total: 1 },
      }),
    ).toEqual([]);
    expect(
      validateKaufland('OrderInvoiceUploadRequest', {
        original_name: 'invoice_MB7UWLD.pdf',
        mime_type: 'application/pdf',
        data: 'JVBERi0xLjQK',
      }),
    ).toEqual([]);
  });

  it('refuses extra fields, missing fields, unknown storefronts and problem types', () => {
    expect(
      validateKaufland('ApiResponse_OrderInvoice_', { data: { ...invoice, seller_id: 'x' } }),
    ).not.toEqual([]);
    const { url: _, ...withoutUrl } = invoice;
    expect(validateKaufland('ApiResponse_OrderInvoice_', { data: withoutUrl })).not.toEqual([]);
    expect(
      validateKaufland('ApiResponse_OrderInvoice_', { data: { ...invoice, storefront: 'br' } }),
    ).not.toEqual([]);
    expect(
      validateKaufland('ErrorResponse', { type: '/problems/validation-error', message: 'x', errors: [] }),
    ).toEqual([]);
    expect(
      validateKaufland('ErrorResponse', { type: '/problems/teapot', message: 'x', errors: [] }),
    ).not.toEqual([]);
    expect(
      validateKaufland('ErrorResponse', { type: 'about:blank', message: 'x', errors: [], status: 400 }),
    ).not.toEqual([]);
    expect(() => validateKaufland('NoSuchSchema', {})).toThrow(/NoSuchSchema/);
  });
});
