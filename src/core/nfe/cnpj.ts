/**
 * CNPJ (numeric and the 2026 alphanumeric form) and CPF check digits.
 * A character's value is its ASCII code minus 48, so digits keep their value and `A` is 17.
 */
import { InvalidInputError } from '../errors.js';

const CNPJ_BASE = /^[0-9A-Z]{12}$/;
const CNPJ_FULL = /^[0-9A-Z]{12}[0-9]{2}$/;
const CPF_FULL = /^[0-9]{11}$/;
const REPEATED = /^(.)\1*$/;

const DV1_WEIGHTS = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const DV2_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

function mod11Digit(chars: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (chars.charCodeAt(i) - 48) * weights[i]!;
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

/** The two check digits ("35") of a 12-character CNPJ base (`[0-9A-Z]`, uppercase). */
export function cnpjCheckDigits(base12: string): string {
  if (!CNPJ_BASE.test(base12)) {
    throw InvalidInputError.field('cnpj', `CNPJ base must be 12 characters [0-9A-Z], got "${base12}"`);
  }
  const dv1 = mod11Digit(base12, DV1_WEIGHTS);
  const dv2 = mod11Digit(base12 + dv1, DV2_WEIGHTS);
  return `${dv1}${dv2}`;
}

/** The full 14-character CNPJ for a 12-character base. */
export function makeCnpj(base12: string): string {
  return base12 + cnpjCheckDigits(base12);
}

/**
 * Strict: exactly 14 characters, uppercase, no punctuation (run `normalizeCnpj` first on user
 * input). A run of one repeated character (`00000000000000`) is rejected although it passes mod 11.
 */
export function isValidCnpj(s: string): boolean {
  if (!CNPJ_FULL.test(s) || REPEATED.test(s)) return false;
  return cnpjCheckDigits(s.slice(0, 12)) === s.slice(12);
}

/** Strips `.`, `/`, `-` and surrounding whitespace and uppercases: "12.abc.345/01de-35" → "12ABC34501DE35". */
export function normalizeCnpj(s: string): string {
  return s.trim().replace(/[./-]/g, '').toUpperCase();
}

function cpfDigit(digits: string, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (digits.charCodeAt(i) - 48) * (length + 1 - i);
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

/** The two check digits of a 9-digit CPF base. */
export function cpfCheckDigits(base9: string): string {
  if (!/^[0-9]{9}$/.test(base9)) {
    throw InvalidInputError.field('cpf', `CPF base must be 9 digits, got "${base9}"`);
  }
  const dv1 = cpfDigit(base9, 9);
  const dv2 = cpfDigit(base9 + dv1, 10);
  return `${dv1}${dv2}`;
}

/** The full 11-digit CPF for a 9-digit base. */
export function makeCpf(base9: string): string {
  return base9 + cpfCheckDigits(base9);
}

/** Strict: exactly 11 digits; repeated digits (`11111111111`) are invalid. */
export function isValidCpf(s: string): boolean {
  if (!CPF_FULL.test(s) || REPEATED.test(s)) return false;
  return cpfCheckDigits(s.slice(0, 9)) === s.slice(9);
}
