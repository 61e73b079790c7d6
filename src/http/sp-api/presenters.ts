import type { ExportView } from '../../core/exports/export-service.js';
import type { GovernmentInvoiceStatus } from '../../core/government/government-service.js';
import type { InvoiceSummary } from '../../core/invoices/invoice-view.js';
import type { JoinedPage, ListingRendering } from '../../core/invoices/listing-rendering.js';
import type { Page } from '../../core/paging/keyset.js';

/** The core's neutral views in the shapes of Amazon's InvoicesApiModel_2024-06-19. */

/** `Invoice`. */
export function spApiInvoice(v: InvoiceSummary) {
  return {
    date: v.issuedAt,
    errorCode: v.errorCode,
    externalInvoiceId: v.number,
    govResponse: v.govResponse,
    id: v.id,
    invoiceType: v.invoiceType,
    series: v.series,
    status: v.status,
    transactionIds: v.transactionIds,
    transactionType: v.transactionType,
  };
}

/**
 * `Invoice` as JSON text, kept by the store beside each invoice (the core's ListingRendering port;
 * main registers it). Keys in the order of the response schema, as its serializer writes them,
 * so a page joined from these is byte for byte the page the schema would serialize.
 */
export const spApiListingRendering: ListingRendering = {
  render: (v) => JSON.stringify(spApiInvoice(v)),
  separator: ',',
};

/** `GetInvoicesResponse` around `Invoice` renderings joined as array elements. */
export function spApiRenderedPage(page: JoinedPage): string {
  const next = page.cursor ? `,"nextToken":${JSON.stringify(page.cursor)}` : '';
  return `{"invoices":[${page.joined}]${next}}`;
}

/** `Export`. */
export function spApiExport(v: ExportView) {
  return {
    errorMessage: v.errorMessage,
    exportId: v.exportId,
    ...(v.finishedAt ? { generateExportFinishedAt: v.finishedAt } : {}),
    ...(v.startedAt ? { generateExportStartedAt: v.startedAt } : {}),
    invoicesDocumentIds: v.documentIds,
    status: v.status,
  };
}

/** A page as SP-API lists it: the items under `key`, `nextToken` unless it is the last page. */
export function spApiPage<T, K extends string>(
  page: Page<T>,
  key: K,
): Record<K, T[]> & { nextToken?: string } {
  return { [key]: page.items, ...(page.cursor ? { nextToken: page.cursor } : {}) } as Record<K, T[]> & {
    nextToken?: string;
  };
}

/** `GovernmentInvoiceStatusResponse`. */
export function spApiGovernmentStatus(v: GovernmentInvoiceStatus) {
  return {
    status: v.status,
    ...(v.accessKey !== undefined ? { invoiceExternalDocumentId: v.accessKey } : {}),
    ...(v.errors ? { invoiceErrors: v.errors } : {}),
  };
}
