import type { InvoiceSheet } from '../../core/demo/kaufland-demo.js';
import { pdfkit } from './pdf-sheet.js';

/** A one-page A4 invoice (pdfkit, its built-in Helvetica): enough for a demo file a viewer opens. */
export async function renderInvoiceSheetPdf(sheet: InvoiceSheet): Promise<Uint8Array> {
  const PDFDocument = await pdfkit();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: `${sheet.title} ${sheet.orderId}` },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const money = (n: number) => `${n.toFixed(2)} ${sheet.currency}`;
    doc.fontSize(20).text(sheet.title).moveDown(0.5);
    doc.fontSize(10).text(sheet.issuer).text(`Order ${sheet.orderId}`);
    doc.text(`Date ${sheet.issuedAt.toISOString().slice(0, 10)}`).moveDown();
    let total = 0;
    for (const line of sheet.lines) {
      const amount = line.quantity * line.unitPrice;
      total += amount;
      doc.text(`${line.quantity} x ${line.description}  ${money(amount)}`);
    }
    doc
      .moveDown()
      .fontSize(12)
      .text(`Total ${money(total)}`);
    doc.end();
  });
}
