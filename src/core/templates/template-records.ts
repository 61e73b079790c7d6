/**
 * Storage records of the access-key templates: the asynchronous template exports and the import
 * feeds of filled templates with their per-row results (migrations/0007_sellercenter.sql).
 */
import type { FieldProblem } from '../errors.js';
import type { TemplateFormat } from './access-key-template.js';

export type TemplateJobStatus = 'queued' | 'processing' | 'finished' | 'failed';

export interface TemplateExportRecord {
  seller_id: string;
  /** Integer id from a database sequence (SellerCenter's `exportItemId`). */
  export_item_id: number;
  export_uuid: string;
  format: TemplateFormat;
  status: TemplateJobStatus;
  error_message: string;
  row_count: number | null;
  file_name: string;
  blob_key: string;
  size_bytes: number | null;
  created_at: Date;
  finished_at: Date | null;
  expires_at: Date;
}

export interface TemplateFeedRecord {
  seller_id: string;
  /** Integer id from a database sequence (SellerCenter's `feedId`). */
  feed_id: number;
  feed_uuid: string;
  status: TemplateJobStatus;
  file_name: string;
  blob_key: string;
  size_bytes: number;
  description: string;
  ignored_columns: string[];
  /** Per-file problems: when any, the upload is void and no row was applied. */
  file_problems: FieldProblem[];
  row_count: number;
  applied: number;
  unchanged: number;
  rejected: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date;
}

/** `accepted` is the file's verdict, waiting for the database's: `applied`, `unchanged` or `rejected`. */
export type FeedRowOutcome = 'accepted' | 'applied' | 'unchanged' | 'rejected';

export interface TemplateFeedRowRecord {
  seller_id: string;
  feed_uuid: string;
  row_number: number;
  order_id: string | null;
  order_item_id: string | null;
  access_key: string | null;
  outcome: FeedRowOutcome;
  problems: FieldProblem[];
}

export type NewTemplateExport = Omit<TemplateExportRecord, 'export_item_id'>;
export type NewTemplateFeed = Omit<TemplateFeedRecord, 'feed_id'>;

/** The exports and feeds; integer ids come from the database on insert. */
export interface TemplateFilesRepository {
  insertExport(record: NewTemplateExport): Promise<number>;
  exportByUuid(sellerId: string, exportUuid: string): Promise<TemplateExportRecord | undefined>;
  exportByItemId(sellerId: string, exportItemId: number): Promise<TemplateExportRecord | undefined>;
  updateExport(
    sellerId: string,
    exportUuid: string,
    changes: Partial<
      Pick<TemplateExportRecord, 'status' | 'error_message' | 'row_count' | 'size_bytes' | 'finished_at'>
    >,
  ): Promise<void>;
  expiredExports(now: Date, limit: number): Promise<TemplateExportRecord[]>;
  deleteExport(sellerId: string, exportUuid: string): Promise<void>;

  insertFeed(record: NewTemplateFeed): Promise<number>;
  feedByUuid(sellerId: string, feedUuid: string): Promise<TemplateFeedRecord | undefined>;
  feedById(sellerId: string, feedId: number): Promise<TemplateFeedRecord | undefined>;
  updateFeed(
    sellerId: string,
    feedUuid: string,
    changes: Partial<
      Pick<
        TemplateFeedRecord,
        | 'status'
        | 'description'
        | 'ignored_columns'
        | 'file_problems'
        | 'row_count'
        | 'applied'
        | 'unchanged'
        | 'rejected'
        | 'started_at'
        | 'finished_at'
      >
    >,
  ): Promise<void>;
  insertFeedRows(rows: TemplateFeedRowRecord[]): Promise<void>;
  deleteFeedRows(sellerId: string, feedUuid: string): Promise<void>;
  /** Rows after `afterRow` in row order; only those with `outcome` when given. */
  feedRows(
    sellerId: string,
    feedUuid: string,
    afterRow: number,
    limit: number,
    outcome?: FeedRowOutcome,
  ): Promise<TemplateFeedRowRecord[]>;
  setFeedRowOutcome(
    sellerId: string,
    feedUuid: string,
    rowNumber: number,
    outcome: FeedRowOutcome,
    problems: FieldProblem[],
  ): Promise<void>;
  feedCounts(
    sellerId: string,
    feedUuid: string,
  ): Promise<{ rows: number; applied: number; unchanged: number; rejected: number }>;
  expiredFeeds(now: Date, limit: number): Promise<TemplateFeedRecord[]>;
  deleteFeed(sellerId: string, feedUuid: string): Promise<void>;
}
