import { makeCnpj } from '../../src/core/nfe/cnpj.js';
import type { TestApp } from './app.js';
import { type KauflandClient, kauflandClient } from './kaufland-client.js';

export interface KauflandSeller {
  sellerId: string;
  clientId: string;
  clientSecret: string;
  client: KauflandClient;
}

let cnpjCounter = 700;

/** A seller on Kaufland storefronts with fresh credentials and a signing client on the app's clock. */
export async function kauflandSeller(
  t: TestApp,
  opts: { storefronts?: string[]; baseUrl?: string } = {},
): Promise<KauflandSeller> {
  const res = await t.admin('POST', '/admin/v1/sellers', {
    name: `Kaufland seller ${cnpjCounter}`,
    cnpj: makeCnpj(String(10_000_000_000 + cnpjCounter++).slice(-8) + '0001'),
    storefronts: opts.storefronts ?? ['de', 'pl'],
  });
  if (res.status !== 201) throw new Error(`seller creation failed: ${res.status} ${await res.text()}`);
  const { sellerId, clientId, clientSecret } = (await res.json()) as {
    sellerId: string;
    clientId: string;
    clientSecret: string;
  };
  const client = kauflandClient({
    baseUrl: opts.baseUrl ?? `${t.url}/kaufland/v2`,
    clientKey: clientId,
    secret: clientSecret,
    now: () => t.clock.now(),
  });
  return { sellerId, clientId, clientSecret, client };
}

/** Loads Kaufland orders (one item each) for a seller through the operator API. */
export async function loadKauflandOrders(
  t: TestApp,
  sellerId: string,
  orders: { orderId: string; storefront?: string }[],
): Promise<void> {
  const res = await t.admin(
    'POST',
    '/admin/v1/orders',
    orders.map((o) => ({
      orderId: o.orderId,
      sellerId,
      storefront: o.storefront ?? 'de',
      createdAt: '2026-11-01T10:00:00Z',
      status: 'shipped',
      items: [{ orderItemId: `${o.orderId}-1`, sku: 'SKU-1' }],
    })),
  );
  if (res.status >= 300) throw new Error(`order load failed: ${res.status} ${await res.text()}`);
}

/** A small but real PDF (header, one object, trailer), with some bytes that are not ASCII. */
export function tinyPdf(label = 'invoice'): Buffer {
  return Buffer.concat([
    Buffer.from(`%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Title (${label}) >> endobj\n`, 'latin1'),
    Buffer.from('trailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}

export function uploadBody(pdf: Buffer, name = 'invoice_MB7UWLD.pdf', mime = 'application/pdf') {
  return { original_name: name, mime_type: mime, data: pdf.toString('base64') };
}
