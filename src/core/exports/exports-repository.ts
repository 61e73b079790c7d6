import type { InvoiceFilter } from '../invoices/invoice-records.js';

export type ExportStatus = 'REQUESTED' | 'PROCESSING' | 'DONE' | 'ERROR';

/** An invoice export as stored; `filter` is the resolved filter of the request. */
export interface ExportRecord {
  seller_id: string;
  export_id: string;
  marketplace_id: string;
  filter: InvoiceFilter;
  file_format: string;
  status: ExportStatus;
  error_message: string;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  expires_at: Date;
}

/** One ZIP of an export. */
export interface ExportDocumentRecord {
  seller_id: string;
  document_id: string;
  export_id: string;
  part: number;
  blob_key: string;
  size_bytes: number;
  entries: number;
  created_at: Date;
}

export interface ExportsFilter {
  sellerId: string;
  marketplaceId: string;
  start: Date;
  end: Date;
  status?: string | undefined;
}

/** A keyset position in the (created_at, export_id) order. */
export interface ExportCursor {
  createdAt: string;
  exportId: string;
}

export interface ExportsRepository {
  insert(record: ExportRecord): Promise<void>;
  get(sellerId: string, exportId: string): Promise<ExportRecord | undefined>;
  update(
    sellerId: string,
    exportId: string,
    changes: Partial<Pick<ExportRecord, 'status' | 'error_message' | 'started_at' | 'finished_at'>>,
  ): Promise<void>;
  /** Keyset page of a seller's exports in a marketplace and creation window, newest first. */
  page(filter: ExportsFilter, limit: number, after?: ExportCursor): Promise<ExportRecord[]>;
  documentIds(sellerId: string, exportIds: string[]): Promise<{ export_id: string; document_id: string }[]>;
  document(sellerId: string, documentId: string): Promise<ExportDocumentRecord | undefined>;
  /** Inserts unless the part is already recorded (a re-run of a committed part). */
  insertDocument(record: ExportDocumentRecord): Promise<void>;
  /** Exports past retention, a batch at a time. */
  expired(now: Date, limit: number): Promise<{ seller_id: string; export_id: string }[]>;
  delete(sellerId: string, exportId: string): Promise<void>;
}
