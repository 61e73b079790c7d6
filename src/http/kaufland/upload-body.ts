import type { Static } from '@sinclair/typebox';
import { type FieldProblem, InvalidInputError } from '../../core/errors.js';
import {
  assertInvoiceSize,
  checkMimeType,
  type InvoiceUpload,
  sanitizeOriginalName,
} from '../../core/order-invoices/upload-rules.js';
import { base64DecodedLength, decodeBase64Strict } from './base64.js';
import type { UploadBody } from './schemas.js';

/**
 * The upload body's file, decoded: 413 when it would exceed the limit (checked before decoding
 * allocates), 400 naming every field at fault when `data` is not strict base64. The core's upload
 * rules check the rest (a real PDF, the name, the type).
 */
export function decodeUploadBody(body: Static<typeof UploadBody>, maxBytes: number): InvoiceUpload {
  assertInvoiceSize(base64DecodedLength(body.data), maxBytes);
  const decoded = decodeBase64Strict(body.data);
  if (decoded.ok) return { originalName: body.original_name, mimeType: body.mime_type, bytes: decoded.bytes };
  const problems: FieldProblem[] = [];
  const name = sanitizeOriginalName(body.original_name);
  if (!name.ok) problems.push(name.problem);
  const mime = checkMimeType(body.mime_type);
  if (!mime.ok) problems.push(mime.problem);
  problems.push({ field: 'data', message: `is not valid base64: ${decoded.message}` });
  throw new InvalidInputError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}
