import type { DanfeDocument, DanfeRenderer, RenderedDanfe } from '../../core/danfe/danfe-document.js';
import { InvalidInputError } from '../../core/errors.js';
import { accessKeyBarcode } from './barcodes.js';
import { renderNfeDanfe } from './danfe-nfe-pdf.js';

/** DANFEs with pdfkit and bwip-js: model 55 on A4 sheets. */
export const pdfkitDanfeRenderer: DanfeRenderer = {
  async render(d: DanfeDocument): Promise<RenderedDanfe> {
    if (d.model === '65') throw InvalidInputError.field('model', 'the NFC-e DANFE is not rendered yet');
    return renderNfeDanfe(d, await accessKeyBarcode(d.accessKey));
  },
};
