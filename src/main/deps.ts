import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { LwaService } from '../core/credentials/lwa-service.js';
import { SigningCredentials } from '../core/credentials/signing-credentials.js';
import { DanfeService } from '../core/danfe/danfe-service.js';
import { localDemoSink } from '../core/demo/demo-sink.js';
import { UrlSigner } from '../core/downloads/url-signer.js';
import { ExportService } from '../core/exports/export-service.js';
import { GovernmentService } from '../core/government/government-service.js';
import { SandboxIssuer } from '../core/government/sandbox-issuer.js';
import { Housekeeping } from '../core/housekeeping/housekeeping.js';
import { IngestService } from '../core/invoices/ingest-service.js';
import { InvoiceQueries } from '../core/invoices/invoice-queries.js';
import { RenderingCache } from '../core/invoices/rendering-cache.js';
import { JobsMonitor } from '../core/jobs/jobs-monitor.js';
import { MaintenanceService } from '../core/maintenance/maintenance-service.js';
import { DownloadTokens } from '../core/order-invoices/download-tokens.js';
import { OrderInvoicesService } from '../core/order-invoices/order-invoices-service.js';
import { OrdersService } from '../core/orders/orders-service.js';
import { Keyset } from '../core/paging/keyset.js';
import { PageTokens } from '../core/paging/page-token.js';
import type { BlobStore } from '../core/ports/blob-store.js';
import type { Clock } from '../core/ports/clock.js';
import type { Ids } from '../core/ports/ids.js';
import type { Store } from '../core/ports/store.js';
import { TokenBuckets } from '../core/rate-limit/token-bucket.js';
import { SellersService } from '../core/sellers/sellers-service.js';
import { AccessKeyTemplateService } from '../core/templates/template-service.js';
import { WebhookService } from '../core/webhooks/webhook-service.js';
import { downloadUrl } from '../http/files/download-route.js';
import type { HttpServices } from '../http/http-deps.js';
import { spApiListingRendering } from '../http/sp-api/presenters.js';
import { createBlobStore, prepareBlobStore } from '../infra/blobs/create-blob-store.js';
import { systemClock } from '../infra/clock.js';
import { AesGcmSecretBox } from '../infra/crypto/aes-gcm-secret-box.js';
import { type Database, openDatabase } from '../infra/db/database.js';
import { migrate } from '../infra/db/migrate.js';
import { createStore } from '../infra/db/store.js';
import { vacuumWhereNeeded } from '../infra/db/table-upkeep.js';
import { fetchTransport } from '../infra/http/fetch-transport.js';
import { systemIds } from '../infra/ids.js';
import { JobQueue } from '../infra/jobs/queue.js';
import { renderInvoiceSheetPdf } from '../infra/pdf/invoice-sheet-pdf.js';
import { pdfkitDanfeRenderer } from '../infra/pdf/pdfkit-danfe-renderer.js';
import { nfeReadThread } from '../infra/threads/nfe-read-thread.js';
import { checkedZipReader } from '../infra/zip/read-zip.js';
import { archiveLimits } from './archive-limits.js';
import { type Config, publicBaseUrl } from './config.js';
import { templateFormats } from './template-formats.js';

/** Everything the app is built from; tests build the same thing with their own clock and database. */
export interface AppDeps {
  config: Config;
  db: Database;
  store: Store;
  clock: Clock;
  ids: Ids;
  adminToken: string;
  /** Derived from SIGNING_SECRET (or the generated one kept in the database). */
  signingKey: Buffer;
  rateBuckets: TokenBuckets;
  metrics: Registry;
  blobs: BlobStore;
  signer: UrlSigner;
  jobs: JobQueue;
  /** The URL clients reach this service at (download links); set once the server listens. */
  baseUrl: { current: string };
  /** Wakes the in-process worker after an enqueue commits (a no-op when none runs here). */
  wakeWorker: { current: () => void };
  /** The services the dialects call, and those only the worker runs. */
  services: HttpServices & { housekeeping: Housekeeping };
}

/** ADMIN_TOKEN, or one generated on first start and kept in DATA_DIR (printed by `serve`). */
export function resolveAdminToken(config: Config): { token: string; file: string } {
  const file = path.join(config.dataDir, 'admin-token');
  if (config.adminToken) return { token: config.adminToken, file };
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), file };
  fs.mkdirSync(config.dataDir, { recursive: true });
  const token = `ih_admin_${randomBytes(24).toString('base64url')}`;
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

