/**
 * The DANFE of model 55, portrait A4, laid out as the NF-e integration manual shows it: receipt
 * stub, emitter / DANFE / barcode block, protocol, recipient, tax totals, transport, items (over as
 * many sheets as they need, the header repeated on each), additional information on sheet 1.
 */
import type { DanfeDocument, DanfeItem } from '../../core/danfe/danfe-document.js';
import {
  date,
  dateTime,
  freightMode,
  groupedKey,
  invoiceNumber,
  money,
  price,
  quantity,
  seriesNumber,
  taxId,
  time,
  zip,
} from './danfe-format.js';
import { BOLD, caption, type Doc, field, pdfBytes, pdfkit, REGULAR, stamp } from './pdf-sheet.js';

const PAGE_H = 841.89;
const X = 18;
const W = 559;
const TOP = 18;
const BOTTOM = PAGE_H - 18;
const ROW = 20;
const ADDITIONAL_H = 72;
const ITEM_FONT = 6;

interface Column {
  label: string;
  width: number;
  align: 'left' | 'center' | 'right';
  value: (i: DanfeItem) => string;
  wrap?: boolean;
}

const rate = (v: string) => (v === '' ? '' : price(v));
const FIXED: Column[] = [
  { label: 'CÓDIGO PRODUTO', width: 48, align: 'left', value: (i) => i.code, wrap: true },
  {
    label: 'DESCRIÇÃO DO PRODUTO / SERVIÇO',
    width: 0,
    align: 'left',
    value: (i) => i.description,
    wrap: true,
  },
  { label: 'NCM/SH', width: 36, align: 'center', value: (i) => i.ncm },
  { label: 'O/CST', width: 20, align: 'center', value: (i) => i.cst },
  { label: 'CFOP', width: 22, align: 'center', value: (i) => i.cfop },
  { label: 'UN', width: 18, align: 'center', value: (i) => i.unit },
  { label: 'QUANT.', width: 38, align: 'right', value: (i) => quantity(i.quantity) },
  { label: 'VALOR UNIT.', width: 42, align: 'right', value: (i) => price(i.unitPrice) },
  { label: 'VALOR TOTAL', width: 44, align: 'right', value: (i) => money(i.total) },
  { label: 'B. CÁLC. ICMS', width: 40, align: 'right', value: (i) => money(i.icmsBase, true) },
  { label: 'VALOR ICMS', width: 34, align: 'right', value: (i) => money(i.icmsValue, true) },
  { label: 'VALOR IPI', width: 30, align: 'right', value: (i) => money(i.ipiValue, true) },
  { label: 'ALÍQ. ICMS', width: 22, align: 'right', value: (i) => rate(i.icmsRate) },
  { label: 'ALÍQ. IPI', width: 22, align: 'right', value: (i) => rate(i.ipiRate) },
];
const COLUMNS = FIXED.map((c) =>
  c.width ? c : { ...c, width: W - FIXED.reduce((sum, other) => sum + other.width, 0) },
);

interface Sheet {
  /** Where "FOLHA n/N" goes once the number of sheets is known. */
  folio: { x: number; y: number; w: number };
}

/** Draws one row of fields of the given widths (the last one takes what is left). */
function row(doc: Doc, y: number, cells: [string, string, number?, boolean?][]): number {
  let x = X;
  cells.forEach(([label, value, width, bold], i) => {
    const w = i === cells.length - 1 ? X + W - x : (width ?? 0);
    field(doc, x, y, w, ROW, label, value, { ...(bold ? { bold: true } : {}) });
    x += w;
  });
  return y + ROW;
}

function receiptStub(doc: Doc, d: DanfeDocument, y: number): number {
  const left = W - 110;
  const r = d.recipient;
  doc.lineWidth(0.5).rect(X, y, left, 28).stroke();
  doc
    .font(REGULAR)
    .fontSize(6)
    .text(
      `RECEBEMOS DE ${d.emitter.name.toUpperCase()} OS PRODUTOS E/OU SERVIÇOS CONSTANTES DA NOTA FISCAL ` +
        `ELETRÔNICA INDICADA AO LADO. EMISSÃO: ${date(d.issuedAt)} VALOR TOTAL: R$ ${money(d.totals.total)} ` +
        `DESTINATÁRIO: ${r.name} - ${[r.street, r.district, r.city, r.uf].filter(Boolean).join(' - ')}`,
      X + 2,
      y + 2,
      { width: left - 4, height: 25, ellipsis: true },
    );
  field(doc, X, y + 28, 100, 22, 'DATA DE RECEBIMENTO', '');
  field(doc, X + 100, y + 28, left - 100, 22, 'IDENTIFICAÇÃO E ASSINATURA DO RECEBEDOR', '');
  doc.rect(X + left, y, 110, 50).stroke();
  const centre = { width: 110, align: 'center' as const, lineBreak: false };
  doc
    .font(BOLD)
    .fontSize(12)
    .text('NF-e', X + left, y + 6, { ...centre, height: 14 });
  doc.fontSize(9).text(`Nº ${invoiceNumber(d.number)}`, X + left, y + 22, { ...centre, height: 11 });
  doc.text(`SÉRIE ${seriesNumber(d.series)}`, X + left, y + 34, { ...centre, height: 11 });
  doc
    .lineWidth(0.5)
    .dash(3, { space: 2 })
    .moveTo(X, y + 56)
    .lineTo(X + W, y + 56)
    .stroke()
    .undash();
  return y + 62;
}

