import {
  InvalidZipError,
  type ZipEntryReader,
  ZipEntryTooLargeError,
  zipEntries,
} from '../../infra/zip/read-zip.js';
import { DomainError, type FieldProblem } from '../errors.js';
import type { IngestMeta } from './classification.js';
import type { IngestOutcome, IngestService } from './ingest-service.js';

export interface BulkItemResult {
  name: string;
  outcome: IngestOutcome | 'failed' | 'skipped';
  invoiceId?: string;
  accessKey?: string;
  status?: string;
  errors?: FieldProblem[];
  warnings?: FieldProblem[];
}

export interface BulkSummary {
  total: number;
  failed: number;
  skipped: number;
  byOutcome: Partial<Record<IngestOutcome, number>>;
}

/** Ingests one named document and reports instead of throwing: a bad file never stops a batch. */
export async function ingestOne(
  ingest: IngestService,
  name: string,
  bytes: Uint8Array,
  meta: IngestMeta,
): Promise<BulkItemResult> {
  try {
    const r = await ingest.ingest(bytes, meta);
    return {
      name,
      outcome: r.outcome,
      ...(r.invoice
        ? { invoiceId: r.invoice.id, accessKey: r.invoice.accessKey, status: r.invoice.status }
        : {}),
      ...(r.event && !r.invoice ? { accessKey: r.event.accessKey } : {}),
      ...(r.warnings.length ? { warnings: r.warnings } : {}),
    };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const problems = 'problems' in err ? (err.problems as FieldProblem[]) : [];
    return {
      name,
      outcome: 'failed',
      errors: problems.length ? problems : [{ field: 'xml', message: err.message }],
    };
  }
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

function isXmlEntry(entry: ZipEntryReader): boolean {
  const base = entry.name.split('/').at(-1) ?? '';
  return (
    !entry.isDirectory && !entry.name.startsWith('__MACOSX/') && !base.startsWith('.') && /\.xml$/i.test(base)
  );
}

/** Every `.xml` entry of a ZIP, one at a time (memory holds one document). */
export async function* ingestZip(
  ingest: IngestService,
  zipFile: string,
  maxXmlBytes: number,
  meta: IngestMeta = {},
): AsyncGenerator<BulkItemResult> {
  try {
    for await (const entry of zipEntries(zipFile)) {
      if (!isXmlEntry(entry)) {
        if (!entry.isDirectory) yield { name: entry.name, outcome: 'skipped' };
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await entry.read(maxXmlBytes);
      } catch (err) {
        if (!(err instanceof ZipEntryTooLargeError)) throw err;
        yield {
          name: entry.name,
          outcome: 'failed',
          errors: [{ field: 'xml', message: `larger than ${maxXmlBytes} bytes` }],
        };
        continue;
      }
      yield await ingestOne(ingest, entry.name, bytes, meta);
    }
  } catch (err) {
    if (err instanceof InvalidZipError) {
      yield {
        name: zipFile,
        outcome: 'failed',
        errors: [{ field: 'zip', message: `not a readable ZIP: ${err.message}` }],
      };
      return;
    }
    throw err;
  }
}
