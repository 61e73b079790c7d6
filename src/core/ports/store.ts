import type { ExportsRepository } from '../exports/exports-repository.js';
import type { GovernmentRepository } from '../government/government-repository.js';
import type { InvoicesRepository } from '../invoices/invoices-repository.js';
import type { OrderInvoicesRepository } from '../order-invoices/order-invoices-repository.js';
import type { OrdersRepository } from '../orders/orders-repository.js';
import type { SellersRepository } from '../sellers/sellers-repository.js';
import type { AccessKeyItemsRepository } from '../templates/access-key-items.js';
import type { TemplateFilesRepository } from '../templates/template-records.js';
import type { WebhooksRepository } from '../webhooks/webhooks-repository.js';
import type { JobsPort } from './jobs.js';
import type { SettingsRepository } from './settings.js';

/** Every repository the core uses, over one connection or one transaction. */
export interface Repositories {
  invoices: InvoicesRepository;
  sellers: SellersRepository;
  orders: OrdersRepository;
  orderInvoices: OrderInvoicesRepository;
  exports: ExportsRepository;
  government: GovernmentRepository;
  webhooks: WebhooksRepository;
  settings: SettingsRepository;
  jobs: JobsPort;
  accessKeyItems: AccessKeyItemsRepository;
  templateFiles: TemplateFilesRepository;
}

/** The store: its repositories, and transactions over them. */
export interface Store extends Repositories {
  /**
   * Runs `work` in one transaction: what it writes through `tx` commits together or not at all.
   * Keep it short: the embedded database runs one transaction at a time.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}
