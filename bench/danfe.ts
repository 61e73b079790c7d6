import { fileURLToPath } from 'node:url';
import type { RenderedDanfe } from '../src/core/danfe/danfe-document.js';
import { readDanfe } from '../src/core/danfe/read-danfe.js';
import { buildNfeXml, type NfeItemSpec } from '../src/core/nfe/build.js';
import { makeCnpj } from '../src/core/nfe/cnpj.js';
import { renderInvoiceSheetPdf } from '../src/infra/pdf/invoice-sheet-pdf.js';
import { pdfkitDanfeRenderer } from '../src/infra/pdf/pdfkit-danfe-renderer.js';
import { fmt, resultOfChild } from './lib.js';

/**
 * `npm run bench -- danfe`: BENCH_DANFES (1,000) DANFEs rendered from stored-like NF-e XML (read
 * with the DANFE reader, then the pdfkit renderer), against the same number of one-page pdfkit
 * documents (the demo's invoice sheet: the bare cost of a pdfkit page) in the same run. Model 55
 * documents carry 1 to 120 items (a few reach three sheets); model 65 receipts carry 1 to 12 and a
 * QR code. Each case runs in its own process, so its peak RSS (the kernel's high-water mark) is its own.
 */
const CASES = ['pdfkit-page', 'danfe-55', 'danfe-65'] as const;
type Case = (typeof CASES)[number];

export interface DanfeResult {
  name: Case;
  documents: number;
  pages: number;
  seconds: number;
  megabytes: number;
  peakRssMb: number;
}

const DAY = new Date('2026-11-19T10:00:00.000Z');
const CNPJ = makeCnpj('341287450001');

function itemsFor(count: number): NfeItemSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    code: `SKU-${i + 1}`,
    description:
      i % 9 === 0 ? `Jogo de panelas antiaderentes ${i + 1} peças com tampa de vidro` : `Produto ${i + 1}`,
    cfop: '5102',
    quantity: (i % 4) + 1,
    unitPrice: 9.9 + i,
  }));
}

/** A few distinct documents, cycled: the renderer, not XML generation, is what is measured. */
function documents(model: '55' | '65'): Uint8Array[] {
  const sizes = model === '55' ? [1, 4, 12, 30, 60, 120, 3, 8] : [1, 3, 6, 12];
  return sizes.map((n, i) => {
    const { xml } = buildNfeXml({
      cUF: '35',
      issuedAt: DAY,
      model,
      emitter: { cnpj: CNPJ, name: 'Loja Bench Ltda' },
      recipient: { cpf: '68161525650', name: 'Fulano de Tal' },
      series: 1,
      number: 1000 + i,
      items: itemsFor(n),
      carrier: { cnpj: '46204217000114', name: 'Transportes Rápidos SA', uf: 'SP' },
      outcome: { kind: 'authorized', protocol: `13526000000${String(i).padStart(4, '0')}`, at: DAY },
    });
    const withQr =
      model === '65'
        ? xml.replace(
            '</infNFe>',
            `</infNFe><infNFeSupl><qrCode><![CDATA[https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode?p=${i}|2|1|1|ABCDEF]]></qrCode><urlChave>https://www.nfce.fazenda.sp.gov.br/consulta</urlChave></infNFeSupl>`,
          )
        : xml;
    return Buffer.from(withQr);
  });
}

async function runCase(name: Case, count: number): Promise<DanfeResult> {
  const docs = name === 'pdfkit-page' ? [] : documents(name === 'danfe-55' ? '55' : '65');
  const render = async (i: number): Promise<RenderedDanfe> => {
    if (name !== 'pdfkit-page')
      return pdfkitDanfeRenderer.render(readDanfe(docs[i % docs.length]!, 'AUTHORIZED'));
    const pdf = await renderInvoiceSheetPdf({
      title: 'Rechnung',
      issuer: 'Loja Bench Ltda',
      orderId: `MB${i}`,
      issuedAt: DAY,
      lines: [{ description: 'Produto', quantity: 1, unitPrice: 9.9 }],
      currency: 'EUR',
    });
    return { pdf, pages: 1 };
  };
  let pages = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const r = await render(i);
    pages += r.pages;
    bytes += r.pdf.length;
  }
  return {
    name,
    documents: count,
    pages,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    megabytes: bytes / 1024 / 1024,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export async function benchDanfe(count: number): Promise<DanfeResult[]> {
  const results: DanfeResult[] = [];
  for (const name of CASES) {
    results.push(
      await resultOfChild<DanfeResult>([fileURLToPath(import.meta.url), name, String(count)], name),
    );
  }
  return results;
}

export function danfeRows(results: DanfeResult[]): string[][] {
  const floor = results.find((r) => r.name === 'pdfkit-page')!;
  const perSecond = (r: DanfeResult) => r.pages / r.seconds;
  const rows = [['case', 'documents', 'pages', 'docs/s', 'pages/s', 'MB', 'peak RSS MB', 'vs pdfkit page']];
  for (const r of results) {
    rows.push([
      r.name,
      fmt(r.documents),
      fmt(r.pages),
      fmt(r.documents / r.seconds),
      fmt(perSecond(r)),
      fmt(r.megabytes, 1),
      fmt(r.peakRssMb),
      `${fmt((perSecond(r) / perSecond(floor)) * 100, 1)} %`,
    ]);
  }
  return rows;
}

const [, script, only, countArg] = process.argv;
if (script === fileURLToPath(import.meta.url) && only && CASES.includes(only as Case) && countArg) {
  console.log(`RESULT ${JSON.stringify(await runCase(only as Case, Number(countArg)))}`);
}
