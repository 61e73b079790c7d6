/**
 * Reads PDFs back the way a person's viewer would, with maintained libraries only: pdf.js (Mozilla)
 * for the text and the embedded images, zxing-wasm (ZXing C++) for the barcodes in those images.
 * The ZXing wasm binary is loaded from node_modules, never from its default CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
prepareZXingModule({
  overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer },
});

export interface PdfImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  data: Uint8ClampedArray;
}

export interface ReadPdf {
  /** Text of each page, its items joined by single spaces. */
  pages: string[];
  /** Images drawn on each page, decoded to RGBA. */
  images: PdfImage[][];
}

async function open(bytes: Uint8Array) {
  return getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
}

/** pdf.js image kinds: 1 = 1 bit grey, 2 = RGB 24 bit, 3 = RGBA 32 bit. */
function toRgba(img: { width: number; height: number; kind: number; data: Uint8Array }): PdfImage {
  const { width, height, kind, data } = img;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    let r: number;
    let g: number;
    let b: number;
    let a = 255;
    if (kind === 3) [r, g, b, a] = [data[p * 4]!, data[p * 4 + 1]!, data[p * 4 + 2]!, data[p * 4 + 3]!];
    else if (kind === 2) [r, g, b] = [data[p * 3]!, data[p * 3 + 1]!, data[p * 3 + 2]!];
    else {
      const rowBytes = (width + 7) >> 3;
      const x = p % width;
      const y = Math.floor(p / width);
      r = g = b = (data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
    }
    out.set([r, g, b, a], p * 4);
  }
  return { width, height, data: out };
}

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const pdf = await open(bytes);
  const pages: string[] = [];
  const images: PdfImage[][] = [];
  try {
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      pages.push(
        content.items
          .map((item) => ('str' in item ? item.str : ''))
          .filter((s) => s.trim() !== '')
          .join(' '),
      );
      const ops = await page.getOperatorList();
      const found: Promise<PdfImage>[] = [];
      ops.fnArray.forEach((fn, i) => {
        if (fn !== OPS.paintImageXObject) return;
        const id = ops.argsArray[i][0] as string;
        const objs = id.startsWith('g_') ? page.commonObjs : page.objs;
        // The callback form waits until the worker has decoded the image.
        found.push(new Promise((resolve) => objs.get(id, (img: never) => resolve(toRgba(img)))));
      });
      images.push(await Promise.all(found));
    }
  } finally {
    await pdf.destroy();
  }
  return { pages, images };
}

/** Every barcode ZXing finds in the image, as text. */
export async function decodeBarcodes(
  image: PdfImage,
  format: 'Code128' | 'QRCode',
): Promise<{ text: string; format: string }[]> {
  const results = await readBarcodes(image, { formats: [format], tryHarder: true, maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid).map((r) => ({ text: r.text, format: r.format }));
}
