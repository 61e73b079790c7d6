import { describe, expect, it } from 'vitest';
import {
  ACCESS_KEY_TEMPLATE_HEADER,
  checkFilledRow,
  keyUsedByAnotherOrder,
  rejectRow,
  rowResult,
  templateRowTexts,
} from '../../../src/core/templates/access-key-template.js';
import { describeFileKind, sniffFileKind } from '../../../src/core/templates/file-signature.js';
import { cells, key, NOW, SELLER_CNPJ } from './keys.js';

describe('the template contract', () => {
  it('has SellerCenter header cells, in this order', () => {
    expect(ACCESS_KEY_TEMPLATE_HEADER.join(',')).toBe(
      'orderNumber,orderId,orderItemId,sku,orderDate,status,invoiceNumber,invoiceSeries,accessKey',
    );
  });

  it('writes a row as texts: ISO date in UTC to the second, empty for nulls and for the key', () => {
    expect(
      templateRowTexts({
        orderNumber: null,
        orderId: '701-1234567-7654321',
        orderItemId: '000123',
        sku: null,
        orderDate: new Date('2026-11-22T14:03:00.123-03:00'),
        status: 'shipped',
        invoiceNumber: null,
        invoiceSeries: '1',
      }),
    ).toEqual(['', '701-1234567-7654321', '000123', '', '2026-11-22T17:03:00Z', 'shipped', '', '1', '']);
  });
});

describe('row results', () => {
  const seller = { cnpj: SELLER_CNPJ };

  it('turns checks into what the importer reports per row', () => {
    const k = key();
    expect(rowResult(2, checkFilledRow(cells({ accessKey: k }), seller, NOW))).toEqual({
      rowNumber: 2,
      outcome: 'accepted',
      orderId: 'ORD-1',
      orderItemId: 'ITEM-1',
      accessKey: k,
      problems: [],
    });
    expect(rowResult(3, checkFilledRow(cells(), seller, NOW))).toEqual({
      rowNumber: 3,
      outcome: 'unchanged',
      orderId: 'ORD-1',
      orderItemId: 'ITEM-1',
      problems: [],
    });
    const rejected = rowResult(4, checkFilledRow(cells({ accessKey: '4.12E+43' }), seller, NOW));
    expect(rejected).toMatchObject({ rowNumber: 4, outcome: 'rejected', orderItemId: 'ITEM-1' });
    expect(rejected.problems).toHaveLength(1);
  });

  it("carries the database's verdict: a key already used by another order", () => {
    const accepted = rowResult(2, checkFilledRow(cells({ accessKey: key() }), seller, NOW));
    const rejected = rejectRow(accepted, keyUsedByAnotherOrder('ORD-9'));
    expect(rejected).toMatchObject({
      rowNumber: 2,
      outcome: 'rejected',
      accessKey: key(),
      orderItemId: 'ITEM-1',
    });
    expect(rejected.problems).toEqual([
      { field: 'accessKey', message: 'access key: already used by order ORD-9' },
    ]);
    expect(accepted.outcome).toBe('accepted');
  });
});

describe('sniffFileKind', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  it.each([
    ['empty', bytes()],
    ['zip', bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0)],
    ['zip', bytes(0x50, 0x4b, 0x05, 0x06, 0, 0)],
    ['ole2', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0)],
    ['pdf', new TextEncoder().encode('%PDF-1.7\n')],
    ['utf16', bytes(0xff, 0xfe, 0x6f, 0)],
    ['text', new TextEncoder().encode('\uFEFForderNumber;orderId\r\n')],
    ['text', Uint8Array.from(Buffer.from('sku;Café\n', 'latin1'))],
    ['binary', bytes(0x6f, 0x00, 0x72)],
    ['binary', bytes(1, 2, 3, 4, 5, 6, 7, 8, 0x41)],
  ])('recognises %s', (kind, head) => {
    expect(sniffFileKind(head)).toBe(kind);
    expect(describeFileKind(sniffFileKind(head))).not.toBe('');
  });
});
