import type { ColumnType, Generated } from 'kysely';
import type { JobsTable } from '../jobs/jobs-schema.js';

/** Kysely's view of the tables in migrations/. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface TransactionIdRow {
  name: string;
  id: string;
}

export interface DiscrepancyRow {
  field: string;
  message: string;
}

export interface SellersTable {
  seller_id: string;
  name: string;
  cnpj: string;
  marketplace_ids: string[];
  storefronts: string[];
  created_at: Timestamp;
}

export interface CredentialsTable {
  seller_id: string;
  client_id: string;
  secret_hash: string;
  refresh_token_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface AccessTokensTable {
  seller_id: string;
  token_hash: string;
  client_id: string;
  expires_at: Timestamp;
}

export interface InvoicesTable {
  seller_id: string;
  invoice_id: string;
  access_key: string;
  marketplace_id: string;
  model: string;
  series: string;
  number: string;
  issued_at: Timestamp;
  status: 'PENDING' | 'AUTHORIZED' | 'REJECTED' | 'CANCELED';
  error_code: string;
  gov_response: string;
  invoice_type: string;
  transaction_type: string;
  transaction_ids: Json<TransactionIdRow[]>;
  order_id: string | null;
  recipient_doc: string | null;
  total_amount: string | null;
  protocol: string | null;
  layout_version: string;
  discrepancies: Json<DiscrepancyRow[]>;
  xml_sha256: string;
  xml_size: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvoiceDocumentsTable {
  seller_id: string;
  invoice_id: string;
  xml: Uint8Array;
}

export interface InvoiceTransactionsTable {
  seller_id: string;
  name: string;
  value: string;
  invoice_id: string;
}

export interface NfeEventsTable {
  seller_id: string;
  access_key: string;
  event_type: string;
  sequence: number;
  status_code: string;
  protocol: string | null;
  registered_at: Timestamp | null;
  xml: Uint8Array;
  xml_sha256: string;
  received_at: Timestamp;
  applied_at: Timestamp | null;
}

export interface OrdersTable {
  seller_id: string;
  order_id: string;
  marketplace_id: string | null;
  storefront: string | null;
  order_number: string | null;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderItemsTable {
  seller_id: string;
  order_id: string;
  order_item_id: string;
  sku: string | null;
  status: string | null;
  access_key: string | null;
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

export interface InvoiceExportsTable {
  seller_id: string;
  export_id: string;
  marketplace_id: string;
  filter: Json<unknown>;
  file_format: string;
  status: 'REQUESTED' | 'PROCESSING' | 'DONE' | 'ERROR';
  error_message: string;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ExportDocumentsTable {
  seller_id: string;
  document_id: string;
  export_id: string;
  part: number;
  blob_key: string;
  size_bytes: number;
  entries: number;
  created_at: Timestamp;
}

export interface SellerWebhooksTable {
  seller_id: string;
  url: string;
  secret: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GovernmentInvoiceRequestsTable {
  seller_id: string;
  shipment_id: string;
  marketplace_id: string;
  inbound_plan_id: string | null;
  invoice_type: string;
  transaction_type: string;
  contexts: Json<Record<string, string>[]>;
  status: 'PROCESSING' | 'SUCCESS' | 'ERROR';
  errors: Json<{ errorCode: string; description: string }[]>;
  generation: number;
  series: number | null;
  number: number | null;
  issued_at: Timestamp | null;
  access_key: string | null;
  blob_key: string | null;
  invoice_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
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
  settings: SettingsTable;
  schema_migrations: SchemaMigrationsTable;
  jobs: JobsTable;
  invoice_exports: InvoiceExportsTable;
  export_documents: ExportDocumentsTable;
  seller_webhooks: SellerWebhooksTable;
  government_invoice_requests: GovernmentInvoiceRequestsTable;
}
