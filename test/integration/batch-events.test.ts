import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchResult } from '../../src/core/invoices/batch-ingest.js';
import { IngestService } from '../../src/core/invoices/ingest-service.js';
import { buildCancellationEventXml, buildCorrectionLetterXml } from '../../src/core/nfe/build.js';
import type { Repositories, Store } from '../../src/core/ports/store.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createSeller, invoiceXml, nextCnpj, type Seller } from '../support/fixtures.js';

/**
 * Event documents of a bulk batch apply together, a run at a time in one transaction: the store
 * must end as if each had been ingested alone, in order, and each gets its own result.
 */
const AT = new Date('2026-11-20T10:00:00Z');

/** The registered cancellation of invoice number `n` (authorized with protocol 135 + n). */
const cancellation = (cnpj: string, invoice: { accessKey: string }, n: number, eventProtocol?: string) =>
  buildCancellationEventXml({
    accessKey: invoice.accessKey,
    cnpj,
    at: new Date(AT.getTime() + 3_600_000),
    protocol: `135${String(n).padStart(12, '0')}`,
    justification: 'Pedido cancelado pelo cliente antes do envio',
    ...(eventProtocol ? { eventProtocol } : {}),
  });

/** A day's mixed traffic for one seller: invoices, their events, repeats, conflicts and garbage. */
function traffic(cnpj: string): Uint8Array[] {
  const inv = (n: number) => invoiceXml(cnpj, { number: n, issuedAt: AT });
  const [one, two, three, four] = [inv(1), inv(2), inv(3), inv(4)];
  const cancel = (i: { accessKey: string }, n: number, eventProtocol?: string) =>
    cancellation(cnpj, i, n, eventProtocol);
  const letter = buildCorrectionLetterXml({
    accessKey: two.accessKey,
    cnpj,
    at: new Date(AT.getTime() + 60_000),
    correction: 'Endereco de entrega corrigido',
  });
  const stranger = invoiceXml(nextCnpj(), { number: 9, issuedAt: AT });
  return [
    one.xml,
    two.xml,
    three.xml,
    cancel(one, 1), // 3: cancels a stored invoice
    letter, // 4: a correction letter changes no status
    cancel(one, 1), // 5: the same document again
    cancel(four, 4), // 6: its invoice comes later
    cancel(three, 3, '135260000000301'), // 7
    cancel(three, 3, '135260000000302'), // 8: same sequence, other protocol: a conflict
    cancel(stranger, 9), // 9: no seller with that CNPJ
    '<procEventoNFe><evento>', // 10: not XML at all
    four.xml, // 11
  ].map((x) => Buffer.from(x));
}

const describeResult = (r: BatchResult) => (r.ok ? r.result.outcome : `failed ${r.errors[0]?.field}`);

