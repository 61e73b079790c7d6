import { NotFoundError } from '../errors.js';
import type { Store } from '../ports/store.js';
import { isUuid } from '../text.js';
import type { DanfeRenderer, RenderedDanfe } from './danfe-document.js';
import { readDanfe } from './read-danfe.js';

export const DANFE_CONTENT_TYPE = 'application/pdf';

/** The DANFE of a stored invoice, rendered from its stored document and status on each request. */
export class DanfeService {
  constructor(
    private readonly store: Pick<Store, 'invoices'>,
    private readonly renderer: DanfeRenderer,
  ) {}

  /** Any stored invoice of the seller, in any status (the operator's view). */
  async ofInvoice(sellerId: string, invoiceId: string): Promise<RenderedDanfe & { accessKey: string }> {
    const found = isUuid(sellerId) && isUuid(invoiceId);
    const [row, xml] = found
      ? await Promise.all([
          this.store.invoices.byId(sellerId, invoiceId),
          this.store.invoices.document(sellerId, invoiceId),
        ])
      : [undefined, undefined];
    if (!row || !xml) throw new NotFoundError(`invoice ${invoiceId} of seller ${sellerId} not found`);
    const rendered = await this.renderer.render(readDanfe(xml, row.status));
    return { ...rendered, accessKey: row.access_key };
  }
}

/** The download name of a DANFE. */
export const danfeFilename = (accessKey: string): string => `${accessKey}-danfe.pdf`;
