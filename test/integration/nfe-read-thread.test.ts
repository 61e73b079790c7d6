import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CNPJ, generateDemo } from '../../src/core/demo/demo-data.js';
import { readHere } from '../../src/core/nfe/read-many.js';
import { NfeReadThread } from '../../src/infra/threads/nfe-read-thread.js';
import { fixturePath, NFE_ENVELOPES_DIR, NFE_SAMPLES_DIR } from '../support/fixture-files.js';
import { invoiceXml, nextCnpj } from '../support/fixtures.js';

const OPTS = { maxBytes: 200_000 };
const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-reader-')), 'exit-once');
const threads: NfeReadThread[] = [];
const encode = (text: string) => new TextEncoder().encode(text);

/** Real samples and envelopes, generated invoices and cancellations, and garbage of every kind. */
async function documents(): Promise<Uint8Array[]> {
  const files = [NFE_SAMPLES_DIR, NFE_ENVELOPES_DIR].flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => new Uint8Array(fs.readFileSync(path.join(dir, f)))),
  );
  const generated: Uint8Array[] = [];
  await generateDemo(
    {
      sink: {
        ingestMany: async (items) => {
          generated.push(...items.map((i) => i.bytes));
          return items.map(() => ({ ok: true, status: 'AUTHORIZED' as const }));
        },
        upsertOrders: async () => {},
      },
      clock: { now: () => new Date('2026-11-30T12:00:00Z') },
    },
    '00000000-0000-4000-8000-000000000001',
    DEMO_CNPJ,
    { invoices: 600 },
  );
  const valid = invoiceXml(nextCnpj(), { number: 7, issuedAt: new Date('2026-11-02T10:00:00-03:00') }).xml;
  const garbage = [
    '<nfeProc><NFe>',
    'not xml at all',
    '<?xml version="1.0"?><html><body/></html>',
    // A wrong check digit.
    valid.replace(/Id="NFe(\d{43})(\d)"/, (_, head, digit) => `Id="NFe${head}${(Number(digit) + 1) % 10}"`),
    `<!DOCTYPE x [<!ENTITY a "b">]>${valid}`,
    `${valid}${' '.repeat(OPTS.maxBytes)}`,
  ].map(encode);
  // A document sliced out of a larger buffer, as a ZIP entry may be.
  const framed = encode(`xx${valid}yy`).subarray(2, 2 + encode(valid).byteLength);
  return [...files, ...generated, ...garbage, new Uint8Array([0xff, 0xfe, 0x00]), framed];
}

let docs: Uint8Array[];
beforeAll(async () => {
  docs = await documents();
  process.env.READER_EXIT_ONCE = marker; // read by the dying module, in threads started from now on
});
afterAll(async () => {
  await Promise.all(threads.map((t) => t.stop()));
  delete process.env.READER_EXIT_ONCE;
});

function reader(module?: string | null, idleMs?: number): NfeReadThread {
  const t = new NfeReadThread(module, idleMs);
  threads.push(t);
  return t;
}

describe('NF-e read on a thread of their own', () => {
  it('reads what the calling thread reads, document for document, refusals included', async () => {
    const expected = await readHere(docs, OPTS);
    expect(expected.filter((o) => !o.ok).length).toBeGreaterThanOrEqual(7);
    expect(expected.some((o) => o.ok && o.doc.kind === 'event')).toBe(true);
    expect(expected.some((o) => o.ok && o.doc.kind === 'answer')).toBe(true);
    const t = reader();
    // Two batches at once share the thread and still get their own outcomes.
    const [first, second] = await Promise.all([
      t.read(docs.slice(0, 300), OPTS),
      t.read(docs.slice(300), OPTS),
    ]);
    expect([...first, ...second]).toEqual(expected);
    expect(t.readOnThread).toBe(docs.length);
    const invoice = first.find((o) => o.ok && o.doc.kind === 'invoice');
    expect(invoice?.ok && invoice.doc.kind === 'invoice' && invoice.doc.issuedAt).toBeInstanceOf(Date);
  });

  it('loses nothing when its thread dies mid-batch: that batch is read here, the next on a new thread', async () => {
    const t = reader(pathToFileURL(fixturePath('threads', 'reader-exiting-once.mjs')).href);
    const batch = docs.slice(0, 200);
    const expected = await readHere(batch, OPTS);
    expect(await t.read(batch, OPTS)).toEqual(expected); // a thread, started and warm
    expect(t.readOnThread).toBe(200);
    fs.writeFileSync(marker, '');
    expect(await t.read(batch, OPTS)).toEqual(expected);
    expect(fs.existsSync(marker)).toBe(false); // the thread did read, and died
    expect(t.readOnThread).toBe(200);
    expect(await t.read(batch, OPTS)).toEqual(expected);
    expect(t.readOnThread).toBe(400);
  });

  it('ends its thread once idle, and starts another for the next batch', async () => {
    const t = reader(undefined, 500);
    const batch = docs.slice(0, 50);
    const expected = await readHere(batch, OPTS);
    // Back to back, the batches share one thread.
    for (let i = 0; i < 3; i++) expect(await t.read(batch, OPTS)).toEqual(expected);
    expect(t.started).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await t.read(batch, OPTS)).toEqual(expected);
    expect(t.started).toBe(2);
    expect(t.readOnThread).toBe(200);
  });

  it('reads here when there is no build for a thread to load', async () => {
    for (const t of [reader(null), reader('file:///nonexistent/read-many.js')]) {
      expect(await t.read(docs.slice(0, 50), OPTS)).toEqual(await readHere(docs.slice(0, 50), OPTS));
      expect(t.readOnThread).toBe(0);
    }
  });
});