function header(doc: Doc, d: DanfeDocument, y: number, barcode: Buffer): { y: number; sheet: Sheet } {
  const h = 118;
  const e = d.emitter;
  // Emitter.
  doc.lineWidth(0.5).rect(X, y, 230, h).stroke();
  doc
    .font(REGULAR)
    .fontSize(5)
    .text('IDENTIFICAÇÃO DO EMITENTE', X + 2, y + 2, { width: 226, height: 6 });
  doc
    .font(BOLD)
    .fontSize(10)
    .text(e.name, X + 6, y + 14, { width: 218, height: 36, align: 'center', ellipsis: true });
  const lines = [
    e.street,
    [e.district, zip(e.zip)].filter(Boolean).join(' - '),
    [e.city, e.uf].filter(Boolean).join(' - '),
    e.phone ? `Fone: ${e.phone}` : '',
  ].filter(Boolean);
  doc
    .font(REGULAR)
    .fontSize(7)
    .text(lines.join('\n'), X + 6, y + 56, { width: 218, height: 58, align: 'center', ellipsis: true });
  // DANFE.
  const dx = X + 230;
  doc.rect(dx, y, 100, h).stroke();
  const centre = { width: 100, align: 'center' as const, lineBreak: false };
  doc
    .font(BOLD)
    .fontSize(14)
    .text('DANFE', dx, y + 6, { ...centre, height: 16 });
  doc
    .font(REGULAR)
    .fontSize(6)
    .text('Documento Auxiliar da Nota Fiscal Eletrônica', dx + 8, y + 24, {
      width: 84,
      height: 16,
      align: 'center',
    });
  doc.fontSize(6).text('0 - ENTRADA', dx + 10, y + 46, { width: 60, height: 7, lineBreak: false });
  doc.text('1 - SAÍDA', dx + 10, y + 54, { width: 60, height: 7, lineBreak: false });
  doc.rect(dx + 70, y + 45, 16, 16).stroke();
  doc
    .font(BOLD)
    .fontSize(11)
    .text(d.direction, dx + 70, y + 48, { width: 16, height: 12, align: 'center', lineBreak: false });
  doc.fontSize(8).text(`Nº ${invoiceNumber(d.number)}`, dx, y + 70, { ...centre, height: 10 });
  doc.text(`SÉRIE ${seriesNumber(d.series)}`, dx, y + 82, { ...centre, height: 10 });
  const folio = { x: dx, y: y + 96, w: 100 };
  // Barcode, key, where to check it.
  const kx = dx + 100;
  const kw = X + W - kx;
  doc.rect(kx, y, kw, h).stroke();
  doc.image(barcode, kx + 6, y + 5, { fit: [kw - 12, 38], align: 'center', valign: 'center' });
  field(doc, kx, y + 48, kw, 22, 'CHAVE DE ACESSO', groupedKey(d.accessKey), {
    align: 'center',
    bold: true,
    size: 7.5,
  });
  doc
    .font(REGULAR)
    .fontSize(7)
    .text(
      'Consulta de autenticidade no portal nacional da NF-e www.nfe.fazenda.gov.br/portal ou no site da Sefaz Autorizadora',
      kx + 6,
      y + 78,
      { width: kw - 12, height: 36, align: 'center' },
    );
  let next = y + h;
  const protocol = d.protocol ? `${d.protocol.number} - ${dateTime(d.protocol.at)}` : '';
  next = row(doc, next, [
    ['NATUREZA DA OPERAÇÃO', d.operation, 330],
    ['PROTOCOLO DE AUTORIZAÇÃO DE USO', protocol, 0, true],
  ]);
  next = row(doc, next, [
    ['INSCRIÇÃO ESTADUAL', e.ie, 186],
    ['INSCRIÇÃO ESTADUAL DO SUBST. TRIBUT.', e.ieSt, 186],
    ['CNPJ / CPF', taxId(e.doc)],
  ]);
  return { y: next, sheet: { folio } };
}

