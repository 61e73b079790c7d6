import { DEMO_CNPJ, DEMO_SELLER_NAME, generateDemo, seedDemo } from '../../core/demo/demo-data.js';
import type { DemoOutcome, DemoSink } from '../../core/demo/demo-sink.js';
import { BRAZIL } from '../../core/marketplaces.js';
import { demoDeps } from '../deps.js';
import { config, withDeps } from './local-deps.js';
import { adminTokenFor, type OperatorApi, operatorApi, problemText } from './operator-api.js';
import { Progress } from './progress.js';
import type { Values } from './seller-command.js';

/** Demo data into a running server: each document through `POST /admin/v1/invoices`, orders in bulk. */
function remoteSink(api: OperatorApi): DemoSink {
  return {
    async ingestMany(items) {
      const out: DemoOutcome[] = new Array(items.length);
      let next = 0;
      const lane = async () => {
        while (next < items.length) {
          const i = next++;
          const item = items[i] as (typeof items)[number];
          const query = new URLSearchParams(
            Object.entries(item.meta ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
          );
          const res = await api.call('POST', `/admin/v1/invoices?${query}`, {
            bytes: item.bytes,
            type: 'application/xml',
          });
          const invoice = res.body.invoice as { status?: string } | undefined;
          out[i] =
            res.status < 300
              ? { ok: true, status: invoice?.status ?? 'PENDING' }
              : { ok: false, message: problemText(res.body) };
        }
      };
      await Promise.all(Array.from({ length: 4 }, lane));
      return out;
    },
    async upsertOrders(orders) {
      for (let i = 0; i < orders.length; i += 1000) {
        const res = await api.call('POST', '/admin/v1/orders', {
          bytes: JSON.stringify(orders.slice(i, i + 1000)),
          type: 'application/json',
        });
        if (res.status >= 300) throw new Error(`orders refused: ${problemText(res.body)}`);
      }
    },
  };
}

/** The demo seller on a running server (found by its CNPJ, created if missing), and its invoice count. */
async function remoteSeller(api: OperatorApi, sellerId: string | undefined) {
  let id = sellerId;
  if (!id) {
    for (let after: string | undefined; ; ) {
      const page = await api.call('GET', `/admin/v1/sellers?limit=200${after ? `&after=${after}` : ''}`);
      const found = (page.body.sellers as { sellerId: string; cnpj: string }[]).find(
        (s) => s.cnpj === DEMO_CNPJ,
      );
      if (found) id = found.sellerId;
      after = page.body.next as string | undefined;
      if (found || !after) break;
    }
  }
  if (!id) {
    const created = await api.call('POST', '/admin/v1/sellers', {
      bytes: JSON.stringify({
        name: DEMO_SELLER_NAME,
        cnpj: DEMO_CNPJ,
        marketplaceIds: [BRAZIL],
        storefronts: ['de'],
      }),
      type: 'application/json',
    });
    if (created.status !== 201) throw new Error(`demo seller: ${problemText(created.body)}`);
    console.log(JSON.stringify({ credentials: created.body }, null, 2));
    id = created.body.sellerId as string;
  }
  const res = await api.call('GET', `/admin/v1/sellers/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`seller ${id}: ${problemText(res.body)}`);
  const seller = res.body.seller as { sellerId: string; cnpj: string };
  return { ...seller, existing: (res.body.stats as { invoices: number }).invoices };
}

/** `invoicehub demo`: more demo NF-e for the demo seller (or --seller-id), here or through --url. */
export async function demo(values: Values): Promise<number> {
  const count = Number(values.invoices ?? 300);
  if (!Number.isInteger(count) || count < 1) throw new Error('demo: --invoices must be a positive integer');
  const progress = new Progress('invoices', count);
  const onProgress = (done: number) => progress.set(done);
  const sellerId = values['seller-id'] as string | undefined;
  let result: unknown;
  if (typeof values.url === 'string') {
    const api = operatorApi(values.url, adminTokenFor(values['admin-token'], config().dataDir));
    const seller = await remoteSeller(api, sellerId);
    const summary = await generateDemo(
      { sink: remoteSink(api), clock: { now: () => new Date() } },
      seller.sellerId,
      seller.cnpj,
      { invoices: count, startAt: seller.existing, seed: seller.existing + 1, onProgress },
    );
    result = { sellerId: seller.sellerId, summary };
  } else {
    result = await withDeps(async (deps) => {
      const seller = sellerId
        ? await deps.services.sellers.get(sellerId)
        : await deps.store.sellers.byCnpj(DEMO_CNPJ);
      if (!seller) {
        const { credentials, summary: seeded } = await seedDemo(demoDeps(deps), 0);
        const more = await generateDemo(demoDeps(deps), credentials.sellerId, DEMO_CNPJ, {
          invoices: count,
          onProgress,
        });
        return { credentials, summary: { ...seeded, ...more } };
      }
      const existing = await deps.store.invoices.countBySeller(seller.seller_id);
      const summary = await generateDemo(demoDeps(deps), seller.seller_id, seller.cnpj, {
        invoices: count,
        startAt: existing,
        seed: existing + 1,
        onProgress,
      });
      return { sellerId: seller.seller_id, summary };
    });
  }
  progress.finish();
  console.log(JSON.stringify(result, null, 2));
  return 0;
}
