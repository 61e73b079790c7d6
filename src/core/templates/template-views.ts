/** The neutral views of template exports and import feeds; each dialect presents them its way. */
import type { FieldProblem } from '../errors.js';
import type {
  TemplateExportRecord,
  TemplateFeedRecord,
  TemplateFeedRowRecord,
  TemplateJobStatus,
} from './template-records.js';

export interface TemplateExportView {
  exportItemId: number;
  uuid: string;
  status: TemplateJobStatus;
  createdAt: string;
  finishedAt: string | null;
  rowCount: number | null;
  fileName: string;
  format: string;
  errorMessage: string;
}

export interface FeedRowView {
  rowNumber: number;
  orderId: string | null;
  orderItemId: string | null;
  status: 'applied' | 'unchanged' | 'rejected' | 'pending';
  message: string;
  problems: FieldProblem[];
}

export interface TemplateFeedView {
  feedId: number;
  feedUuid: string;
  status: TemplateJobStatus;
  createdAt: string;
  finishedAt: string | null;
  fileName: string;
  description: string;
  ignoredColumns: string[];
  fileProblems: FieldProblem[];
  summary: { rows: number; applied: number; unchanged: number; rejected: number };
  results: FeedRowView[];
  /** Pass as `afterRow` for the next results; absent on the last page. */
  nextAfterRow?: number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function exportView(r: TemplateExportRecord): TemplateExportView {
  return {
    exportItemId: r.export_item_id,
    uuid: r.export_uuid,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: iso(r.finished_at),
    rowCount: r.row_count,
    fileName: r.file_name,
    format: r.format,
    errorMessage: r.error_message,
  };
}

function rowMessage(row: TemplateFeedRowRecord): string {
  switch (row.outcome) {
    case 'applied':
      return 'access key stored';
    case 'accepted':
      return 'not processed yet';
    default:
      return row.problems.map((p) => p.message).join('; ') || 'no access key on this row';
  }
}

export function feedView(
  r: TemplateFeedRecord,
  rows: TemplateFeedRowRecord[],
  nextAfterRow: number | undefined,
): TemplateFeedView {
  return {
    feedId: r.feed_id,
    feedUuid: r.feed_uuid,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: iso(r.finished_at),
    fileName: r.file_name,
    description: r.description,
    ignoredColumns: r.ignored_columns,
    fileProblems: r.file_problems,
    summary: { rows: r.row_count, applied: r.applied, unchanged: r.unchanged, rejected: r.rejected },
    results: rows.map((row) => ({
      rowNumber: row.row_number,
      orderId: row.order_id,
      orderItemId: row.order_item_id,
      status: row.outcome === 'accepted' ? 'pending' : row.outcome,
      message: rowMessage(row),
      problems: row.problems,
    })),
    ...(nextAfterRow !== undefined ? { nextAfterRow } : {}),
  };
}
