import type { Static } from '@sinclair/typebox';
import type { TemplateExportView, TemplateFeedView } from '../../core/templates/template-views.js';
import type { ExportStatus, FeedStatus } from './schemas.js';

/** The core's export view in SellerCenter's JSON. */
export function sellerCenterExport(v: TemplateExportView): Static<typeof ExportStatus> {
  return {
    exportItemId: v.exportItemId,
    uuid: v.uuid,
    status: v.status,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
    rowCount: v.rowCount,
    fileName: v.fileName,
  };
}

/** The core's feed view in SellerCenter's JSON: one result per row of the file. */
export function sellerCenterFeed(v: TemplateFeedView): Static<typeof FeedStatus> {
  return {
    feedId: v.feedId,
    feedUuid: v.feedUuid,
    status: v.status,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
    fileName: v.fileName,
    description: v.description,
    ignoredColumns: v.ignoredColumns,
    fileErrors: v.fileProblems,
    summary: v.summary,
    results: v.results.map((r) => ({
      row: r.rowNumber,
      orderId: r.orderId,
      orderItemId: r.orderItemId,
      status: r.status,
      message: r.message,
      errors: r.problems,
    })),
    ...(v.nextAfterRow !== undefined ? { nextAfterRow: v.nextAfterRow } : {}),
  };
}