function recipient(doc: Doc, d: DanfeDocument, y: number): number {
  const r = d.recipient;
  let next = caption(doc, X, y, 'DESTINATÁRIO / REMETENTE');
  next = row(doc, next, [
    ['NOME / RAZÃO SOCIAL', r.name, W - 190],
    ['CNPJ / CPF', taxId(r.doc), 110],
    ['DATA DA EMISSÃO', date(d.issuedAt)],
  ]);
  next = row(doc, next, [
    ['ENDEREÇO', r.street, 279],
    ['BAIRRO / DISTRITO', r.district, 130],
    ['CEP', zip(r.zip), 70],
    ['DATA DA SAÍDA / ENTRADA', date(d.exitAt)],
  ]);
  return row(doc, next, [
    ['MUNICÍPIO', r.city, 209],
    ['UF', r.uf, 30],
    ['FONE / FAX', r.phone, 100],
    ['INSCRIÇÃO ESTADUAL', r.ie, 140],
    ['HORA DA SAÍDA / ENTRADA', time(d.exitAt)],
  ]);
}

function taxes(doc: Doc, d: DanfeDocument, y: number): number {
  const t = d.totals;
  let next = caption(doc, X, y, 'CÁLCULO DO IMPOSTO');
  const fifth = W / 5;
  next = row(doc, next, [
    ['BASE DE CÁLCULO DO ICMS', money(t.icmsBase), fifth],
    ['VALOR DO ICMS', money(t.icms), fifth],
    ['BASE DE CÁLC. ICMS S.T.', money(t.stBase), fifth],
    ['VALOR DO ICMS SUBST.', money(t.st), fifth],
    ['V. TOTAL DOS PRODUTOS', money(t.products)],
  ]);
  const sixth = W / 6;
  return row(doc, next, [
    ['VALOR DO FRETE', money(t.freight), sixth],
    ['VALOR DO SEGURO', money(t.insurance), sixth],
    ['DESCONTO', money(t.discount), sixth],
    ['OUTRAS DESPESAS', money(t.other), sixth],
    ['VALOR TOTAL DO IPI', money(t.ipi), sixth],
    ['V. TOTAL DA NOTA', money(t.total), 0, true],
  ]);
}

function transport(doc: Doc, d: DanfeDocument, y: number): number {
  const t = d.transport;
  let next = caption(doc, X, y, 'TRANSPORTADOR / VOLUMES TRANSPORTADOS');
  next = row(doc, next, [
    ['NOME / RAZÃO SOCIAL', t.carrierName, 189],
    ['FRETE POR CONTA', freightMode(t.freightMode), 90],
    ['CÓDIGO ANTT', '', 70],
    ['PLACA DO VEÍCULO', t.plate, 70],
    ['UF', t.plateUf, 30],
    ['CNPJ / CPF', taxId(t.carrierDoc)],
  ]);
  next = row(doc, next, [
    ['ENDEREÇO', t.carrierAddress, 219],
    ['MUNICÍPIO', t.carrierCity, 170],
    ['UF', t.carrierUf, 30],
    ['INSCRIÇÃO ESTADUAL', t.carrierIe],
  ]);
  return row(doc, next, [
    ['QUANTIDADE', t.volumes, 80],
    ['ESPÉCIE', t.species, 100],
    ['MARCA', t.brand, 100],
    ['NUMERAÇÃO', t.numbering, 99],
    ['PESO BRUTO', quantity(t.grossWeight).replace(/,?0+$/, ''), 90],
    ['PESO LÍQUIDO', quantity(t.netWeight).replace(/,?0+$/, '')],
  ]);
}

