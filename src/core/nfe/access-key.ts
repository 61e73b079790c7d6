/**
 * The 44-character NF-e access key (chave de acesso): cUF(2) AAMM(4) CNPJ(14) mod(2) serie(3)
 * nNF(9) tpEmis(1) cNF(8) cDV(1). The CNPJ part may be alphanumeric since 2026.
 */
import type { FieldProblem } from '../errors.js';
import { InvalidInputError } from '../errors.js';

/** IBGE state codes (cUF) and their UF. */
export const UF_BY_CUF: ReadonlyMap<string, string> = new Map([
  ['11', 'RO'],
  ['12', 'AC'],
  ['13', 'AM'],
  ['14', 'RR'],
  ['15', 'PA'],
  ['16', 'AP'],
  ['17', 'TO'],
  ['21', 'MA'],
  ['22', 'PI'],
  ['23', 'CE'],
  ['24', 'RN'],
  ['25', 'PB'],
  ['26', 'PE'],
  ['27', 'AL'],
  ['28', 'SE'],
  ['29', 'BA'],
  ['31', 'MG'],
  ['32', 'ES'],
  ['33', 'RJ'],
  ['35', 'SP'],
  ['41', 'PR'],
  ['42', 'SC'],
  ['43', 'RS'],
  ['50', 'MS'],
  ['51', 'MT'],
  ['52', 'GO'],
  ['53', 'DF'],
]);

export const ACCESS_KEY_PATTERN = /^[0-9]{6}[0-9A-Z]{12}[0-9]{26}$/;
const VALID_TP_EMIS = new Set(['1', '2', '3', '4', '5', '6', '7', '9']);

export interface AccessKeyParts {
  cUF: string;
  /** YYMM of issue. */
  yymm: string;
  /** 14 characters; a CPF issuer appears as `000` + CPF. */
  cnpj: string;
  model: string;
  /** 3 digits, zero-padded. */
  series: string;
  /** 9 digits, zero-padded. */
  number: string;
  tpEmis: string;
  cNF: string;
  dv: string;
}

export type AccessKeyInput = Omit<AccessKeyParts, 'dv'>;

/** Mod-11 check digit over the first 43 characters (weights 2..9 from the right; r 0 or 1 → 0). */
export function accessKeyCheckDigit(first43: string): string {
  if (!/^[0-9A-Z]{43}$/.test(first43)) {
    throw InvalidInputError.field('accessKey', 'check digit needs 43 characters [0-9A-Z]');
  }
  let sum = 0;
  let weight = 2;
  for (let i = 42; i >= 0; i--) {
    sum += (first43.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const r = sum % 11;
  return String(r < 2 ? 0 : 11 - r);
}

function patternProblem(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const ok = i >= 6 && i < 18 ? /[0-9A-Z]/.test(c) : /[0-9]/.test(c);
    if (!ok) {
      const expected = i >= 6 && i < 18 ? 'a digit or an uppercase letter (CNPJ part)' : 'a digit';
      return `character ${i + 1} ("${c}") must be ${expected}; pattern [0-9]{6}[0-9A-Z]{12}[0-9]{26}`;
    }
  }
  return 'does not match [0-9]{6}[0-9A-Z]{12}[0-9]{26}';
}

/** Explains the first thing wrong with a key, or null when it is valid. */
export function validateAccessKey(key: string, field = 'accessKey'): FieldProblem | null {
  const problem = (message: string): FieldProblem => ({ field, message });
  if (typeof key !== 'string') return problem('access key must be a string');
  if (key.length !== 44) return problem(`access key must have 44 characters, got ${key.length}`);
  if (!ACCESS_KEY_PATTERN.test(key)) return problem(patternProblem(key));
  const cUF = key.slice(0, 2);
  if (!UF_BY_CUF.has(cUF)) return problem(`cUF ${cUF} is not a valid state code`);
  const model = key.slice(20, 22);
  if (model !== '55' && model !== '65') return problem(`model ${model} is not 55 (NF-e) or 65 (NFC-e)`);
  const tpEmis = key[34]!;
  if (!VALID_TP_EMIS.has(tpEmis)) return problem(`tpEmis ${tpEmis} is not a valid issue mode (1-7 or 9)`);
  const expected = accessKeyCheckDigit(key.slice(0, 43));
  if (expected !== key[43]) return problem(`wrong check digit: expected ${expected}, got ${key[43]}`);
  return null;
}

export function isValidAccessKey(key: string): boolean {
  return validateAccessKey(key) === null;
}

/** Splits a key into its raw parts. Checks only the shape (length and pattern), not the values. */
export function parseAccessKey(key: string): AccessKeyParts {
  if (typeof key !== 'string' || key.length !== 44 || !ACCESS_KEY_PATTERN.test(key)) {
    const message = typeof key === 'string' && key.length === 44 ? patternProblem(key) : 'not 44 characters';
    throw InvalidInputError.field('accessKey', message);
  }
  return {
    cUF: key.slice(0, 2),
    yymm: key.slice(2, 6),
    cnpj: key.slice(6, 20),
    model: key.slice(20, 22),
    series: key.slice(22, 25),
    number: key.slice(25, 34),
    tpEmis: key.slice(34, 35),
    cNF: key.slice(35, 43),
    dv: key.slice(43, 44),
  };
}

function padPart(name: string, value: string, length: number): string {
  const padded = value.padStart(length, '0');
  if (padded.length !== length) {
    throw InvalidInputError.field('accessKey', `${name} "${value}" does not fit in ${length} characters`);
  }
  return padded;
}

/**
 * Builds the 44-character key with its check digit. Numeric parts are zero-padded (series "1" →
 * "001", an 11-digit CPF → "000" + CPF); the result is not otherwise validated.
 */
export function buildAccessKey(parts: AccessKeyInput): string {
  const first43 =
    padPart('cUF', parts.cUF, 2) +
    padPart('yymm', parts.yymm, 4) +
    padPart('cnpj', parts.cnpj, 14) +
    padPart('model', parts.model, 2) +
    padPart('series', parts.series, 3) +
    padPart('number', parts.number, 9) +
    padPart('tpEmis', parts.tpEmis, 1) +
    padPart('cNF', parts.cNF, 8);
  return first43 + accessKeyCheckDigit(first43);
}