export function buildServices(
  config: Config,
  store: Store,
  clock: Clock,
  ids: Ids,
  signingKey: Buffer,
  infra: Pick<AppDeps, 'blobs' | 'signer' | 'baseUrl' | 'wakeWorker' | 'db'>,
): AppDeps['services'] {
  const lwa = new LwaService(store.sellers, clock, config.accessTokenTtlSeconds);
  const secretBox = new AesGcmSecretBox(signingKey);
  const signingCredentials = new SigningCredentials(store.sellers, secretBox, clock);
  const keyset = new Keyset(new PageTokens(signingKey));
  // The SP-API dialect's rendering of a listed invoice, kept beside each invoice (getInvoices).
  const ingest = new IngestService(
    store,
    clock,
    ids,
    config.maxXmlBytes,
    checkedZipReader(archiveLimits(config)),
    spApiListingRendering,
    nfeReadThread.read,
  );
  const danfe = new DanfeService(store, pdfkitDanfeRenderer);
  // How asynchronous results reach sellers: signed links to this server, and a nudge to the worker.
  const delivery = {
    downloadTtlSeconds: config.downloadUrlTtlSeconds,
    downloadUrl: (token: string) => downloadUrl(infra.baseUrl.current, token),
    wake: () => infra.wakeWorker.current(),
  };
  return {
    exports: new ExportService(store, clock, ids, keyset, infra.signer, {
      retentionDays: config.exportRetentionDays,
      ...delivery,
    }),
    webhooks: new WebhookService(store, clock, fetchTransport),
    housekeeping: new Housekeeping(store, infra.blobs, clock, lwa, () => vacuumWhereNeeded(infra.db)),
    sellers: new SellersService(store, clock, ids, keyset, secretBox, (clientId) => {
      lwa.forgetClient(clientId);
      signingCredentials.forgetClient(clientId);
    }),
    lwa,
    signingCredentials,
    orderInvoices: new OrderInvoicesService(
      { store, blobs: infra.blobs, clock, ids, tokens: new DownloadTokens(signingKey) },
      config.maxOrderInvoiceBytes,
    ),
    ingest,
    government: new GovernmentService(
      {
        store,
        clock,
        signer: infra.signer,
        blobs: infra.blobs,
        ingest,
        issuer: new SandboxIssuer(),
        danfe,
      },
      delivery,
    ),
    queries: new InvoiceQueries(
      store,
      clock,
      keyset,
      spApiListingRendering,
      new RenderingCache(config.listingCacheEntries),
    ),
    danfe,
    orders: new OrdersService(store, clock),
    maintenance: new MaintenanceService(store.settings, clock),
    jobs: new JobsMonitor(store),
    templates: new AccessKeyTemplateService(store, clock, ids, infra.blobs, templateFormats(config).writers, {
      retentionDays: config.exportRetentionDays,
      maxUploadBytes: config.templateMaxUploadBytes,
      wake: delivery.wake,
    }),
  };
}

/** SIGNING_SECRET, or a random one created once in the database so every process shares it. */
export async function resolveSigningKey(config: Config, store: Store, clock: Clock): Promise<Buffer> {
  const secret =
    config.signingSecret ??
    (await store.settings.getOrCreate(
      'signing_secret',
      () => randomBytes(32).toString('base64url'),
      clock.now(),
    ));
  return Buffer.from(secret, 'utf8');
}

/** Opens and migrates the store and wires the services: what `serve`, `worker` and tests share. */
export async function createDeps(
  config: Config,
  overrides: { clock?: Clock; ids?: Ids; database?: Database; blobs?: BlobStore } = {},
): Promise<AppDeps> {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? systemIds;
  const database =
    overrides.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    await migrate(database.db);
    const jobs = new JobQueue(database.db, { clock, ids });
    const store = createStore(database.db, jobs, { copy: database.kind === 'postgres' });
    const signingKey = await resolveSigningKey(config, store, clock);
    const blobs = overrides.blobs ?? (await createBlobStore(config, { clock }));
    await prepareBlobStore(blobs);
    const infra = {
      blobs,
      signer: new UrlSigner(signingKey, clock),
      jobs,
      baseUrl: { current: publicBaseUrl(config) },
      wakeWorker: { current: () => {} },
    };
    return {
      config,
      db: database,
      store,
      clock,
      ids,
      adminToken: resolveAdminToken(config).token,
      signingKey,
      rateBuckets: new TokenBuckets(clock),
      metrics: new Registry(),
      ...infra,
      services: buildServices(config, store, clock, ids, signingKey, { ...infra, db: database }),
    };
  } catch (err) {
    if (!overrides.database) await database.close();
    throw err;
  }
}

/** What the demo generators need: the services (and a sink over them), the clock, a PDF renderer. */
export function demoDeps(deps: AppDeps) {
  return {
    ...deps.services,
    sink: localDemoSink(deps.services),
    clock: deps.clock,
    renderPdf: renderInvoiceSheetPdf,
  };
}
