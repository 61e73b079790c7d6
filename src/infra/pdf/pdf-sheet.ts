/** Drawing helpers the DANFE layouts share: labelled boxes, the status stamps, the bytes of a doc. */
import type PDFDocument from 'pdfkit';
import { lazyImport } from '../lazy-import.js';

export type Doc = PDFKit.PDFDocument;
export const BOLD = 'Helvetica-Bold';
export const REGULAR = 'Helvetica';

/** pdfkit's document class, loaded when the first PDF is drawn. */
export const pdfkit = lazyImport(async () => (await import('pdfkit')).default);

export interface FieldOptions {
  align?: 'left' | 'center' | 'right';
  size?: number;
  bold?: boolean;
}

/**
 * A DANFE field: a thin box, its caption in small capitals at the top, the value below it on one
 * line (cut with an ellipsis when too long). Text is always given a height, so pdfkit never starts
 * a page by itself.
 */
export function field(
  doc: Doc,
  x: number,
  y: number,
  w: number,
  h: number,
  label: string,
  value: string,
  opts: FieldOptions = {},
): void {
  doc.lineWidth(0.5).rect(x, y, w, h).stroke();
  doc
    .font(REGULAR)
    .fontSize(5)
    .text(label, x + 2, y + 1.5, { width: w - 4, height: 6, lineBreak: false, ellipsis: true });
  const size = opts.size ?? 8;
  doc
    .font(opts.bold ? BOLD : REGULAR)
    .fontSize(size)
    .text(value, x + 2, y + h - size - 2, {
      width: w - 4,
      height: size + 1,
      align: opts.align ?? 'left',
      ellipsis: true,
    });
}

/** A section caption above a group of fields. */
export function caption(doc: Doc, x: number, y: number, label: string): number {
  doc
    .font(BOLD)
    .fontSize(6)
    .text(label, x, y + 1, { width: 400, height: 7, lineBreak: false });
  return y + 8;
}

/**
 * A diagonal mark across the page (CANCELADA, SEM VALOR FISCAL); `shift` moves it down so that two
 * marks do not overlap.
 */
export function stamp(doc: Doc, label: string, color: string, size: number, shift = 0, angle?: number): void {
  const { width, height } = doc.page;
  const cx = width / 2;
  const cy = height / 2 + shift;
  const w = width * 1.2;
  doc.save();
  doc.rotate(angle ?? -Math.atan(height / width) * (180 / Math.PI) * 0.8, { origin: [cx, cy] });
  doc
    .font(BOLD)
    .fontSize(size)
    .fillColor(color)
    .opacity(0.3)
    .text(label, cx - w / 2, cy - size / 2, {
      width: w,
      height: size * 1.3,
      align: 'center',
      lineBreak: false,
    });
  doc.restore();
  doc.fillColor('black').opacity(1);
}

/** Ends the document and resolves with its bytes. */
export function pdfBytes(doc: InstanceType<typeof PDFDocument>, draw: () => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      draw();
      doc.end();
    } catch (err) {
      reject(err);
    }
  });
}