function additional(doc: Doc, d: DanfeDocument): void {
  const y = caption(doc, X, BOTTOM - ADDITIONAL_H - 8, 'DADOS ADICIONAIS');
  const info = [
    d.additionalInfo,
    d.testEnvironment ? 'EMITIDA EM AMBIENTE DE HOMOLOGAÇÃO - SEM VALOR FISCAL' : '',
  ]
    .filter(Boolean)
    .join('\n');
  doc.lineWidth(0.5).rect(X, y, 370, ADDITIONAL_H).stroke();
  doc.rect(X + 370, y, W - 370, ADDITIONAL_H).stroke();
  doc
    .font(REGULAR)
    .fontSize(5)
    .text('INFORMAÇÕES COMPLEMENTARES', X + 2, y + 1.5, { width: 300, height: 6 });
  doc.text('RESERVADO AO FISCO', X + 372, y + 1.5, { width: 180, height: 6 });
  doc.fontSize(6).text(info, X + 2, y + 9, { width: 366, height: ADDITIONAL_H - 10, ellipsis: true });
  doc.text(d.fiscoInfo, X + 372, y + 9, { width: W - 374, height: ADDITIONAL_H - 10, ellipsis: true });
}

function itemsHeader(doc: Doc, y: number): number {
  const top = caption(doc, X, y, 'DADOS DOS PRODUTOS / SERVIÇOS');
  let x = X;
  doc.font(REGULAR).fontSize(5);
  for (const c of COLUMNS) {
    doc.lineWidth(0.5).rect(x, top, c.width, 14).stroke();
    doc.text(c.label, x + 1, top + 2, { width: c.width - 2, height: 12, align: 'center' });
    x += c.width;
  }
  return top + 14;
}

function rowHeight(doc: Doc, item: DanfeItem): number {
  doc.font(REGULAR).fontSize(ITEM_FONT);
  let h = ITEM_FONT + 1;
  for (const c of COLUMNS) {
    if (c.wrap) h = Math.max(h, doc.heightOfString(c.value(item), { width: c.width - 3 }));
  }
  return h + 3;
}

function itemRow(doc: Doc, item: DanfeItem, y: number, h: number): void {
  let x = X;
  doc.font(REGULAR).fontSize(ITEM_FONT);
  for (const c of COLUMNS) {
    doc.text(c.value(item), x + 1.5, y + 2, {
      width: c.width - 3,
      height: h,
      align: c.align,
      ...(c.wrap ? {} : { lineBreak: false }),
    });
    x += c.width;
  }
  doc
    .lineWidth(0.25)
    .strokeColor('#999999')
    .moveTo(X, y + h)
    .lineTo(X + W, y + h)
    .stroke()
    .strokeColor('black');
}

/** Column rules from the table header down to the last row of the sheet. */
function columnRules(doc: Doc, top: number, bottom: number): void {
  let x = X;
  doc.lineWidth(0.5);
  for (const c of COLUMNS) {
    doc.rect(x, top, c.width, bottom - top).stroke();
    x += c.width;
  }
}

/** Renders the model 55 DANFE; returns the PDF and its number of sheets. */
export async function renderNfeDanfe(
  d: DanfeDocument,
  barcode: Buffer,
): Promise<{ pdf: Uint8Array; pages: number }> {
  const PDFDocument = await pdfkit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    bufferPages: true,
    info: { Title: `DANFE ${d.accessKey}`, Creator: 'invoicehub' },
  });
  const sheets: Sheet[] = [];
  const pdf = await pdfBytes(doc, () => {
    let y = receiptStub(doc, d, TOP);
    let top = header(doc, d, y, barcode);
    sheets.push(top.sheet);
    y = transport(doc, d, taxes(doc, d, recipient(doc, d, top.y)));
    additional(doc, d);
    let limit = BOTTOM - ADDITIONAL_H - 12;
    let tableTop = y + 8;
    y = itemsHeader(doc, y);
    for (const item of d.items) {
      const h = rowHeight(doc, item);
      if (y + h > limit) {
        columnRules(doc, tableTop, y);
        doc.addPage({ size: 'A4', margin: 0 });
        top = header(doc, d, TOP, barcode);
        sheets.push(top.sheet);
        limit = BOTTOM;
        tableTop = top.y + 12;
        y = itemsHeader(doc, top.y + 4);
      }
      itemRow(doc, item, y, h);
      y += h;
    }
    columnRules(doc, tableTop, y);
    sheets.forEach((sheet, i) => {
      doc.switchToPage(i);
      doc
        .font(BOLD)
        .fontSize(8)
        .text(`FOLHA ${i + 1}/${sheets.length}`, sheet.folio.x, sheet.folio.y, {
          width: sheet.folio.w,
          height: 10,
          align: 'center',
          lineBreak: false,
        });
      if (d.cancelled) stamp(doc, 'CANCELADA', '#c00000', 90);
      if (d.withoutFiscalValue) stamp(doc, 'SEM VALOR FISCAL', '#555555', 64, d.cancelled ? 120 : 0);
    });
  });
  return { pdf, pages: sheets.length };
}
