import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength, decodeBase64Strict } from '../../../src/http/kaufland/base64.js';

function decoded(text: string): Buffer {
  const result = decodeBase64Strict(text);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return Buffer.from(result.bytes);
}

function refusal(text: string): { message: string; position: number } {
  const result = decodeBase64Strict(text);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(text)}`);
  return result;
}

describe('decodeBase64Strict', () => {
  it('decodes what a standard encoder writes, for every padding length', () => {
    for (let length = 0; length <= 66; length++) {
      const bytes = randomBytes(length);
      const text = bytes.toString('base64');
      expect(decoded(text).equals(bytes), text).toBe(true);
      expect(base64DecodedLength(text)).toBe(length);
    }
  });

  it('decodes the document’s own example prefix to a PDF header', () => {
    expect(decoded('JVBERi0xLjQK').toString('latin1')).toBe('%PDF-1.4\n');
  });

  it('ignores line breaks wherever they are (wrapped output of base64 or MIME encoders)', () => {
    const bytes = randomBytes(200);
    const text = bytes.toString('base64');
    const lf = text.replace(/.{76}/g, '$&\n');
    const crlf = `${text.replace(/.{64}/g, '$&\r\n')}\r\n`;
    expect(lf).toContain('\n');
    expect(decoded(lf).equals(bytes)).toBe(true);
    expect(decoded(crlf).equals(bytes)).toBe(true);
    expect(decoded('QU\nJD').toString()).toBe('ABC');
    expect(base64DecodedLength(crlf)).toBe(200);
  });

  it.each([
    ['QUJD-A==', 4, /base64url/],
    ['QUJD_A==', 4, /base64url/],
    ['QUJD*A==', 4, /"\*".*not in the base64 alphabet/],
    ['QUJDé===', 4, /"é" \(U\+00E9\)/],
    ['QUJD😀A=', 4, /U\+1F600/],
    ['QUJD A==', 4, /space at position 4.*"\+"/],
    ['QUJD\tA==', 4, /whitespace U\+0009 at position 4/],
    ['QUJD\u00a0A==', 4, /whitespace U\+00A0/],
  ])('refuses %j at position %i', (text, position, message) => {
    const result = refusal(text);
    expect(result.position).toBe(position);
    expect(result.message).toMatch(message);
    expect(result.message).toContain(`position ${position}`);
  });

  it.each([
    ['missing padding', 'QQ', /not a multiple of 4: padding is missing/],
    ['one "=" short', 'QQ=', /not a multiple of 4/],
    ['truncated', 'QUJDRA', /not a multiple of 4/],
    ['three "="', 'Q===', /more than two "="/],
    ['padding alone', '====', /more than two "="/],
    ['padding first', '=QQ=', /may only end the text/],
    ['padding in the middle', 'QQ==QQ==', /may only end the text/],
    ['non-zero bits before "=="', 'QR==', /"R" at position 1 carries non-zero padding bits/],
    ['non-zero bits before "="', 'QUJ=', /"J" at position 2 carries non-zero padding bits/],
  ])('refuses bad padding: %s', (_, text, message) => {
    expect(refusal(text).message).toMatch(message);
  });

  it('accepts the canonical twins of the non-canonical texts above', () => {
    expect(decoded('QQ==').toString()).toBe('A');
    expect(decoded('QUI=').toString()).toBe('AB');
  });

  it('decodes the empty text to no bytes (the upload rules refuse an empty file)', () => {
    expect(decoded('')).toHaveLength(0);
    expect(decoded('\r\n')).toHaveLength(0);
  });
});

describe('base64DecodedLength', () => {
  it('is an upper bound for text that is not valid base64', () => {
    expect(base64DecodedLength('QQ')).toBeGreaterThanOrEqual(1);
    expect(base64DecodedLength('A'.repeat(14_000_000))).toBe(10_500_000);
  });
});
