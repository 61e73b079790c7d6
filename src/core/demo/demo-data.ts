import type { BatchItem } from '../invoices/batch-ingest.js';
import type { IngestService } from '../invoices/ingest-service.js';
import { BRAZIL } from '../marketplaces.js';
import { buildCancellationEventXml, buildNfeXml, type NfeBuildOutcome } from '../nfe/build.js';
import { makeCnpj, makeCpf } from '../nfe/cnpj.js';
import type { OrderInvoicesService } from '../order-invoices/order-invoices-service.js';
import { MAX_ORDERS_PER_CALL, type OrderInput, type OrdersService } from '../orders/orders-service.js';
import type { Clock } from '../ports/clock.js';
import type { IssuedCredentials, SellersService } from '../sellers/sellers-service.js';
import { demoOrdersMissingKeys } from './demo-missing-keys.js';
import { type DemoSink, localDemoSink } from './demo-sink.js';
import { type RenderInvoicePdf, seedKauflandDemo } from './kaufland-demo.js';

export const DEMO_SELLER_NAME = 'Loja Demonstração Ltda';
/** A valid CNPJ reserved for the demo seller. */
export const DEMO_CNPJ = makeCnpj('112223330001');

export interface DemoOptions {
  invoices: number;
  /** Spread of issue dates back from now; a slice always falls in SP-API's default 24 h window. */
  days?: number;
  seed?: number;
  /** Continue numbering after this many invoices (to add more to an existing demo seller). */
  startAt?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoSummary {
  invoices: number;
  events: number;
  orders: number;
  byStatus: Record<string, number>;
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same marketplace. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Documents per ingestion batch (one transaction each). */
const BATCH = 2000;

const PRODUCTS = [
  ['LIV-001', 'Livro Dom Casmurro', 39.9],
  ['FON-220', 'Fone de ouvido Bluetooth', 189.0],
  ['CAF-500', 'Cafe torrado 500g', 32.5],
  ['CAM-M', 'Camiseta algodao M', 59.9],
  ['PAN-24', 'Panela inox 24cm', 149.9],
  ['LUM-LED', 'Luminaria LED de mesa', 89.0],
] as const;

function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type DemoKind = 'sale' | 'return' | 'remittance';

const TYPES: Record<DemoKind, { invoiceType: string; transactionType: string }> = {
  sale: { invoiceType: 'CUSTOMER_SALES', transactionType: 'CUSTOMER_SALES' },
  return: { invoiceType: 'SYMBOLIC_RETURN', transactionType: 'CUSTOMER_SALES_SYMBOLIC' },
  remittance: { invoiceType: 'REMITTANCE', transactionType: 'INBOUND_SHIPMENT' },
};

/** Mostly authorized; some rejected; some cancelled in the two encodings a distribution file carries. */
function demoOutcome(rand: () => number, n: number, issuedAt: Date): NfeBuildOutcome {
  const roll = rand();
  if (roll < 0.86) {
    return {
      kind: 'authorized',
      protocol: `1352${String(n).padStart(11, '0')}`,
      at: new Date(issuedAt.getTime() + 15_000),
    };
  }
  if (roll < 0.93) {
    return {
      kind: 'rejected',
      cStat: '539',
      xMotivo: 'Rejeicao: Duplicidade de NF-e com diferenca na Chave de Acesso',
      at: issuedAt,
    };
  }
  const at = new Date(issuedAt.getTime() + 60_000);
  return roll < 0.96 ? { kind: 'cancelled-cstat101', at } : { kind: 'cancelled-embedded-event', at };
}

/** One generated document with what comes with it: its order (sales) and a later cancellation. */
interface DemoDocument {
  item: BatchItem;
  accessKey: string;
  txId: string;
  order?: OrderInput;
  cancellation?: Buffer;
}

function demoDocument(
  rand: () => number,
  n: number,
  issuedAt: Date,
  seller: { sellerId: string; cnpj: string },
  lastSale: { key: string; txId: string } | undefined,
): DemoDocument & { kind: DemoKind } {
  const roll = rand();
  const kind: DemoKind = lastSale && roll < 0.2 ? 'return' : roll < 0.3 ? 'remittance' : 'sale';
  const outcome = demoOutcome(rand, n, issuedAt);
  const product = PRODUCTS[Math.floor(rand() * PRODUCTS.length)] ?? PRODUCTS[0];
  const quantity = 1 + Math.floor(rand() * 3);
  const txId = kind === 'return' && lastSale ? lastSale.txId : uuidFrom(rand);
  const cfop = kind === 'remittance' ? '5905' : kind === 'return' ? '1949' : '5102';
  const marketplaceCd = { cnpj: makeCnpj('159876540001'), name: 'Centro de Distribuicao Marketplace' };
  const { xml, accessKey } = buildNfeXml({
    cUF: '35',
    issuedAt,
    emitter: { cnpj: seller.cnpj, name: DEMO_SELLER_NAME, uf: 'SP', ie: '110042490114' },
    recipient:
      kind === 'sale'
        ? { cpf: makeCpf(String(100_000_000 + Math.floor(rand() * 800_000_000))), name: 'Cliente Final' }
        : marketplaceCd,
    series: kind === 'remittance' ? 2 : 1,
    number: n,
    natOp: { remittance: 'Remessa para deposito', return: 'Retorno simbolico', sale: 'Venda de mercadoria' }[
      kind
    ],
    tpNF: kind === 'return' ? '0' : '1',
    items: [{ code: product[0], description: product[1], cfop, quantity, unitPrice: product[2] }],
    ...(kind === 'return' && lastSale ? { referencedKeys: [lastSale.key] } : {}),
    intermediary: { cnpj: marketplaceCd.cnpj, sellerId: 'DEMO-SELLER' },
    outcome,
  });
  const orderId =
    kind === 'sale'
      ? `702-${String(n).padStart(7, '0')}-${String(n * 7)
          .slice(-7)
          .padStart(7, '0')}`
      : undefined;
  const doc: DemoDocument & { kind: DemoKind } = {
    kind,
    accessKey,
    txId,
    item: {
      bytes: Buffer.from(xml),
      meta: {
        marketplaceId: BRAZIL,
        ...TYPES[kind],
        ...(kind !== 'remittance'
          ? { transactionIdentifierName: 'BUSINESS_TRANSACTION_ID', transactionIdentifierId: txId }
          : {}),
        ...(orderId ? { orderId } : {}),
      },
    },
  };
  // A few authorized sales are cancelled afterwards by a separate event document (third encoding).
  if (outcome.kind === 'authorized' && rand() < 0.02) {
    doc.cancellation = Buffer.from(
      buildCancellationEventXml({
        accessKey,
        cnpj: seller.cnpj,
        at: new Date(issuedAt.getTime() + 3_600_000),
        protocol: outcome.protocol,
        justification: 'Pedido cancelado pelo cliente antes do envio',
      }),
    );
  }
  if (orderId) {
    doc.order = {
      orderId,
      sellerId: seller.sellerId,
      marketplaceId: BRAZIL,
      orderNumber: String(100_000 + n),
      createdAt: new Date(issuedAt.getTime() - 3_600_000).toISOString(),
      status: outcome.kind === 'authorized' ? 'shipped' : 'pending',
      items: [{ orderItemId: `${n}01`, sku: product[0], status: 'shipped' }],
    };
  }
  return doc;
}

/** Documents, cancellations and orders waiting to go through the real ingestion, a batch at a time. */
class DemoBatch {
  private documents: BatchItem[] = [];
  private cancellations: Buffer[] = [];
  private orders: OrderInput[] = [];

  constructor(
    private readonly sink: DemoSink,
    private readonly summary: DemoSummary,
  ) {}

  get size(): number {
    return this.documents.length;
  }

  add(doc: DemoDocument): void {
    this.documents.push(doc.item);
    if (doc.cancellation) this.cancellations.push(doc.cancellation);
    if (doc.order) this.orders.push(doc.order);
  }

  async flush(): Promise<void> {
    const { summary } = this;
    for (const r of await this.sink.ingestMany(this.documents)) {
      if (!r.ok) throw new Error(`demo document rejected: ${r.message}`);
      summary.byStatus[r.status] = (summary.byStatus[r.status] ?? 0) + 1;
      summary.invoices++;
    }
    for (const r of await this.sink.ingestMany(this.cancellations.map((bytes) => ({ bytes })))) {
      if (!r.ok) throw new Error(`demo event rejected: ${r.message}`);
      summary.byStatus['AUTHORIZED'] = (summary.byStatus['AUTHORIZED'] ?? 0) - 1;
      summary.byStatus['CANCELED'] = (summary.byStatus['CANCELED'] ?? 0) + 1;
      summary.events++;
    }
    for (let at = 0; at < this.orders.length; at += MAX_ORDERS_PER_CALL) {
      const part = this.orders.slice(at, at + MAX_ORDERS_PER_CALL);
      await this.sink.upsertOrders(part);
      summary.orders += part.length;
    }
    this.documents = [];
    this.cancellations = [];
    this.orders = [];
  }
}

/**
 * Generates a marketplace's worth of NF-e for one seller and feeds it through the real ingestion
 * path: sales with their symbolic returns (sharing a BUSINESS_TRANSACTION_ID), remittances, a mix
 * of authorized, rejected and cancelled (all three encodings), plus one order per sale.
 */
export async function generateDemo(
  deps: { sink: DemoSink; clock: Clock },
  sellerId: string,
  cnpj: string,
  opts: DemoOptions,
): Promise<DemoSummary> {
  const rand = prng(opts.seed ?? 42);
  const now = deps.clock.now().getTime();
  const spanMs = (opts.days ?? 30) * 86_400_000;
  const summary: DemoSummary = { invoices: 0, events: 0, orders: 0, byStatus: {} };
  const batch = new DemoBatch(deps.sink, summary);
  let lastSale: { key: string; txId: string } | undefined;
  for (let i = 0; i < opts.invoices; i++) {
    const n = (opts.startAt ?? 0) + i + 1;
    // One in ten lands in the last 24 hours, so a default getInvoices call finds something.
    const ago = i % 10 === 0 ? rand() * 86_400_000 * 0.9 : rand() * spanMs;
    const issuedAt = new Date(Math.floor((now - ago) / 1000) * 1000);
    const doc = demoDocument(rand, n, issuedAt, { sellerId, cnpj }, lastSale);
    batch.add(doc);
    if (doc.kind === 'sale') lastSale = { key: doc.accessKey, txId: doc.txId };
    if (batch.size >= BATCH) {
      await batch.flush();
      opts.onProgress?.(i + 1, opts.invoices);
    }
  }
  await batch.flush();
  opts.onProgress?.(opts.invoices, opts.invoices);
  return summary;
}

/** Creates the demo seller (valid CNPJ, Brazil marketplace, a Kaufland storefront) and its data. */
export async function seedDemo(
  deps: {
    sellers: SellersService;
    ingest: IngestService;
    orders: OrdersService;
    orderInvoices: OrderInvoicesService;
    renderPdf: RenderInvoicePdf;
    clock: Clock;
  },
  invoices = 300,
): Promise<{
  credentials: IssuedCredentials;
  summary: DemoSummary & { kaufland: { orders: number; invoices: number } };
}> {
  const credentials = await deps.sellers.create({
    name: DEMO_SELLER_NAME,
    cnpj: DEMO_CNPJ,
    marketplaceIds: [BRAZIL],
    storefronts: ['de'],
  });
  const summary = await generateDemo(
    { sink: localDemoSink(deps), clock: deps.clock },
    credentials.sellerId,
    DEMO_CNPJ,
    { invoices },
  );
  // Orders with no NF-e yet: the SellerCenter access-key template lists their items.
  const missing = demoOrdersMissingKeys(credentials.sellerId, deps.clock.now());
  summary.orders += (await deps.orders.upsertMany(missing)).length;
  const kaufland = await seedKauflandDemo(deps, { sellerId: credentials.sellerId, name: DEMO_SELLER_NAME });
  return { credentials, summary: { ...summary, kaufland } };
}
