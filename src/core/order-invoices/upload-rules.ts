/**
 * What an uploaded order invoice must be, whatever the wire format carried it: a real PDF, within
 * the size limit, under a file name that is safe to store and echo. Field names are the upload's
 * own (`original_name`, `mime_type`, `data`).
 */
import { type FieldProblem, InvalidInputError, TooLargeError } from '../errors.js';

export const PDF_MIME_TYPE = 'application/pdf';
export const DEFAULT_MAX_INVOICE_BYTES = 10 * 1024 * 1024;
/** In code points: what file systems allow for one name, and far more than any invoice needs. */
export const MAX_ORIGINAL_NAME_LENGTH = 255;

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: FieldProblem };

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** True when the bytes start with the PDF header `%PDF-` (at offset 0: no leading junk tolerated). */
export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length >= PDF_MAGIC.length && PDF_MAGIC.every((b, i) => bytes[i] === b);
}

/** Throws TooLargeError (naming `data`) when the decoded file exceeds the limit. */
export function assertInvoiceSize(byteLength: number, limitBytes: number): void {
  if (byteLength <= limitBytes) return;
  const message = `is ${byteLength} bytes once decoded; at most ${limitBytes} bytes are accepted`;
  const err = new TooLargeError(`data: ${message}`, limitBytes);
  err.problems.push({ field: 'data', message });
  throw err;
}

/** Only PDF is accepted. MIME types are case-insensitive; parameters and padding are not allowed. */
export function checkMimeType(mimeType: string): Checked<typeof PDF_MIME_TYPE> {
  if (mimeType.toLowerCase() === PDF_MIME_TYPE) return { ok: true, value: PDF_MIME_TYPE };
  return {
    ok: false,
    problem: { field: 'mime_type', message: `must be ${PDF_MIME_TYPE} (got ${JSON.stringify(mimeType)})` },
  };
}

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u; // C0, DEL and C1
// Embeddings, overrides and isolates: they let "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const DRIVE = /^[A-Za-z]:/;

/**
 * The name to keep for an uploaded file. Any directory part is dropped (`../../etc/passwd` keeps
 * `passwd`, `C:\x\y.pdf` keeps `y.pdf`); what remains is kept exactly as sent (no trimming, no
 * Unicode normalisation). Refused, rather than silently altered: control characters, bidirectional
 * overrides, lone surrogates anywhere in the value, and a remaining name that is empty, `.`, `..`,
 * blank or longer than MAX_ORIGINAL_NAME_LENGTH code points.
 */
export function sanitizeOriginalName(name: string): Checked<string> {
  const refuse = (message: string): Checked<string> => ({
    ok: false,
    problem: { field: 'original_name', message },
  });
  if (name.length === 0) return refuse('must not be empty');
  const control = CONTROL.exec(name);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return refuse(`must not contain control characters (U+${code} at position ${control.index})`);
  }
  if (BIDI_CONTROL.test(name)) return refuse('must not contain bidirectional override characters');
  if (LONE_SURROGATE.test(name)) return refuse('is not well-formed Unicode (lone surrogate)');
  const base = (name.split(/[/\\]/).pop() ?? '').replace(DRIVE, '');
  if (base === '' || base === '.' || base === '..') return refuse('must end in a file name, not a directory');
  if (base.trim() === '') return refuse('must not be blank');
  const length = [...base].length;
  if (length > MAX_ORIGINAL_NAME_LENGTH) {
    return refuse(`must be at most ${MAX_ORIGINAL_NAME_LENGTH} characters (got ${length})`);
  }
  return { ok: true, value: base };
}

export interface InvoiceUpload {
  originalName: string;
  mimeType: string;
  bytes: Uint8Array;
}

/**
 * Every rule at once: TooLargeError beyond the limit, otherwise InvalidInputError listing every
 * field at fault. Returns the name to store and the canonical MIME type.
 */
export function checkInvoiceUpload(
  upload: InvoiceUpload,
  limitBytes: number,
): { originalName: string; mimeType: typeof PDF_MIME_TYPE } {
  assertInvoiceSize(upload.bytes.length, limitBytes);
  const name = sanitizeOriginalName(upload.originalName);
  const mime = checkMimeType(upload.mimeType);
  const problems: FieldProblem[] = [];
  if (!name.ok) problems.push(name.problem);
  if (!mime.ok) problems.push(mime.problem);
  if (upload.bytes.length === 0) problems.push({ field: 'data', message: 'is empty' });
  else if (!isPdf(upload.bytes))
    problems.push({ field: 'data', message: 'is not a PDF (must start with %PDF-)' });
  if (name.ok && mime.ok && problems.length === 0) return { originalName: name.value, mimeType: mime.value };
  throw new InvalidInputError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}
