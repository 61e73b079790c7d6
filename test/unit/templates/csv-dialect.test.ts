import { describe, expect, it } from 'vitest';
import { detectDelimiter, sepHint, splitLine } from '../../../src/infra/spreadsheets/csv-dialect.js';

describe('the delimiter of an uploaded CSV', () => {
  const header = ['orderNumber', 'orderId', 'orderItemId', 'sku', 'accessKey'];

  it.each([
    [';', ';'],
    [',', ','],
    ['\t', '\t'],
    ['|', '|'],
  ])('finds %j from the header names', (delimiter, expected) => {
    expect(detectDelimiter(header.join(delimiter))).toEqual({ delimiter: expected, matches: 5 });
  });

  it('counts names, not characters: a header full of commas inside quotes is still ;-separated', () => {
    const line = '"orderNumber";"orderId";"a, b, c, d, e, f";"accessKey"';
    expect(detectDelimiter(line).delimiter).toBe(';');
    expect(splitLine(line, ';')).toEqual(['orderNumber', 'orderId', 'a, b, c, d, e, f', 'accessKey']);
  });

  it('falls back to ; with no match, and honours Excel\'s "sep=" line', () => {
    expect(detectDelimiter('foo,bar')).toEqual({ delimiter: ';', matches: 0 });
    expect(sepHint('sep=,')).toBe(',');
    expect(sepHint('SEP=;')).toBe(';');
    expect(sepHint('orderNumber;sep=,')).toBeUndefined();
  });

  it('unquotes doubled quotes', () => {
    expect(splitLine('"a ""b""";c', ';')).toEqual(['a "b"', 'c']);
  });
});
