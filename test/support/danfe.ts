/**
 * What every DANFE test checks of a PDF, with the expected values taken from the NF-e XML by plain
 * text matching (not by the reader under test): the key, the emitter's CNPJ, the totals, each item,
 * and the CODE-128 barcode of every sheet decoding to the key.
 */
import { expect } from 'vitest';
import { buildNfeXml, type NfeBuildSpec } from '../../src/core/nfe/build.js';
import { decodeBarcodes, type ReadPdf, readPdf } from './pdf-reader.js';

/** `1234.5` → `1.234,50`, written out by hand so the test does not share the renderer's Intl path. */
export function brl(value: string): string {
  const [int = '0', frac = ''] = Number(value).toFixed(2).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
}

export const maskCnpj = (c: string): string =>
  `${c.slice(0, 2)}.${c.slice(2, 5)}.${c.slice(5, 8)}/${c.slice(8, 12)}-${c.slice(12)}`;

const first = (xml: string, tag: string, within = xml): string => {
  const m = new RegExp(`<(?:\\w+:)?${tag}>([^<]*)</(?:\\w+:)?${tag}>`).exec(within);
  if (!m) throw new Error(`no <${tag}> in the document`);
  return m[1]!;
};
const all = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<(?:\\w+:)?${tag}>([^<]*)</(?:\\w+:)?${tag}>`, 'g'))].map((m) => m[1]!);
const decodeXmlText = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');

/** Reads the PDF and checks what a model 55 DANFE must show of this document. */
export async function expectNfeDanfe(pdf: Uint8Array, xml: string, accessKey: string): Promise<ReadPdf> {
  expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  const read = await readPdf(pdf);
  const text = read.pages.join('\n');
  const grouped = accessKey.replace(/(.{4})(?=.)/g, '$1 ');
  const emit = /<(?:\w+:)?emit>[\s\S]*?<\/(?:\w+:)?emit>/.exec(xml)![0];
  const totals = /<(?:\w+:)?ICMSTot>[\s\S]*?<\/(?:\w+:)?ICMSTot>/.exec(xml)![0];
  read.pages.forEach((page, i) => {
    expect(page, `sheet ${i + 1}`).toContain(grouped);
    expect(page, `sheet ${i + 1}`).toContain(maskCnpj(first(xml, 'CNPJ', emit)));
    expect(page).toContain(`FOLHA ${i + 1}/${read.pages.length}`);
  });
  for (const [label, tag] of [
    ['BASE DE CÁLCULO DO ICMS', 'vBC'],
    ['VALOR DO ICMS', 'vICMS'],
    ['V. TOTAL DOS PRODUTOS', 'vProd'],
    ['VALOR DO FRETE', 'vFrete'],
    ['V. TOTAL DA NOTA', 'vNF'],
  ]) {
    expect(read.pages[0], label).toContain(`${label} ${brl(first(xml, tag!, totals))}`);
  }
  for (const description of all(xml, 'xProd').map(decodeXmlText)) expect(text).toContain(description);
  for (const [i, images] of read.images.entries()) {
    const codes = (await Promise.all(images.map((img) => decodeBarcodes(img, 'Code128')))).flat();
    expect(
      codes.map((c) => c.text),
      `barcode of sheet ${i + 1}`,
    ).toEqual([accessKey]);
  }
  return read;
}

/** An NFC-e (model 65) with its infNFeSupl, placed where the schema puts it (after infNFe). */
export function nfceXml(
  spec: Omit<NfeBuildSpec, 'model'>,
  qrCode: (accessKey: string) => string,
): { xml: string; accessKey: string; qrCode: string } {
  const built = buildNfeXml({ ...spec, model: '65' });
  const url = qrCode(built.accessKey);
  const supl =
    `<infNFeSupl><qrCode><![CDATA[${url}]]></qrCode>` +
    '<urlChave>https://www.homologacao.nfce.fazenda.sp.gov.br/consulta</urlChave></infNFeSupl>';
  return { ...built, xml: built.xml.replace('</infNFe>', `</infNFe>${supl}`), qrCode: url };
}
