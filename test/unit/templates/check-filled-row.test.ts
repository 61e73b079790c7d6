import { describe, expect, it } from 'vitest';
import { checkFilledRow } from '../../../src/core/templates/access-key-template.js';
import { ALPHANUMERIC_CNPJ, cells, key, NOW, OTHER_CNPJ, SELLER_CNPJ } from './keys.js';

const seller = { cnpj: SELLER_CNPJ };

function problemsOf(result: ReturnType<typeof checkFilledRow>) {
  if (result.outcome !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result.problems;
}

describe('checkFilledRow: what a filled row says', () => {
  it('accepts a valid key of the seller and names the order item', () => {
    const k = key();
    expect(checkFilledRow(cells({ accessKey: k }), seller, NOW)).toEqual({
      outcome: 'filled',
      orderId: 'ORD-1',
      orderItemId: 'ITEM-1',
      accessKey: k,
    });
  });

  it('reads an empty or blank key as "not filled", not as an error', () => {
    expect(checkFilledRow(cells(), seller, NOW)).toEqual({
      outcome: 'not-filled',
      orderId: 'ORD-1',
      orderItemId: 'ITEM-1',
    });
    expect(checkFilledRow(cells({ accessKey: '   ' }), seller, NOW).outcome).toBe('not-filled');
    expect(checkFilledRow(cells({ accessKey: '', orderItemId: '' }), seller, NOW)).toEqual({
      outcome: 'not-filled',
      orderId: 'ORD-1',
    });
  });

  it('takes the key as printed on the DANFE (groups of four), with an NFe prefix, or in lowercase', () => {
    const k = key({ cnpj: ALPHANUMERIC_CNPJ });
    const alnum = { cnpj: '12.abc.345/01de-35' };
    const grouped = k.replace(/(.{4})/g, '$1 ').trim();
    for (const typed of [grouped, `NFe${k}`, k.toLowerCase(), `\u00a0${k}\t`]) {
      const result = checkFilledRow(cells({ accessKey: typed }), alnum, NOW);
      expect(result).toMatchObject({ outcome: 'filled', accessKey: k });
    }
  });

  it('accepts an NFC-e (model 65) and a key of the 2026 alphanumeric CNPJ', () => {
    expect(checkFilledRow(cells({ accessKey: key({ model: '65' }) }), seller, NOW).outcome).toBe('filled');
    const k = key({ cnpj: ALPHANUMERIC_CNPJ, yymm: '2607' });
    expect(k.slice(6, 20)).toBe(ALPHANUMERIC_CNPJ);
    expect(checkFilledRow(cells({ accessKey: k }), { cnpj: ALPHANUMERIC_CNPJ }, NOW).outcome).toBe('filled');
  });

  it('wants 44 characters', () => {
    const [p] = problemsOf(checkFilledRow(cells({ accessKey: key().slice(0, 43) }), seller, NOW));
    expect(p).toEqual({ field: 'accessKey', message: 'access key: must have 44 characters, got 43' });
  });

  it('recomputes the check digit', () => {
    const k = key();
    const wrong = k.slice(0, 43) + String((Number(k[43]) + 1) % 10);
    const [p] = problemsOf(checkFilledRow(cells({ accessKey: wrong }), seller, NOW));
    expect(p?.field).toBe('accessKey');
    expect(p?.message).toContain(`wrong check digit: expected ${k[43]}`);
  });

  it('wants model 55 or 65', () => {
    const [p] = problemsOf(checkFilledRow(cells({ accessKey: key({ model: '57' }) }), seller, NOW));
    expect(p?.message).toBe('access key: model 57 is not 55 (NF-e) or 65 (NFC-e)');
  });

  it("refuses another issuer's key, naming both CNPJs", () => {
    const [p] = problemsOf(checkFilledRow(cells({ accessKey: key({ cnpj: OTHER_CNPJ }) }), seller, NOW));
    expect(p?.message).toBe(
      `access key: issued by CNPJ 99.888.777/0001-${OTHER_CNPJ.slice(12)}, not by this seller (11.222.333/0001-${SELLER_CNPJ.slice(12)})`,
    );
  });

  it('refuses a month after the current one (UTC), and an AAMM that is no month', () => {
    const future = problemsOf(checkFilledRow(cells({ accessKey: key({ yymm: '2612' }) }), seller, NOW));
    expect(future[0]?.message).toBe(
      'access key: its month 2026-12 (AAMM 2612) is after the current month 2026-11',
    );
    const endOfMonth = new Date('2026-11-30T23:59:59Z');
    expect(checkFilledRow(cells({ accessKey: key() }), seller, endOfMonth).outcome).toBe('filled');
    expect(
      checkFilledRow(cells({ accessKey: key({ yymm: '2612' }) }), seller, new Date('2026-12-01T00:00:00Z'))
        .outcome,
    ).toBe('filled');
    const month13 = problemsOf(checkFilledRow(cells({ accessKey: key({ yymm: '2613' }) }), seller, NOW));
    expect(month13[0]?.message).toBe('access key: its AAMM 2613 is not a year and month');
  });

  it('reports every problem of the row at once', () => {
    const problems = problemsOf(
      checkFilledRow(
        cells({ accessKey: key({ cnpj: OTHER_CNPJ, yymm: '2701' }), orderItemId: '' }),
        seller,
        NOW,
      ),
    );
    expect(problems.map((p) => p.field)).toEqual(['orderItemId', 'accessKey', 'accessKey']);
    expect(problems[0]?.message).toBe('order item id: missing; keep the orderItemId column as downloaded');
  });
});

describe('checkFilledRow: what spreadsheets do to keys', () => {
  it('recognises a key turned into a number cell', () => {
    const [p] = problemsOf(
      checkFilledRow(cells({ accessKey: { kind: 'number', value: 4.12e43 } }), seller, NOW),
    );
    expect(p).toEqual({
      field: 'accessKey',
      message:
        'access key: the spreadsheet turned it into a number (4.12E+43); format the column as text and type the 44 digits again',
    });
  });

  it.each(['4.12E+43', '4,12E+43', '4,21127527753E+43', '4.2211275277525e43'])(
    'recognises the scientific notation %s in a text cell (a CSV saved by Excel)',
    (shown) => {
      const [p] = problemsOf(checkFilledRow(cells({ accessKey: shown }), seller, NOW));
      expect(p?.message).toBe(
        `access key: the spreadsheet turned it into a number (${shown}); format the column as text and type the 44 digits again`,
      );
    },
  );

  it('recognises a key of which only 15 significant digits are left', () => {
    const shown = `${key().slice(0, 15)}${'0'.repeat(29)}`;
    const [p] = problemsOf(checkFilledRow(cells({ accessKey: shown }), seller, NOW));
    expect(p?.message).toContain('only its first 15 digits are left');
  });

  it('refuses formulas, typed (=...) or reported by the reader, and error values', () => {
    const typed = problemsOf(checkFilledRow(cells({ accessKey: '=CONCAT(A2;B2)' }), seller, NOW));
    expect(typed[0]?.message).toBe(
      'access key: the cell holds a formula (=CONCAT(A2;B2)), not a value; type or paste the value itself as text',
    );
    const cell = problemsOf(
      checkFilledRow(cells({ accessKey: { kind: 'formula', formula: 'A1&B1' } }), seller, NOW),
    );
    expect(cell[0]?.message).toContain('the cell holds a formula (=A1&B1)');
    const id = problemsOf(checkFilledRow(cells({ accessKey: key(), orderItemId: '=C2' }), seller, NOW));
    expect(id[0]).toMatchObject({ field: 'orderItemId', message: expect.stringContaining('formula (=C2)') });
    const error = problemsOf(
      checkFilledRow(cells({ accessKey: { kind: 'error', code: '#VALUE!' } }), seller, NOW),
    );
    expect(error[0]?.message).toContain('spreadsheet error #VALUE!');
  });

  it('keeps an id a spreadsheet turned into a whole number, refuses one it rounded', () => {
    const whole = checkFilledRow(
      cells({ accessKey: key(), orderItemId: { kind: 'number', value: 2000000001 } }),
      seller,
      NOW,
    );
    expect(whole).toMatchObject({ outcome: 'filled', orderItemId: '2000000001' });
    const rounded = problemsOf(
      checkFilledRow(cells({ accessKey: key(), orderId: { kind: 'number', value: 7.01e19 } }), seller, NOW),
    );
    expect(rounded[0]).toEqual({
      field: 'orderId',
      message:
        'order id: the spreadsheet turned it into a number (70100000000000000000); keep the orderId column as downloaded',
    });
  });
});

describe('checkFilledRow: the key against the row', () => {
  it('checks the key against invoiceNumber and invoiceSeries when the row has them', () => {
    expect(
      checkFilledRow(cells({ accessKey: key(), invoiceNumber: '27677', invoiceSeries: '001' }), seller, NOW)
        .outcome,
    ).toBe('filled');
    const wrongRow = problemsOf(
      checkFilledRow(cells({ accessKey: key(), invoiceNumber: '27678', invoiceSeries: '2' }), seller, NOW),
    );
    expect(wrongRow.map((p) => p.message)).toEqual([
      "access key: its invoice number is 27677 but this row's invoiceNumber is 27678",
      "access key: its series is 1 but this row's invoiceSeries is 2",
    ]);
    const numeric = checkFilledRow(
      cells({ accessKey: key(), invoiceNumber: { kind: 'number', value: 27677 } }),
      seller,
      NOW,
    );
    expect(numeric.outcome).toBe('filled');
  });
});
