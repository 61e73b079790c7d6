import { type FieldProblem, InvalidInputError, TooLargeError } from '../errors.js';
import {
  type ArchiveEntry,
  ArchiveLimitError,
  type ArchiveReader,
  EntryTooLargeError,
  InvalidArchiveError,
} from '../ports/archives.js';
import { timeSlicer } from '../time-slices.js';
import type { BatchItem, BatchResult } from './batch-ingest.js';
import type { IngestMeta } from './classification.js';
import type { AnswerItem, IngestOutcome, IngestService } from './ingest-service.js';

export interface BulkItemResult {
  name: string;
  outcome: IngestOutcome | 'failed' | 'skipped';
  invoiceId?: string;
  accessKey?: string;
  status?: string;
  errors?: FieldProblem[];
  warnings?: FieldProblem[];
  /** An answer's protocols and events, each with what it did. */
  items?: AnswerItem[];
}

export interface BulkSummary {
  total: number;
  failed: number;
  skipped: number;
  byOutcome: Partial<Record<IngestOutcome, number>>;
}

export function summarize(results: BulkItemResult[]): BulkSummary {
  const summary: BulkSummary = { total: results.length, failed: 0, skipped: 0, byOutcome: {} };
  for (const r of results) {
    if (r.outcome === 'failed') summary.failed++;
    else if (r.outcome === 'skipped') summary.skipped++;
    else summary.byOutcome[r.outcome] = (summary.byOutcome[r.outcome] ?? 0) + 1;
  }
  return summary;
}

function isXmlEntry(entry: ArchiveEntry): boolean {
  const base = entry.name.split('/').at(-1) ?? '';
  return (
    !entry.isDirectory && !entry.name.startsWith('__MACOSX/') && !base.startsWith('.') && /\.xml$/i.test(base)
  );
}

/** Documents per batch, and bytes held at most before a batch is flushed. */
const BATCH_ITEMS = 200;
const BATCH_BYTES = 32 * 1024 * 1024;

function toItemResult(name: string, r: BatchResult): BulkItemResult {
  if (!r.ok) return { name, outcome: 'failed', errors: r.errors };
  const { result } = r;
  return {
    name,
    outcome: result.outcome,
    ...(result.invoice
      ? { invoiceId: result.invoice.id, accessKey: result.invoice.accessKey, status: result.invoice.status }
      : {}),
    ...(result.event && !result.invoice ? { accessKey: result.event.accessKey } : {}),
    ...(result.items ? { items: result.items } : {}),
    ...(result.warnings.length ? { warnings: result.warnings } : {}),
  };
}

/**
 * Named documents in batches (memory holds one batch); a bad document never stops the rest.
 * `source` yields either a document or an entry already judged (skipped, too large).
 */
export async function* ingestNamed(
  ingest: IngestService,
  source: AsyncIterable<{ name: string; bytes: Uint8Array } | BulkItemResult>,
  meta: IngestMeta = {},
): AsyncGenerator<BulkItemResult> {
  let names: string[] = [];
  let items: BatchItem[] = [];
  let held = 0;
  const flush = async function* () {
    const results = await ingest.ingestMany(items);
    for (const [i, r] of results.entries()) yield toItemResult(names[i] as string, r);
    names = [];
    items = [];
    held = 0;
  };
  for await (const next of source) {
    if (!('bytes' in next)) {
      yield* flush();
      yield next;
      continue;
    }
    names.push(next.name);
    items.push({ bytes: next.bytes, meta });
    held += next.bytes.byteLength;
    if (items.length >= BATCH_ITEMS || held >= BATCH_BYTES) yield* flush();
  }
  yield* flush();
}

/** The `.xml` entries of a ZIP, read one at a time. */
async function* zipDocuments(
  zipEntries: ArchiveReader,
  zipFile: string,
  maxXmlBytes: number,
): AsyncGenerator<{ name: string; bytes: Uint8Array } | BulkItemResult> {
  let opened = false;
  const slice = timeSlicer();
  try {
    for await (const entry of zipEntries(zipFile)) {
      opened = true;
      await slice();
      if (!isXmlEntry(entry)) {
        if (!entry.isDirectory) yield { name: entry.name, outcome: 'skipped' };
        continue;
      }
      try {
        yield { name: entry.name, bytes: await entry.read(maxXmlBytes) };
      } catch (err) {
        if (!(err instanceof EntryTooLargeError)) throw err;
        yield {
          name: entry.name,
          outcome: 'failed',
          errors: [{ field: 'xml', message: `larger than ${maxXmlBytes} bytes` }],
        };
      }
    }
  } catch (err) {
    // Over a configured bound: refused as a whole before any entry was ingested.
    if (err instanceof ArchiveLimitError) throw new TooLargeError(`ZIP refused: ${err.message}`, err.limit);
    if (!(err instanceof InvalidArchiveError)) throw err;
    // Unreadable from the start: the whole call is bad input (and the spool path is no one's business).
    if (!opened) throw InvalidInputError.field('body', `not a readable ZIP: ${err.message}`);
    yield {
      name: '(zip)',
      outcome: 'failed',
      errors: [{ field: 'zip', message: `not a readable ZIP: ${err.message}` }],
    };
  }
}

/** Every `.xml` entry of a ZIP file, ingested in batches (IngestService.ingestZip). */
export function ingestZip(
  ingest: IngestService,
  zipEntries: ArchiveReader,
  zipFile: string,
  maxXmlBytes: number,
  meta: IngestMeta = {},
): AsyncGenerator<BulkItemResult> {
  return ingestNamed(ingest, zipDocuments(zipEntries, zipFile, maxXmlBytes), meta);
}
