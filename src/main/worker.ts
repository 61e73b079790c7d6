import type { FastifyBaseLogger } from 'fastify';
import { exportJobHandler } from '../core/exports/export-job.js';
import { EXPORT_QUEUE } from '../core/exports/export-service.js';
import { GOVERNMENT_QUEUE } from '../core/government/government-service.js';
import { HOUSEKEEPING_QUEUE } from '../core/housekeeping/housekeeping.js';
import { UPKEEP_QUEUE } from '../core/housekeeping/upkeep.js';
import { templateExportJobHandler } from '../core/templates/template-export-job.js';
import { templateImportJobHandler } from '../core/templates/template-import-job.js';
import { TEMPLATE_EXPORT_QUEUE, TEMPLATE_IMPORT_QUEUE } from '../core/templates/template-service.js';
import { WEBHOOK_QUEUE } from '../core/webhooks/webhook-service.js';
import { registerJobMetrics } from '../infra/jobs/metrics.js';
import { JobWorker } from '../infra/jobs/worker.js';
import { ZipStreamWriter } from '../infra/zip/zip-writer.js';
import type { AppDeps } from './deps.js';
import { templateFormats } from './template-formats.js';

/** Invoices read per round trip while writing an export: short transactions, flat memory. */
const EXPORT_PAGE_SIZE = 500;

/**
 * The job worker with every handler registered: exports, webhooks, hourly housekeeping. It runs
 * inside `serve` by default and alone as `invoicehub worker` when scaled out.
 */
export function createWorker(
  deps: AppDeps,
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>,
): JobWorker {
  const { services, config } = deps;
  const metrics = registerJobMetrics(deps.metrics, deps.jobs);
  const worker = new JobWorker(deps.jobs, {
    logger,
    clock: deps.clock,
    ids: deps.ids,
    concurrency: config.workerConcurrency,
    leaseMs: config.workerLeaseSeconds * 1000,
    onOutcome: metrics.onOutcome,
    onItems: metrics.onItems,
  });
  worker.register(
    EXPORT_QUEUE,
    exportJobHandler({
      store: deps.store,
      blobs: deps.blobs,
      zipWriter: (opts) => new ZipStreamWriter(opts),
      clock: deps.clock,
      ids: deps.ids,
      limits: {
        maxEntries: config.exportMaxEntries,
        maxBytes: config.exportMaxBytes,
        pageSize: EXPORT_PAGE_SIZE,
      },
      onFinished: (tx, sellerId, exportId, status) =>
        services.webhooks.enqueueExportFinished(tx, sellerId, exportId, status),
    }),
  );
  worker.register(WEBHOOK_QUEUE, services.webhooks.handler());
  worker.register(GOVERNMENT_QUEUE, services.government.handler());
  const formats = templateFormats(config);
  const templateJobDeps = { store: deps.store, blobs: deps.blobs, clock: deps.clock };
  worker.register(
    TEMPLATE_EXPORT_QUEUE,
    templateExportJobHandler({ ...templateJobDeps, writers: formats.writers, templates: services.templates }),
  );
  worker.register(
    TEMPLATE_IMPORT_QUEUE,
    templateImportJobHandler({ ...templateJobDeps, readers: formats.readers }),
  );
  worker.register(UPKEEP_QUEUE, async () => {
    logger.info({ vacuumed: await services.housekeeping.upkeepNow() }, 'store upkeep done');
  });
  worker.register(HOUSEKEEPING_QUEUE, async () => {
    const result = await services.housekeeping.run();
    const templates = await services.templates.purgeExpired();
    logger.info({ ...result, templates }, 'housekeeping done');
    await services.housekeeping.schedule();
  });
  return worker;
}

/** Creates, schedules housekeeping for and starts the worker; in-process enqueues wake it. */
export async function startWorker(
  deps: AppDeps,
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>,
): Promise<JobWorker> {
  const worker = createWorker(deps, logger);
  await deps.services.housekeeping.schedule();
  worker.start();
  deps.wakeWorker.current = () => worker.wake();
  return worker;
}
