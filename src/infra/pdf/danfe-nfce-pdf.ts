/**
 * The NFC-e DANFE (model 65): an 80 mm receipt as the NFC-e manual lays it out: emitter, items,
 * totals and payments, where to check the key, consumer, number and protocol, the QR code of
 * infNFeSupl/qrCode. The page is as tall as its content: laid out once to measure, then drawn.
 */
import type { DanfeDocument } from '../../core/danfe/danfe-document.js';
import {
  dateTime,
  groupedKey,
  invoiceNumber,
  money,
  paymentMethod,
  price,
  quantity,
  seriesNumber,
  taxId,
} from './danfe-format.js';
import { BOLD, type Doc, pdfBytes, pdfkit, REGULAR, stamp } from './pdf-sheet.js';

const WIDTH = 226.77; // 80 mm
const M = 8;
const CW = WIDTH - 2 * M;
const QR_SIZE = 130;

type Align = 'left' | 'center' | 'right';

function line(doc: Doc, y: number): number {
  doc
    .lineWidth(0.5)
    .dash(2, { space: 2 })
    .moveTo(M, y + 3)
    .lineTo(WIDTH - M, y + 3)
    .stroke()
    .undash();
  return y + 7;
}

function say(doc: Doc, y: number, s: string, size = 6.5, align: Align = 'center', bold = false): number {
  if (!s) return y;
  doc.font(bold ? BOLD : REGULAR).fontSize(size);
  const h = doc.heightOfString(s, { width: CW });
  doc.text(s, M, y, { width: CW, height: h + 1, align });
  return y + h + 1;
}

/** A label left and a value right on one line. */
function pair(doc: Doc, y: number, label: string, value: string, bold = false): number {
  doc.font(bold ? BOLD : REGULAR).fontSize(7);
  doc.text(label, M, y, { width: CW * 0.65, height: 9, lineBreak: false });
  doc.text(value, M + CW * 0.65, y, { width: CW * 0.35, height: 9, align: 'right', lineBreak: false });
  return y + 9;
}

const COLS: { label: string; width: number; align: Align }[] = [
  { label: 'Código', width: 30, align: 'left' },
  { label: 'Descrição', width: 74, align: 'left' },
  { label: 'Qtde', width: 28, align: 'right' },
  { label: 'UN', width: 14, align: 'center' },
  { label: 'Vl Unit', width: 32, align: 'right' },
  { label: 'Vl Total', width: CW - 178, align: 'right' },
];

function items(doc: Doc, d: DanfeDocument, y: number): number {
  doc.font(BOLD).fontSize(5.5);
  let x = M;
  for (const c of COLS) {
    doc.text(c.label, x, y, { width: c.width - 1, height: 7, align: c.align, lineBreak: false });
    x += c.width;
  }
  y += 8;
  doc.font(REGULAR).fontSize(5.5);
  for (const item of d.items) {
    const values = [
      item.code,
      item.description,
      quantity(item.quantity).replace(/,?0+$/, ''),
      item.unit,
      price(item.unitPrice),
      money(item.total),
    ];
    const h = Math.max(
      doc.heightOfString(item.code, { width: COLS[0]!.width - 1 }),
      doc.heightOfString(item.description, { width: COLS[1]!.width - 1 }),
    );
    x = M;
    COLS.forEach((c, i) => {
      doc.text(values[i]!, x, y, { width: c.width - 1, height: h + 1, align: c.align });
      x += c.width;
    });
    y += h + 2;
  }
  return y;
}

