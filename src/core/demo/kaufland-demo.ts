import type { OrderInvoicesService } from '../order-invoices/order-invoices-service.js';
import type { OrdersService } from '../orders/orders-service.js';
import type { Clock } from '../ports/clock.js';

/** What a demo invoice PDF shows. */
export interface InvoiceSheet {
  title: string;
  issuer: string;
  orderId: string;
  issuedAt: Date;
  lines: { description: string; quantity: number; unitPrice: number }[];
  currency: string;
}

/** Renders an invoice sheet as a PDF (an infra adapter; the demo only needs the bytes). */
export type RenderInvoicePdf = (sheet: InvoiceSheet) => Promise<Uint8Array>;

/** Kaufland-style order ids: seven upper-case letters and digits. */
export const KAUFLAND_DEMO_ORDERS = [
  { orderId: 'MXE5BY1', item: ['Kaffeemühle Edelstahl', 34.99], invoice: 'seller' },
  { orderId: 'MB7UWLD', item: ['Wanderrucksack 30 l', 59.9], invoice: 'marketplace' },
  { orderId: 'MQ3ZK8T', item: ['LED-Schreibtischlampe', 27.5], invoice: 'seller' },
  { orderId: 'MC4HN2R', item: ['Bluetooth-Kopfhörer', 89.0], invoice: 'none' },
] as const;

/**
 * The demo seller's Kaufland side: orders on the `de` storefront, two invoices the seller uploaded,
 * one the marketplace issued (deemed supplier: listed, not deletable), one order still without.
 */
export async function seedKauflandDemo(
  deps: {
    orders: OrdersService;
    orderInvoices: OrderInvoicesService;
    renderPdf: RenderInvoicePdf;
    clock: Clock;
  },
  seller: { sellerId: string; name: string },
): Promise<{ orders: number; invoices: number }> {
  const now = deps.clock.now();
  await deps.orders.upsertMany(
    KAUFLAND_DEMO_ORDERS.map((o, i) => ({
      orderId: o.orderId,
      sellerId: seller.sellerId,
      storefront: 'de',
      createdAt: new Date(now.getTime() - (i + 1) * 86_400_000).toISOString(),
      status: 'shipped',
      items: [{ orderItemId: `${o.orderId}-1`, sku: `KL-${i + 1}` }],
    })),
  );
  let invoices = 0;
  for (const o of KAUFLAND_DEMO_ORDERS) {
    if (o.invoice === 'none') continue;
    const marketplace = o.invoice === 'marketplace';
    const bytes = await deps.renderPdf({
      title: 'Rechnung',
      issuer: marketplace ? 'Kaufland (marketplace, deemed supplier)' : seller.name,
      orderId: o.orderId,
      issuedAt: now,
      lines: [{ description: o.item[0], quantity: 1, unitPrice: o.item[1] }],
      currency: 'EUR',
    });
    await deps.orderInvoices.upload(
      seller.sellerId,
      o.orderId,
      { originalName: `Rechnung_${o.orderId}.pdf`, mimeType: 'application/pdf', bytes },
      { deemedSupplier: marketplace },
    );
    invoices++;
  }
  return { orders: KAUFLAND_DEMO_ORDERS.length, invoices };
}