describe('event documents in a bulk batch', () => {
  let t: TestApp;
  let single: Seller;
  let batch: Seller;

  beforeAll(async () => {
    t = await startTestApp({}, 'batch-events');
    single = await createSeller(t);
    batch = await createSeller(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  /**
   * Statuses (with SEFAZ's code and text) by number, events by (number, type, sequence) and the
   * stored listing renderings (which name invoice ids, so differ between sellers), as the seller's
   * store holds them.
   */
  const storeOf = async (seller: Seller) => {
    const db = t.db.database.db;
    const invoices = await sql<{
      number: string;
      status: string;
      error_code: string;
      gov_response: string;
      listing: string | null;
    }>`
      select number, status, error_code, gov_response, listing from invoices
      where seller_id = ${seller.sellerId} order by number::int`.execute(db);
    const events = await sql<{ number: string; event_type: string; sequence: number; applied: boolean }>`
      select substr(access_key, 26, 9)::int::text as number, event_type, sequence, applied_at is not null as applied
      from nfe_events where seller_id = ${seller.sellerId} order by 1, 2, 3`.execute(db);
    return {
      invoices: invoices.rows.map(({ listing: _, ...r }) => r),
      events: events.rows,
      listings: invoices.rows.map((r) => r.listing),
    };
  };

  it('leaves the store as ingesting each document alone would, with a result per document', async () => {
    const { ingest } = t.deps.services;
    for (const bytes of traffic(single.cnpj)) await ingest.ingest(bytes).catch(() => undefined);
    const results = await ingest.ingestMany(traffic(batch.cnpj).map((bytes) => ({ bytes })));

    const { listings: _, ...stored } = await storeOf(batch);
    const { listings: __, ...alone } = await storeOf(single);
    expect(stored).toEqual(alone);
    expect((await storeOf(batch)).invoices.map(({ number, status }) => ({ number, status }))).toEqual([
      { number: '1', status: 'CANCELED' },
      { number: '2', status: 'AUTHORIZED' },
      { number: '3', status: 'CANCELED' },
      { number: '4', status: 'CANCELED' },
    ]);
    expect(results.map(describeResult)).toEqual([
      'created',
      'created',
      'created',
      'event-applied',
      'event-applied',
      'event-unchanged',
      // Invoices without history go in first, so the event of 4 finds it (the store ends the same).
      'event-applied',
      'event-applied',
      'failed event sequence (nSeqEvento)',
      'failed access key (chNFe)',
      'failed xml',
      'created',
    ]);
    const r = results[3];
    expect(r?.ok && r.result.invoice?.status).toBe('CANCELED');
    expect(r?.ok && r.result.event).toMatchObject({ eventType: '110111', sequence: 1, applied: true });
    const conflict = results[8];
    expect(conflict?.ok === false && conflict.message).toMatch(/already stored with different content/);
  });

  it('applies a run of events next to single ingestions in input order', async () => {
    const { ingest } = t.deps.services;
    const seller = await createSeller(t);
    const first = invoiceXml(seller.cnpj, { number: 50, issuedAt: AT, outcome: { kind: 'pending' } });
    const cancel = cancellation(seller.cnpj, first, 50);
    await ingest.ingest(Buffer.from(first.xml));
    // The pending NF-e is known, so its repeat takes the single path; the event after it must see
    // the invoice that path left, and the repeat after the event the cancelled one.
    const results = await ingest.ingestMany(
      [first.xml, cancel, first.xml].map((x) => ({ bytes: Buffer.from(x) })),
    );
    expect(results.map(describeResult)).toEqual(['unchanged', 'event-applied', 'unchanged']);
    const last = results[2];
    expect(last?.ok && last.result.invoice?.status).toBe('CANCELED');
  });

  it('keeps the next page of the listing fresh after a batch of cancellations', async () => {
    const { ingest } = t.deps.services;
    const seller = await createSeller(t);
    const invoices = Array.from({ length: 30 }, (_, i) =>
      invoiceXml(seller.cnpj, { number: 100 + i, issuedAt: AT }),
    );
    await ingest.ingestMany(invoices.map((i) => ({ bytes: Buffer.from(i.xml) })));
    const listed = await storeOf(seller);
    expect(listed.listings.filter((s) => s !== null).length).toBe(30);
    const cancels = invoices
      .filter((_, i) => i % 3 === 0)
      .map((inv, i) => cancellation(seller.cnpj, inv, 100 + i * 3));
    const results = await ingest.ingestMany(cancels.map((x) => ({ bytes: Buffer.from(x) })));
    expect(results.map(describeResult)).toEqual(cancels.map(() => 'event-applied'));
    const after = await storeOf(seller);
    expect(after.invoices.filter((i) => i.status === 'CANCELED').map((i) => Number(i.number))).toEqual(
      invoices.map((_, i) => 100 + i).filter((n) => (n - 100) % 3 === 0),
    );
    // A changed status drops the stored rendering; none may still say AUTHORIZED for a cancelled one.
    for (const [i, inv] of after.invoices.entries())
      if (inv.status === 'CANCELED') expect(after.listings[i]).toBeNull();
    expect(after.events.every((e) => e.applied)).toBe(true);
  });

  it('stores nothing of a run of events whose transaction fails, and says so', async () => {
    const seller = await createSeller(t);
    const { store } = t.deps;
    const invoices = [60, 61].map((n) => invoiceXml(seller.cnpj, { number: n, issuedAt: AT }));
    await t.deps.services.ingest.ingestMany(invoices.map((i) => ({ bytes: Buffer.from(i.xml) })));
    const cancels = invoices.map((inv, i) => cancellation(seller.cnpj, inv, 60 + i));
    // The run's last statement fails (a connection lost at that moment, say).
    const failing: Store = {
      ...store,
      transaction: (work) =>
        store.transaction((tx) =>
          work({
            ...tx,
            invoices: Object.assign(Object.create(tx.invoices), {
              markEventsApplied: () => Promise.reject(new Error('connection terminated')),
            }),
          } as Repositories),
        ),
    };
    const ingest = new IngestService(failing, t.deps.clock, t.deps.ids, 1_000_000, {} as never);
    await expect(ingest.ingestMany(cancels.map((x) => ({ bytes: Buffer.from(x) })))).rejects.toThrow(
      'connection terminated',
    );
    const after = await storeOf(seller);
    expect(after.events).toEqual([]);
    expect(after.invoices.map((i) => i.status)).toEqual(['AUTHORIZED', 'AUTHORIZED']);
    // The same documents again, on a healthy store, apply as if the failure never happened.
    const results = await t.deps.services.ingest.ingestMany(cancels.map((x) => ({ bytes: Buffer.from(x) })));
    expect(results.map(describeResult)).toEqual(['event-applied', 'event-applied']);
  });
});
