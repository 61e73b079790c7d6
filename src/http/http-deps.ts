import type { Registry } from 'prom-client';
import type { LwaService } from '../core/credentials/lwa-service.js';
import type { SigningCredentials } from '../core/credentials/signing-credentials.js';
import type { DanfeService } from '../core/danfe/danfe-service.js';
import type { UrlSigner } from '../core/downloads/url-signer.js';
import type { ExportService } from '../core/exports/export-service.js';
import type { GovernmentService } from '../core/government/government-service.js';
import type { IngestService } from '../core/invoices/ingest-service.js';
import type { InvoiceQueries } from '../core/invoices/invoice-queries.js';
import type { JobsMonitor } from '../core/jobs/jobs-monitor.js';
import type { MaintenanceService } from '../core/maintenance/maintenance-service.js';
import type { OrderInvoicesService } from '../core/order-invoices/order-invoices-service.js';
import type { OrdersService } from '../core/orders/orders-service.js';
import type { BlobStore } from '../core/ports/blob-store.js';
import type { Clock } from '../core/ports/clock.js';
import type { Ids } from '../core/ports/ids.js';
import type { RatePlan } from '../core/rate-limit/rate-plan.js';
import type { TokenBuckets } from '../core/rate-limit/token-bucket.js';
import type { SellersService } from '../core/sellers/sellers-service.js';
import type { AccessKeyTemplateService } from '../core/templates/template-service.js';
import type { WebhookService } from '../core/webhooks/webhook-service.js';

/** The settings the HTTP adapters read (a subset of the validated configuration). */
export interface HttpSettings {
  logLevel: string;
  maxJsonBytes: number;
  maxXmlBytes: number;
  maxBulkBytes: number;
  rateLimitsEnabled: boolean;
  spapiRatePlans: Record<string, RatePlan>;
  /** Requests per second per seller across the Kaufland dialect. */
  kauflandRateLimit: number;
  kauflandSignatureWindowSeconds: number;
  sellerCenterRatePlans: Record<string, RatePlan>;
}

/** The core services the dialects call. */
export interface HttpServices {
  sellers: SellersService;
  lwa: LwaService;
  ingest: IngestService;
  queries: InvoiceQueries;
  danfe: DanfeService;
  orders: OrdersService;
  maintenance: MaintenanceService;
  exports: ExportService;
  government: GovernmentService;
  webhooks: WebhookService;
  orderInvoices: OrderInvoicesService;
  signingCredentials: SigningCredentials;
  jobs: JobsMonitor;
  templates: AccessKeyTemplateService;
}

/** What the HTTP layer is built from; main wires it, tests may build it with fakes. */
export interface HttpDeps {
  config: HttpSettings;
  services: HttpServices;
  /** Readiness: the store answers. */
  db: { kind: string; ping(): Promise<void> };
  ids: Ids;
  adminToken: string;
  rateBuckets: TokenBuckets;
  metrics: Registry;
  blobs: BlobStore;
  signer: UrlSigner;
  clock: Clock;
  /** The URL clients reach this service at (PUBLIC_BASE_URL, or the listening address once bound). */
  baseUrl: { readonly current: string };
}
