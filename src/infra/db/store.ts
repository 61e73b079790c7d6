import { Kysely } from 'kysely';
import type { Repositories, Store } from '../../core/ports/store.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Db } from './database.js';
import { translateDbError, translatingErrors } from './db-errors.js';
import { KyselyAccessKeyItemsRepository } from './repos/access-key-items-repo.js';
import { KyselyExportsRepository } from './repos/exports-repo.js';
import { KyselyGovernmentRepository } from './repos/government-repo.js';
import { KyselyInvoicesRepository } from './repos/invoices-repo.js';
import { KyselyOrderInvoicesRepository } from './repos/order-invoices-repo.js';
import { KyselyOrdersRepository } from './repos/orders-repo.js';
import { KyselySellersRepository } from './repos/sellers-repo.js';
import { KyselySettingsRepository } from './repos/settings-repo.js';
import { KyselyTemplateFilesRepository } from './repos/template-files-repo.js';
import { KyselyWebhooksRepository } from './repos/webhooks-repo.js';

/** The connection (or transaction) behind a set of repositories: the job worker checkpoints in it. */
const executors = new WeakMap<Repositories, Db>();

/** The Kysely executor of `tx`; infra code that runs its own Kysely transaction may pass that itself. */
export function executorOf(tx: Repositories | Db): Db {
  if (tx instanceof Kysely) return tx;
  const db = executors.get(tx);
  if (!db) throw new Error('these repositories were not made by createStore');
  return db;
}

/** What the repositories may use beyond SQL: `copy`, PostgreSQL's COPY (not PGlite's). */
export interface StoreOptions {
  copy?: boolean;
}

function repositories(db: Db, queue: JobQueue, options: StoreOptions): Repositories {
  const repos: Repositories = {
    invoices: translatingErrors(new KyselyInvoicesRepository(db, options.copy)),
    sellers: translatingErrors(new KyselySellersRepository(db)),
    orders: translatingErrors(new KyselyOrdersRepository(db)),
    orderInvoices: translatingErrors(new KyselyOrderInvoicesRepository(db)),
    exports: translatingErrors(new KyselyExportsRepository(db)),
    government: translatingErrors(new KyselyGovernmentRepository(db)),
    webhooks: translatingErrors(new KyselyWebhooksRepository(db)),
    settings: translatingErrors(new KyselySettingsRepository(db)),
    accessKeyItems: translatingErrors(new KyselyAccessKeyItemsRepository(db)),
    templateFiles: translatingErrors(new KyselyTemplateFilesRepository(db)),
    jobs: translatingErrors({
      enqueue: (spec) => queue.enqueue(db, spec),
      prune: (before, limit) => queue.prune(before, limit),
      recent: (filter, limit) => queue.recent(filter, limit),
    }),
  };
  executors.set(repos, db);
  return repos;
}

/** The core's Store over Kysely: repositories on the pool, and transactions over them. */
export function createStore(db: Db, queue: JobQueue, options: StoreOptions = {}): Store {
  const store: Store = {
    ...repositories(db, queue, options),
    transaction: async (work) => {
      try {
        return await db.transaction().execute((trx) => work(repositories(trx, queue, options)));
      } catch (err) {
        throw translateDbError(err);
      }
    },
  };
  executors.set(store, db);
  return store;
}
