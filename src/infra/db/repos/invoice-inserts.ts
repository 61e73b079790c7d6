import { sql } from 'kysely';
import type { NewInvoice } from '../../../core/invoices/invoice-records.js';
import type { DeflatedBytes } from '../../../core/ports/archives.js';
import { copyStatement } from '../copy-statements.js';
import { PREPARED } from '../prepared-statements.js';
import type { InvoicesTable } from '../schema.js';

/** The invoice columns an insert writes, with their types (listing_version keeps its default). */
export const INVOICE_COLUMNS = [
  ['seller_id', 'uuid'],
  ['invoice_id', 'uuid'],
  ['access_key', 'text'],
  ['marketplace_id', 'text'],
  ['model', 'text'],
  ['series', 'text'],
  ['number', 'text'],
  ['issued_at', 'timestamptz'],
  ['status', 'text'],
  ['error_code', 'text'],
  ['gov_response', 'text'],
  ['invoice_type', 'text'],
  ['transaction_type', 'text'],
  ['transaction_ids', 'jsonb'],
  ['order_id', 'text'],
  ['recipient_doc', 'text'],
  ['total_amount', 'numeric'],
  ['protocol', 'text'],
  ['layout_version', 'text'],
  ['discrepancies', 'jsonb'],
  ['xml_sha256', 'text'],
  ['xml_size', 'integer'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['listing', 'text'],
] as const satisfies readonly (readonly [keyof InvoicesTable, string])[];

/** What travels beside an invoice's columns: its transaction ids and its deflated document. */
const EXTRA_COLUMNS = [
  ['transactions', 'json'],
  ['document', 'text'],
  ['document_crc32', 'integer'],
  ['document_size', 'integer'],
] as const;

const names = INVOICE_COLUMNS.map(([name]) => name).join(', ');
const definitions = [...INVOICE_COLUMNS, ...EXTRA_COLUMNS].map(([n, t]) => `${n} ${t}`).join(', ');

/**
 * New invoices with their documents and transaction ids in one statement: one round trip and no
 * transaction of its own (a statement is atomic; a key taken meanwhile fails all of it). The rows
 * travel as one JSON parameter, so the text is fixed and prepared once per connection: as a
 * multi-row VALUES (a parameter per value, ~30 per invoice, a new text per batch size) PostgreSQL
 * spent more time planning each batch at bind than running it (20k NF-e, statement log: 211 µs per
 * invoice in parse, bind and execute, against 118 in one JSON parameter).
 */
const [HEAD, TAIL] = [
  'with v as materialized (select * from json_to_recordset(',
  `::json) as v(${definitions})
), invoices_in as (
  insert into invoices (${names}) select ${names} from v
), documents_in as (
  insert into invoice_documents (seller_id, invoice_id, xml, xml_deflated, xml_crc32, xml_size)
  select seller_id, invoice_id, null, decode(document, 'base64'), document_crc32, document_size from v
)
insert into invoice_transactions (seller_id, name, value, invoice_id)
select v.seller_id, t.name, t.value, v.invoice_id
from v cross join lateral json_to_recordset(v.transactions) as t(name text, value text)
on conflict do nothing `,
].map(sql.raw);

/** The statement that inserts `invoices`, whose documents were deflated into `deflated` (same order). */
export function insertInvoicesQuery(invoices: NewInvoice[], deflated: DeflatedBytes[]) {
  const rows = invoices.map((r, i) => {
    const d = deflated[i] as DeflatedBytes;
    return {
      ...r.record,
      listing: r.listing ?? null,
      transactions: r.transactions.map((t) => ({ name: t.name, value: t.id })),
      // Base64, as every document parameter (stored-documents.ts): PGlite encodes bytea slowly.
      document: Buffer.from(d.deflated.buffer, d.deflated.byteOffset, d.deflated.byteLength).toString(
        'base64',
      ),
      // The unsigned CRC-32 in an int4's bits.
      document_crc32: d.crc32 | 0,
      document_size: d.size,
    };
  });
  return sql`${HEAD}${JSON.stringify(rows)}${TAIL}${PREPARED}`;
}

/** A value in COPY's text format: `\N` for null, backslash escapes for the four special characters. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return text.replace(SPECIALS, (c) => ESCAPES[c] as string);
}
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const uuidBytes = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex');

/** COPY's binary format: signature, flags and header extension length, then the tuples, then -1. */
const BINARY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/**
 * The documents in COPY's binary format: the deflated bytes go as they are (no base64 or hex to
 * write and decode) next to two uuids and two integers.
 */
function documentsData(invoices: NewInvoice[], deflated: DeflatedBytes[]): Buffer {
  const parts: Uint8Array[] = [BINARY_HEADER];
  for (const [i, r] of invoices.entries()) {
    const d = deflated[i] as DeflatedBytes;
    const head = Buffer.alloc(2 + 3 * 4 + 2 * 16);
    let at = head.writeInt16BE(5, 0);
    at = head.writeInt32BE(16, at);
    at += uuidBytes(r.record.seller_id).copy(head, at);
    at = head.writeInt32BE(16, at);
    at += uuidBytes(r.record.invoice_id).copy(head, at);
    head.writeInt32BE(d.deflated.byteLength, at);
    const tail = Buffer.alloc(16);
    tail.writeInt32BE(4, 0);
    tail.writeInt32BE(d.crc32 | 0, 4); // the unsigned CRC-32 in an int4's bits
    tail.writeInt32BE(4, 8);
    tail.writeInt32BE(d.size, 12);
    parts.push(head, d.deflated, tail);
  }
  parts.push(BINARY_TRAILER);
  return Buffer.concat(parts);
}

/** Rows in COPY's text format, one line each. */
const textLines = (rows: unknown[][]) => rows.map((row) => `${row.map(copyText).join('\t')}\n`).join('');

/**
 * The same rows as insertInvoicesQuery, as three `COPY … FROM STDIN` on PostgreSQL, to run in one
 * transaction. COPY reads plain text and batches the heap inserts, where the JSON statement parsed
 * every character of its parameter and materialized the rows (100 NF-e per run, backend CPU per
 * invoice: 160-180 µs as JSON, 77-97 µs as COPY). A transaction id repeated within an invoice is
 * sent once (the JSON statement skipped it on conflict).
 */
export function copyInvoicesQueries(invoices: NewInvoice[], deflated: DeflatedBytes[]) {
  const transactions: unknown[][] = [];
  for (const r of invoices) {
    const seen = new Set<string>();
    for (const t of r.transactions) {
      const key = JSON.stringify([t.name, t.id]);
      if (seen.has(key)) continue;
      seen.add(key);
      transactions.push([r.record.seller_id, t.name, t.id, r.record.invoice_id]);
    }
  }
  return [
    copyStatement(
      `copy invoices (${names}) from stdin`,
      textLines(
        invoices.map((r) => {
          const row: Record<string, unknown> = { ...r.record, listing: r.listing ?? null };
          return INVOICE_COLUMNS.map(([name]) => row[name]);
        }),
      ),
    ),
    copyStatement(
      'copy invoice_documents (seller_id, invoice_id, xml_deflated, xml_crc32, xml_size) from stdin (format binary)',
      documentsData(invoices, deflated),
    ),
    ...(transactions.length
      ? [
          copyStatement(
            'copy invoice_transactions (seller_id, name, value, invoice_id) from stdin',
            textLines(transactions),
          ),
        ]
      : []),
  ];
}
