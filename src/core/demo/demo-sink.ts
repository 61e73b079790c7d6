import type { BatchItem } from '../invoices/batch-ingest.js';
import type { IngestService } from '../invoices/ingest-service.js';
import type { OrderInput, OrdersService } from '../orders/orders-service.js';

/** What happened to one generated document. */
export type DemoOutcome = { ok: true; status: string } | { ok: false; message: string };

/**
 * Where generated demo data goes: the services of this process, or a running server's operator API
 * (`invoicehub demo --url`). Either way every document takes the real ingestion path.
 */
export interface DemoSink {
  ingestMany(items: BatchItem[]): Promise<DemoOutcome[]>;
  upsertOrders(orders: OrderInput[]): Promise<void>;
}

/** The sink of this process's own services. */
export function localDemoSink(services: { ingest: IngestService; orders: OrdersService }): DemoSink {
  return {
    ingestMany: async (items) =>
      (await services.ingest.ingestMany(items)).map((r) =>
        r.ok
          ? { ok: true, status: r.result.invoice?.status ?? 'PENDING' }
          : { ok: false, message: r.message },
      ),
    upsertOrders: async (orders) => {
      await services.orders.upsertMany(orders);
    },
  };
}
