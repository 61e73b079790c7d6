import type { DanfeDocument, DanfeRenderer, RenderedDanfe } from '../../core/danfe/danfe-document.js';
import { accessKeyBarcode, qrCode } from './barcodes.js';
import { renderNfceDanfe } from './danfe-nfce-pdf.js';
import { renderNfeDanfe } from './danfe-nfe-pdf.js';

/** DANFEs with pdfkit and bwip-js: model 55 on A4 sheets, model 65 as a receipt. */
export const pdfkitDanfeRenderer: DanfeRenderer = {
  async render(d: DanfeDocument): Promise<RenderedDanfe> {
    if (d.model === '65') return renderNfceDanfe(d, d.qrCode ? await qrCode(d.qrCode) : undefined);
    return renderNfeDanfe(d, await accessKeyBarcode(d.accessKey));
  },
};
