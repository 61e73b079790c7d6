import { describe, expect, it } from 'vitest';
import { InvalidInputError, TooLargeError } from '../../../src/core/errors.js';
import {
  assertInvoiceSize,
  checkInvoiceUpload,
  checkMimeType,
  DEFAULT_MAX_INVOICE_BYTES,
  isPdf,
  MAX_ORIGINAL_NAME_LENGTH,
  sanitizeOriginalName,
} from '../../../src/core/order-invoices/upload-rules.js';

const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');

function kept(name: string): string {
  const result = sanitizeOriginalName(name);
  if (!result.ok) throw new Error(`refused ${JSON.stringify(name)}: ${result.problem.message}`);
  return result.value;
}

function refused(name: string): string {
  const result = sanitizeOriginalName(name);
  if (result.ok) throw new Error(`kept ${JSON.stringify(name)} as ${JSON.stringify(result.value)}`);
  expect(result.problem.field).toBe('original_name');
  return result.problem.message;
}

describe('isPdf', () => {
  it('recognises the %PDF- header at the very start', () => {
    expect(isPdf(PDF)).toBe(true);
    expect(isPdf(Buffer.from('%PDF-'))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a truncated header', '%PDF'],
    ['lower case', '%pdf-1.7'],
    ['leading whitespace', ' %PDF-1.7'],
    ['a byte-order mark first', '\ufeff%PDF-1.7'],
    ['a PNG', '\x89PNG\r\n\x1a\n'],
    ['an NF-e', '<?xml version="1.0"?><nfeProc/>'],
    ['PDF- without the percent sign', 'PDF-1.7'],
  ])('refuses %s', (_, text) => {
    expect(isPdf(Buffer.from(text, 'utf8'))).toBe(false);
  });
});

describe('assertInvoiceSize', () => {
  it('allows exactly the limit and refuses one byte more with TooLargeError naming data', () => {
    expect(() => assertInvoiceSize(DEFAULT_MAX_INVOICE_BYTES, DEFAULT_MAX_INVOICE_BYTES)).not.toThrow();
    let err: unknown;
    try {
      assertInvoiceSize(DEFAULT_MAX_INVOICE_BYTES + 1, DEFAULT_MAX_INVOICE_BYTES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TooLargeError);
    expect((err as TooLargeError).limitBytes).toBe(10 * 1024 * 1024);
    expect((err as TooLargeError).problems).toEqual([
      { field: 'data', message: expect.stringContaining('10485761') },
    ]);
  });

  it('takes the limit as configured', () => {
    expect(() => assertInvoiceSize(1025, 1024)).toThrow(TooLargeError);
    expect(() => assertInvoiceSize(1024, 1024)).not.toThrow();
  });
});

describe('checkMimeType', () => {
  it('accepts application/pdf in any case and returns it canonical', () => {
    expect(checkMimeType('application/pdf')).toEqual({ ok: true, value: 'application/pdf' });
    expect(checkMimeType('Application/PDF')).toEqual({ ok: true, value: 'application/pdf' });
  });

  it.each(['application/xml', 'image/png', 'application/pdf; charset=binary', ' application/pdf', 'pdf', ''])(
    'refuses %j naming mime_type',
    (mime) => {
      const result = checkMimeType(mime);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.problem).toEqual({
          field: 'mime_type',
          message: expect.stringContaining('application/pdf'),
        });
    },
  );
});

describe('sanitizeOriginalName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['/var/tmp/invoice.pdf', 'invoice.pdf'],
    ['C:\\x\\y.pdf', 'y.pdf'],
    ['C:y.pdf', 'y.pdf'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['\\\\server\\share\\Rechnung.pdf', 'Rechnung.pdf'],
    ['a/b\\c/d.pdf', 'd.pdf'],
  ])('drops the directory part of %j', (name, expected) => {
    expect(kept(name)).toBe(expected);
  });

  it.each([
    'invoice_MB7UWLD.pdf',
    'Rechnung Nr. 42 – Müller & Söhne.pdf',
    'Faktura č. 7 (kopie).pdf',
    '請求書-2026年.pdf',
    'фактура.pdf',
    '🧾 receipt.pdf',
    'nota fiscal n\u0303o normalizada.pdf',
    '  spaces kept  .pdf',
    '.hidden.pdf',
    'invoice..pdf',
    '%2e%2e%2fnot-a-path.pdf',
  ])('keeps %j exactly as sent', (name) => {
    expect(kept(name)).toBe(name);
  });

  it.each([
    ['a NUL', 'invoice\u0000.pdf', /U\+0000 at position 7/],
    ['a newline', 'invoice\n.pdf', /U\+000A/],
    ['a carriage return', 'in\rvoice.pdf', /U\+000D at position 2/],
    ['a tab', 'in\tvoice.pdf', /control characters/],
    ['DEL', 'invoice\u007f.pdf', /U\+007F/],
    ['a C1 control', 'invoice\u0085.pdf', /U\+0085/],
    ['a control character in the directory part', 'dir\n/invoice.pdf', /control characters/],
    ['a right-to-left override', 'invoice\u202efdp.exe', /bidirectional/],
    ['a first-strong isolate', 'invoice\u2068.pdf', /bidirectional/],
    ['a lone surrogate', 'invoice\ud800.pdf', /lone surrogate/],
    ['an empty name', '', /must not be empty/],
    ['a directory', 'invoices/', /file name/],
    ['a parent directory', '..', /file name/],
    ['a current directory', 'x/.', /file name/],
    ['a bare drive', 'C:', /file name/],
    ['a blank name', '   ', /blank/],
  ])('refuses %s', (_, name, message) => {
    expect(refused(name)).toMatch(message);
  });

  it('refuses an absurd length, counted in characters after the directory part', () => {
    expect(refused('x'.repeat(10_000))).toMatch(/at most 255 characters \(got 10000\)/);
    expect(kept('x'.repeat(MAX_ORIGINAL_NAME_LENGTH))).toHaveLength(255);
    expect(refused('x'.repeat(MAX_ORIGINAL_NAME_LENGTH + 1))).toMatch(/got 256/);
    // 255 emoji are 510 UTF-16 units but 255 characters
    expect(kept('🧾'.repeat(255))).toHaveLength(510);
    expect(kept(`${'d/'.repeat(5_000)}invoice.pdf`)).toBe('invoice.pdf');
  });
});

describe('checkInvoiceUpload', () => {
  const upload = { originalName: 'C:\\scans\\Rechnung-Müller.pdf', mimeType: 'application/PDF', bytes: PDF };

  it('returns the name to keep and the canonical MIME type', () => {
    expect(checkInvoiceUpload(upload, DEFAULT_MAX_INVOICE_BYTES)).toEqual({
      originalName: 'Rechnung-Müller.pdf',
      mimeType: 'application/pdf',
    });
  });

  it('lists every field at fault at once', () => {
    let err: unknown;
    try {
      checkInvoiceUpload(
        { originalName: 'a\u0000.pdf', mimeType: 'image/png', bytes: Buffer.from('\x89PNG') },
        DEFAULT_MAX_INVOICE_BYTES,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).problems.map((p) => p.field)).toEqual([
      'original_name',
      'mime_type',
      'data',
    ]);
  });

  it('says an empty file is empty, and checks the size before anything else', () => {
    expect(() => checkInvoiceUpload({ ...upload, bytes: new Uint8Array(0) }, 100)).toThrow(/data: is empty/);
    expect(() =>
      checkInvoiceUpload({ originalName: '', mimeType: 'text/plain', bytes: Buffer.alloc(101) }, 100),
    ).toThrow(TooLargeError);
  });
});
