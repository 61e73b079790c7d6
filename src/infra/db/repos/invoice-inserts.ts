import { sql } from 'kysely';
import type { NewInvoice } from '../../../core/invoices/invoice-records.js';
import type { DeflatedBytes } from '../../../core/ports/archives.js';
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
