import type { ColumnType, Generated } from 'kysely';
import type { ExportDocumentRecord, ExportRecord } from '../../core/exports/exports-repository.js';
import type { GovernmentRequestRecord } from '../../core/government/government-repository.js';
import type { EventRecord, InvoiceRecord } from '../../core/invoices/invoice-records.js';
import type { OrderInvoiceRecord } from '../../core/order-invoices/order-invoice-records.js';
import type { OrderItemRecord, OrderRecord } from '../../core/orders/orders-repository.js';
import type { AccessTokenRecord, CredentialRecord, SellerRecord } from '../../core/sellers/seller-records.js';
import type {
  TemplateExportRecord,
  TemplateFeedRecord,
  TemplateFeedRowRecord,
} from '../../core/templates/template-records.js';
import type { WebhookRecord } from '../../core/webhooks/webhooks-repository.js';
import type { JobsTable } from '../jobs/jobs-schema.js';

/** Kysely's view of the tables in migrations/. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/**
 * A core record as a table: timestamps also take strings on write, and the `J` columns are jsonb,
 * written as JSON text and read back parsed.
 */
type Table<R, J extends keyof R = never> = {
  [K in keyof R]: K extends J
    ? Json<R[K]>
    : R[K] extends Date
      ? Timestamp
      : R[K] extends Date | null
        ? Timestamp | null
        : R[K];
};

export type SellersTable = Table<SellerRecord>;
export type CredentialsTable = Table<CredentialRecord>;
export type AccessTokensTable = Table<AccessTokenRecord>;
/**
 * `listing`: the dialect's rendering of the invoice, NULL until rendered (migrations/0010);
 * `listing_version`: which rendering is current, raised by the store's trigger (migrations/0012).
 */
export type InvoicesTable = Table<InvoiceRecord, 'transaction_ids' | 'discrepancies'> & {
  listing: string | null;
  listing_version: Generated<number>;
};
export type NfeEventsTable = Table<EventRecord> & { xml: Uint8Array };
export type OrdersTable = Table<OrderRecord>;
export type OrderItemsTable = Table<OrderItemRecord>;
/** bigint columns: the drivers return them as text (the repository converts). */
export type OrderInvoicesTable = Omit<Table<OrderInvoiceRecord>, 'invoice_id' | 'size_bytes'> & {
  invoice_id: ColumnType<string, never, never>;
  size_bytes: ColumnType<string, number, never>;
};
export type InvoiceExportsTable = Table<ExportRecord, 'filter'>;
export type ExportDocumentsTable = Table<ExportDocumentRecord>;
export type SellerWebhooksTable = Table<WebhookRecord>;
export type GovernmentInvoiceRequestsTable = Table<GovernmentRequestRecord, 'contexts' | 'errors'>;

export type TemplateExportsTable = Omit<Table<TemplateExportRecord>, 'export_item_id'> & {
  export_item_id: Generated<number>;
};
export type TemplateFeedsTable = Omit<
  Table<TemplateFeedRecord, 'ignored_columns' | 'file_problems'>,
  'feed_id'
> & {
  feed_id: Generated<number>;
};
export type TemplateFeedRowsTable = Table<TemplateFeedRowRecord, 'problems'>;

/** One form is set: `xml` (stored before migrations/0011) or the deflated one with its CRC and size. */
export interface InvoiceDocumentsTable {
  seller_id: string;
  invoice_id: string;
  xml: Uint8Array | null;
  xml_deflated: Uint8Array | null;
  xml_crc32: number | null;
  xml_size: number | null;
}

export interface InvoiceTransactionsTable {
  seller_id: string;
  name: string;
  value: string;
  invoice_id: string;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

export interface SchemaMigrationsTable {
  version: string;
  applied_at: Generated<Date>;
}

export interface DB {
  sellers: SellersTable;
  credentials: CredentialsTable;
  access_tokens: AccessTokensTable;
  invoices: InvoicesTable;
  invoice_documents: InvoiceDocumentsTable;
  invoice_transactions: InvoiceTransactionsTable;
  nfe_events: NfeEventsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_invoices: OrderInvoicesTable;
  settings: SettingsTable;
  schema_migrations: SchemaMigrationsTable;
  jobs: JobsTable;
  invoice_exports: InvoiceExportsTable;
  export_documents: ExportDocumentsTable;
  seller_webhooks: SellerWebhooksTable;
  government_invoice_requests: GovernmentInvoiceRequestsTable;
  template_exports: TemplateExportsTable;
  template_feeds: TemplateFeedsTable;
  template_feed_rows: TemplateFeedRowsTable;
}
