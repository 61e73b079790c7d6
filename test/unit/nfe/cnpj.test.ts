import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import {
  cnpjCheckDigits,
  cpfCheckDigits,
  isValidCnpj,
  isValidCpf,
  makeCnpj,
  makeCpf,
  normalizeCnpj,
} from '../../../src/core/nfe/cnpj.js';

describe('CNPJ', () => {
  it('accepts real numeric CNPJs', () => {
    for (const c of ['34128745000152', '06117473000150', '75277525000178', '82604042000449']) {
      expect(isValidCnpj(c)).toBe(true);
    }
  });

  it('computes the check digits of the 2026 alphanumeric example', () => {
    expect(cnpjCheckDigits('12ABC34501DE')).toBe('35');
    expect(makeCnpj('12ABC34501DE')).toBe('12ABC34501DE35');
    expect(isValidCnpj('12ABC34501DE35')).toBe(true);
  });

  it('rejects one wrong character, in the base or in the check digits', () => {
    expect(isValidCnpj('12ABC34501DF35')).toBe(false);
    expect(isValidCnpj('13ABC34501DE35')).toBe(false);
    expect(isValidCnpj('12ABC34501DE36')).toBe(false);
    expect(isValidCnpj('34128745000153')).toBe(false);
  });

  it('is strict about case and format; normalizeCnpj fixes user input', () => {
    expect(isValidCnpj('12abc34501de35')).toBe(false);
    expect(isValidCnpj('12.ABC.345/01DE-35')).toBe(false);
    expect(normalizeCnpj(' 12.abc.345/01de-35 ')).toBe('12ABC34501DE35');
    expect(isValidCnpj(normalizeCnpj('12.abc.345/01de-35'))).toBe(true);
    expect(normalizeCnpj('34.128.745/0001-52')).toBe('34128745000152');
  });

  it('rejects wrong lengths, letters in the check digits and runs of one character', () => {
    expect(isValidCnpj('3412874500015')).toBe(false);
    expect(isValidCnpj('341287450001520')).toBe(false);
    expect(isValidCnpj('12ABC34501DEA5')).toBe(false);
    expect(isValidCnpj('00000000000000')).toBe(false);
    expect(isValidCnpj('')).toBe(false);
  });

  it('flags the SP-API sandbox carrier CNPJ, whose check digits are wrong', () => {
    expect(isValidCnpj('46204217000177')).toBe(false);
    expect(makeCnpj('462042170001')).toBe('46204217000114');
  });

  it('refuses to build from a malformed base', () => {
    expect(() => makeCnpj('12abc34501de')).toThrow(InvalidInputError);
    expect(() => cnpjCheckDigits('123')).toThrow(/12 characters/);
  });
});

describe('CPF', () => {
  it('accepts real CPFs and rejects altered ones', () => {
    expect(isValidCpf('68161525650')).toBe(true);
    expect(isValidCpf('35029428895')).toBe(true);
    expect(isValidCpf('68161525651')).toBe(false);
    expect(isValidCpf('68161525660')).toBe(false);
  });

  it('rejects repeated digits, wrong lengths and punctuation', () => {
    expect(isValidCpf('11111111111')).toBe(false);
    expect(isValidCpf('6816152565')).toBe(false);
    expect(isValidCpf('681.615.256-50')).toBe(false);
  });

  it('builds check digits', () => {
    expect(cpfCheckDigits('681615256')).toBe('50');
    expect(makeCpf('350294288')).toBe('35029428895');
    expect(() => makeCpf('12345')).toThrow(InvalidInputError);
  });
});
