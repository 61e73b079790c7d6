import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type {
  AccessKeyTemplateRow,
  TemplateReadEvent,
  TemplateReader,
  TemplateSource,
} from '../../../src/core/templates/access-key-template.js';

/** A private temporary folder for one test file; `cleanup` in afterAll. */
export function tempDir(label: string): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `invoicehub-${label}-`));
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Order items as the database would stream them: generated one at a time, never held. */
export async function* orderItems(count: number): AsyncGenerator<AccessKeyTemplateRow> {
  for (let i = 0; i < count; i++) {
    yield {
      orderNumber: `ON-${i}`,
      orderId: `7010${String(i).padStart(12, '0')}`,
      orderItemId: String(20_000_000_000 + i),
      sku: i % 3 === 0 ? `Calçado Açaí;"${i}"` : `SKU-${i}`,
      orderDate: new Date(Date.UTC(2026, 10, 1 + (i % 20), 12, 30, i % 60)),
      status: 'shipped',
      invoiceNumber: i % 2 === 0 ? null : String(27_000 + i),
      invoiceSeries: i % 2 === 0 ? null : '3',
    };
  }
}

export async function readAll(reader: TemplateReader, source: TemplateSource): Promise<TemplateReadEvent[]> {
  const events: TemplateReadEvent[] = [];
  for await (const event of reader.read(source)) events.push(event);
  return events;
}

export function rowsOf(events: TemplateReadEvent[]) {
  return events.flatMap((e) => (e.type === 'row' ? [e] : []));
}

/** The file-level problems of a read, asserting that it ended with one. */
export function fileErrorOf(events: TemplateReadEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'file-error') throw new Error(`expected a file error, got ${JSON.stringify(last)}`);
  return last.problems;
}

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

/**
 * Peak growth of the memory the test's own code holds live (JS heap and external buffers, measured
 * after a full collection every second: a full collection of a test worker's heap can take tens of
 * milliseconds) while `work` runs; data a writer or reader kept would only grow between samples.
 * Not RSS: the process also holds what V8 has not collected yet (on Node 24 the heap grows ~145 MB
 * before it collects, during a 1M-row write) and the threads of other test files' embedded
 * databases, which share the process.
 */
export async function liveGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const live = () => {
    collect();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const base = live();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, live());
  }, 1000);
  try {
    const result = await work();
    peak = Math.max(peak, live());
    return { result, growthMb: (peak - base) / (1024 * 1024) };
  } finally {
    clearInterval(timer);
  }
}

/** A byte stream in small pieces, as an upload arrives. */
export async function* inPieces(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