function receipt(doc: Doc, d: DanfeDocument, qr: Buffer | undefined): number {
  const e = d.emitter;
  let y = M;
  if (d.testEnvironment)
    y = say(doc, y, 'EMITIDA EM AMBIENTE DE HOMOLOGAÇÃO - SEM VALOR FISCAL', 7, 'center', true);
  y = say(doc, y, e.name, 8, 'center', true);
  y = say(doc, y, `CNPJ: ${taxId(e.doc)}   IE: ${e.ie}`);
  y = say(doc, y, [e.street, e.district, e.city, e.uf].filter(Boolean).join(', '));
  y = line(doc, y);
  y = say(
    doc,
    y,
    'DANFE NFC-e - Documento Auxiliar da Nota Fiscal de Consumidor Eletrônica',
    7,
    'center',
    true,
  );
  y = line(doc, y);
  y = items(doc, d, y);
  y = line(doc, y);
  const t = d.totals;
  y = pair(doc, y, 'Qtde. total de itens', String(d.items.length));
  y = pair(doc, y, 'Valor total R$', money(t.products));
  if (Number(t.discount) > 0) y = pair(doc, y, 'Desconto R$', money(t.discount));
  if (Number(t.freight) > 0) y = pair(doc, y, 'Frete R$', money(t.freight));
  if (Number(t.other) > 0) y = pair(doc, y, 'Outras despesas R$', money(t.other));
  y = pair(doc, y, 'Valor a Pagar R$', money(t.total), true);
  y = pair(doc, y, 'FORMA DE PAGAMENTO', 'VALOR PAGO R$', true);
  for (const p of d.payments) y = pair(doc, y, paymentMethod(p.method), money(p.amount));
  if (d.change) y = pair(doc, y, 'Troco R$', money(d.change));
  y = line(doc, y);
  y = say(doc, y, 'Consulte pela Chave de Acesso em', 6.5, 'center', true);
  y = say(doc, y, d.consultUrl || 'o portal da SEFAZ do estado emitente');
  y = say(doc, y, groupedKey(d.accessKey), 7, 'center', true);
  y = line(doc, y);
  const r = d.recipient;
  y = say(
    doc,
    y,
    r.doc
      ? `CONSUMIDOR - CPF/CNPJ ${taxId(r.doc)}${r.name ? ` - ${r.name}` : ''}`
      : 'CONSUMIDOR NÃO IDENTIFICADO',
    6.5,
    'center',
    true,
  );
  y = line(doc, y);
  y = say(
    doc,
    y,
    `NFC-e nº ${invoiceNumber(d.number)} Série ${seriesNumber(d.series)} ${dateTime(d.issuedAt)}`,
    7,
    'center',
    true,
  );
  if (d.protocol) {
    y = say(doc, y, `Protocolo de autorização: ${d.protocol.number}`);
    y = say(doc, y, `Data de autorização: ${dateTime(d.protocol.at)}`);
  }
  if (qr) {
    y += 4;
    doc.image(qr, (WIDTH - QR_SIZE) / 2, y, { width: QR_SIZE, height: QR_SIZE });
    y += QR_SIZE + 4;
  }
  if (d.additionalInfo) {
    y = line(doc, y);
    y = say(doc, y, d.additionalInfo, 6);
  }
  return y + M;
}

export async function renderNfceDanfe(
  d: DanfeDocument,
  qr: Buffer | undefined,
): Promise<{ pdf: Uint8Array; pages: number }> {
  const PDFDocument = await pdfkit();
  // Measure on a scratch document (never ended), then draw on a page of that height.
  const scratch = new PDFDocument({ size: [WIDTH, 14_400], margin: 0 });
  const height = receipt(scratch, d, qr);
  const doc = new PDFDocument({
    size: [WIDTH, height],
    margin: 0,
    info: { Title: `DANFE NFC-e ${d.accessKey}`, Creator: 'invoicehub' },
  });
  const pdf = await pdfBytes(doc, () => {
    receipt(doc, d, qr);
    if (d.cancelled) stamp(doc, 'CANCELADA', '#c00000', 30, 0, -35);
    if (d.withoutFiscalValue) stamp(doc, 'SEM VALOR FISCAL', '#555555', 18, d.cancelled ? 50 : 0, -35);
  });
  return { pdf, pages: 1 };
}
