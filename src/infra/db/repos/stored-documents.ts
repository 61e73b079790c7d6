import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import type { DeflatedBytes, EntryBytes } from '../../../core/ports/archives.js';
import { deflateThread } from '../../threads/deflate-thread.js';

/**
 * Invoice documents as stored (migrations/0011): deflated once at ingestion, on the deflate thread,
 * at the level the export's ZIPs use, so an export frames them as they are. Rows stored before that
 * migration hold the plain bytes; both forms are read here.
 *
 * Documents travel as base64 text: PGlite decodes bytea in JavaScript at about 1 ms per 3 KB row,
 * fifteen times slower than Node decodes base64 (PostgreSQL does not mind either way).
 */
export const DOCUMENT_LEVEL = 6;

/** Above this, inflating waits on libuv's pool instead of holding the event loop. */
const INFLATE_SYNC_BYTES = 64 * 1024;

const inflateRaw = promisify(zlib.inflateRaw);

/** A document's columns as read back: the plain form, or the deflated one. */
export interface StoredDocument {
  xml: string | null;
  xml_deflated: string | null;
  xml_crc32: number | null;
  xml_size: number | null;
}

/** A bytea column as base64 text (see above); Buffer.from(text, 'base64') reads it back. */
export function base64Of(column: string) {
  return sql<string>`encode(${sql.ref(column)}, 'base64')`;
}

/** Selects a document's columns (see StoredDocument), from `d` or from the table itself. */
export function storedDocumentColumns(table: 'd' | 'invoice_documents') {
  const column = (name: string) => (table === 'd' ? `d.${name}` : name);
  return [
    sql<string | null>`${base64Of(column('xml'))}`.as('xml'),
    sql<string | null>`${base64Of(column('xml_deflated'))}`.as('xml_deflated'),
    sql<number | null>`${sql.ref(column('xml_crc32'))}`.as('xml_crc32'),
    sql<number | null>`${sql.ref(column('xml_size'))}`.as('xml_size'),
  ] as const;
}

/** Bytes as a parameter, sent as base64 (see above). */
export function bytesParam(bytes: Uint8Array) {
  return sql<Uint8Array>`decode(${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}, 'base64')`;
}

/** Deflates documents for storage, on the deflate thread, in order. */
function deflateDocuments(xmls: Uint8Array[]): Promise<DeflatedBytes[]> {
  return deflateThread.deflate(xmls, DOCUMENT_LEVEL);
}

/** Documents whose deflating started ahead of their insert (stageDocuments), by their bytes. */
const staged = new WeakMap<Uint8Array, Promise<DeflatedBytes>>();

/** Starts deflating documents about to be inserted, so it overlaps whatever comes before the insert. */
export function stageDocuments(xmls: Uint8Array[]): void {
  const fresh = xmls.filter((x) => !staged.has(x));
  if (!fresh.length) return;
  const all = deflateDocuments(fresh);
  for (const [i, x] of fresh.entries()) {
    const one = all.then((d) => d[i] as DeflatedBytes);
    one.catch(() => {}); // awaited by deflatedDocuments, unless the documents are never inserted
    staged.set(x, one);
  }
}

/** The documents deflated: staged ones as staged, the others in one batch. */
export async function deflatedDocuments(xmls: Uint8Array[]): Promise<DeflatedBytes[]> {
  stageDocuments(xmls);
  try {
    return await Promise.all(xmls.map((x) => staged.get(x) as Promise<DeflatedBytes>));
  } finally {
    for (const x of xmls) staged.delete(x);
  }
}

/** The columns that store a deflated document. */
export function deflatedColumns(d: DeflatedBytes) {
  return {
    xml: null,
    xml_deflated: bytesParam(d.deflated),
    // The unsigned CRC-32 in an int4's bits.
    xml_crc32: d.crc32 | 0,
    xml_size: d.size,
  };
}

/**
 * A stored document as an archive entry: deflated ones go as they are, unchecked (their CRC-32 goes
 * into the ZIP, where every reader checks it on extraction).
 */
export function storedEntry(row: StoredDocument, invoiceId: string): EntryBytes {
  if (row.xml !== null) return Buffer.from(row.xml, 'base64');
  if (row.xml_deflated === null || row.xml_crc32 === null || row.xml_size === null)
    throw new Error(`the stored document of invoice ${invoiceId} has neither form`);
  return {
    deflated: Buffer.from(row.xml_deflated, 'base64'),
    crc32: row.xml_crc32 >>> 0,
    size: row.xml_size,
  };
}

/**
 * A stored document's original bytes. A deflated one is checked against its size and CRC-32: a
 * damaged row fails loudly instead of serving other bytes than the ones ingested.
 */
export async function storedBytes(row: StoredDocument, invoiceId: string): Promise<Uint8Array> {
  const entry = storedEntry(row, invoiceId);
  if (entry instanceof Uint8Array) return entry;
  const options = { maxOutputLength: Math.max(1, entry.size) };
  let bytes: Buffer;
  try {
    bytes =
      entry.deflated.byteLength > INFLATE_SYNC_BYTES
        ? await inflateRaw(entry.deflated, options)
        : zlib.inflateRawSync(entry.deflated, options);
  } catch (err) {
    throw new Error(`the stored document of invoice ${invoiceId} is damaged: ${(err as Error).message}`);
  }
  if (bytes.byteLength !== entry.size || zlib.crc32(bytes) !== entry.crc32)
    throw new Error(`the stored document of invoice ${invoiceId} is damaged: its size or CRC-32 differs`);
  return bytes;
}
