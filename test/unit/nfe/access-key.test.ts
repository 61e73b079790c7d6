import { describe, expect, it } from 'vitest';
import {
  accessKeyCheckDigit,
  buildAccessKey,
  isValidAccessKey,
  parseAccessKey,
  validateAccessKey,
} from '../../../src/core/nfe/access-key.js';

/** Independent reference: weighted sum (2..9 from the right) mod 11. */
function remainder(first43: string): number {
  let sum = 0;
  for (let i = 0; i < 43; i++) sum += (first43.charCodeAt(42 - i) - 48) * (2 + (i % 8));
  return sum % 11;
}

const SC_KEY = '42210775277525000178550030000266631762885493';
const SP_KEY_R1 = '35170358716523000119550010000000301000000300';
const SAMPLE_KEYS = [
  '35180834128745000152550010000474281920007498',
  '41170706117473000150550010000463202612756525',
  '42211275277525000178550030000276771368212013',
];

/** Replaces the character at i and fixes the check digit, so only that part is wrong. */
function withChar(key: string, i: number, c: string): string {
  const first43 = (key.slice(0, i) + c + key.slice(i + 1)).slice(0, 43);
  return first43 + accessKeyCheckDigit(first43);
}

describe('access key check digit', () => {
  it('computes DV 3 for a real key (remainder 8)', () => {
    expect(remainder(SC_KEY.slice(0, 43))).toBe(8);
    expect(accessKeyCheckDigit(SC_KEY.slice(0, 43))).toBe('3');
    expect(isValidAccessKey(SC_KEY)).toBe(true);
  });

  it('gives DV 0 for remainder 1 (real key)', () => {
    expect(remainder(SP_KEY_R1.slice(0, 43))).toBe(1);
    expect(accessKeyCheckDigit(SP_KEY_R1.slice(0, 43))).toBe('0');
    expect(isValidAccessKey(SP_KEY_R1)).toBe(true);
  });

  it('gives DV 0 for remainder 0', () => {
    const first43 = '3517035871652300011955001000000030100000004';
    expect(remainder(first43)).toBe(0);
    expect(accessKeyCheckDigit(first43)).toBe('0');
  });

  it('validates the sample keys and values letters as ASCII - 48', () => {
    for (const k of SAMPLE_KEYS) expect(validateAccessKey(k)).toBeNull();
    const alnum = buildAccessKey({
      cUF: '35',
      yymm: '2607',
      cnpj: '12ABC34501DE35',
      model: '55',
      series: '1',
      number: '1',
      tpEmis: '1',
      cNF: '12345678',
    });
    expect(alnum.slice(6, 20)).toBe('12ABC34501DE35');
    expect(remainder(alnum.slice(0, 43))).toBeGreaterThanOrEqual(0);
    const r = remainder(alnum.slice(0, 43));
    expect(alnum[43]).toBe(String(r < 2 ? 0 : 11 - r));
    expect(isValidAccessKey(alnum)).toBe(true);
  });
});

describe('validateAccessKey', () => {
  it('explains a wrong length', () => {
    expect(validateAccessKey(SC_KEY.slice(0, 43))).toEqual({
      field: 'accessKey',
      message: 'access key must have 44 characters, got 43',
    });
  });

  it('explains a character outside the pattern, with its position', () => {
    const lower = `${SC_KEY.slice(0, 10)}a${SC_KEY.slice(11)}`;
    expect(validateAccessKey(lower, 'infNFe/@Id')?.message).toMatch(
      /^character 11 \("a"\) must be a digit or an uppercase letter/,
    );
    expect(validateAccessKey(lower, 'infNFe/@Id')?.field).toBe('infNFe/@Id');
    const letterInNumber = `${SC_KEY.slice(0, 30)}A${SC_KEY.slice(31)}`;
    expect(validateAccessKey(letterInNumber)?.message).toMatch(/^character 31 \("A"\) must be a digit;/);
  });

  it('explains an unknown state, model and issue mode', () => {
    expect(validateAccessKey(withChar(withChar(SC_KEY, 0, '9'), 1, '9'))?.message).toBe(
      'cUF 99 is not a valid state code',
    );
    expect(validateAccessKey(withChar(SC_KEY, 1, '0'))?.message).toBe('cUF 40 is not a valid state code');
    expect(validateAccessKey(withChar(SC_KEY, 21, '7'))?.message).toBe(
      'model 57 is not 55 (NF-e) or 65 (NFC-e)',
    );
    expect(validateAccessKey(withChar(SC_KEY, 34, '8'))?.message).toBe(
      'tpEmis 8 is not a valid issue mode (1-7 or 9)',
    );
    expect(validateAccessKey(withChar(SC_KEY, 34, '0'))?.message).toMatch(/^tpEmis 0 /);
    expect(validateAccessKey(withChar(SC_KEY, 34, '9'))).toBeNull();
    expect(validateAccessKey(withChar(SC_KEY, 20, '6'))).toBeNull();
  });

  it('explains a wrong check digit', () => {
    expect(validateAccessKey(`${SC_KEY.slice(0, 43)}4`)?.message).toBe(
      'wrong check digit: expected 3, got 4',
    );
    expect(isValidAccessKey(`${SC_KEY.slice(0, 43)}4`)).toBe(false);
  });
});

describe('parse and build', () => {
  it('splits a key into its raw parts', () => {
    expect(parseAccessKey(SC_KEY)).toEqual({
      cUF: '42',
      yymm: '2107',
      cnpj: '75277525000178',
      model: '55',
      series: '003',
      number: '000026663',
      tpEmis: '1',
      cNF: '76288549',
      dv: '3',
    });
    expect(() => parseAccessKey('123')).toThrow(/not 44 characters/);
  });

  it('rebuilds every sample key from its parts', () => {
    for (const k of [...SAMPLE_KEYS, SC_KEY, SP_KEY_R1]) {
      const { dv: _dv, ...parts } = parseAccessKey(k);
      expect(buildAccessKey(parts)).toBe(k);
    }
  });

  it('pads series, number and a CPF issuer', () => {
    const key = buildAccessKey({
      cUF: '31',
      yymm: '2401',
      cnpj: '68161525650',
      model: '65',
      series: '7',
      number: '30',
      tpEmis: '9',
      cNF: '1',
    });
    expect(key.slice(0, 43)).toBe('3124010006816152565065007000000030900000001');
    expect(isValidAccessKey(key)).toBe(true);
    expect(() => buildAccessKey({ ...parseAccessKey(SC_KEY), number: '1234567890' })).toThrow(/does not fit/);
  });
});
