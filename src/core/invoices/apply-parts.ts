/**
 * Applying what a SEFAZ answer carries to stored invoices, inside the caller's transaction: a
 * protocol completes (or moves forward) the invoice of its key; an event is stored and the status
 * re-derived. Both are idempotent: what is already known changes nothing.
 */
import { ConflictError, type FieldProblem, InvalidInputError } from '../errors.js';
import { nfeField, nfeProblem } from '../nfe/field-names.js';
import { joinNfeProc } from '../nfe/join-proc.js';
import { readNfeDocument } from '../nfe/read.js';
import { deriveStatus } from '../nfe/status.js';
import type { InvoiceStatus, NfeEvent, NfeInvoiceDocument, NfeProtocolPart } from '../nfe/types.js';
import type { Repositories } from '../ports/store.js';
import { documentFields, sha256 } from './invoice-from-document.js';
import type { EventRecord, InvoiceRecord } from './invoice-records.js';

/** Later documents may only move an invoice forward; anything else is a conflict. */
export const STATUS_RANK: Record<InvoiceStatus, number> = {
  PENDING: 0,
  REJECTED: 1,
  AUTHORIZED: 2,
  CANCELED: 3,
};

export interface EventView {
  accessKey: string;
  eventType: string;
  sequence: number;
  statusCode: string;
  protocol: string | null;
  registeredAt: string | null;
  applied: boolean;
}

export function eventFromRow(row: EventRecord): NfeEvent {
  return {
    accessKey: row.access_key,
    eventType: row.event_type,
    sequence: row.sequence,
    statusCode: row.status_code,
    statusReason: '',
    protocol: row.protocol,
    registeredAt: row.registered_at ? new Date(row.registered_at) : null,
    detail: null,
  };
}

export function eventView(e: NfeEvent, applied: boolean): EventView {
  return {
    accessKey: e.accessKey,
    eventType: e.eventType,
    sequence: e.sequence,
    statusCode: e.statusCode,
    protocol: e.protocol,
    registeredAt: e.registeredAt ? e.registeredAt.toISOString() : null,
    applied,
  };
}

function storedInvoice(xml: Uint8Array, invoiceId: string): NfeInvoiceDocument {
  const doc = readNfeDocument(xml, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (doc.kind !== 'invoice') throw new Error(`stored document of ${invoiceId} is not an invoice`);
  return doc;
}

export interface ProtocolApplied {
  outcome: 'updated' | 'unchanged';
  invoice: InvoiceRecord;
  warnings: FieldProblem[];
}

/**
 * A protocol for a stored invoice. PENDING (bare NFe): the stored file becomes the joined nfeProc.
 * The protocol already stored: unchanged. Another protocol moves the invoice forward (rejected →
 * authorized, authorized → cancelled by cStat 101), is kept aside with a warning when it would not
 * change the status, and is a conflict when it would move it backwards. An unknown key is refused.
 */
export async function applyProtocol(
  tx: Repositories,
  sellerId: string,
  part: NfeProtocolPart,
  now: Date,
): Promise<ProtocolApplied> {
  const existing = await tx.invoices.byAccessKey(sellerId, part.accessKey);
  if (!existing) {
    throw InvalidInputError.field(
      nfeField(part.field),
      `no NF-e with access key ${part.accessKey} is stored: a protocol completes an NF-e stored before ` +
        '(send the NFe, or its nfeProc, first)',
    );
  }
  const storedXml = (await tx.invoices.document(sellerId, existing.invoice_id)) as Uint8Array;
  const stored = storedInvoice(storedXml, existing.invoice_id);
  const same = (p: typeof stored.protocol) =>
    p !== null && p.cStat === part.protocol.cStat && p.nProt === part.protocol.nProt;
  if (same(stored.protocol)) return { outcome: 'unchanged', invoice: existing, warnings: [] };

  const joined = joinNfeProc(storedXml, part.xml);
  const doc = storedInvoice(joined, existing.invoice_id);
  const events = (await tx.invoices.eventsFor(sellerId, [part.accessKey])).map(eventFromRow);
  const derived = deriveStatus(doc, events);
  const forward = STATUS_RANK[derived.status] - STATUS_RANK[existing.status];
  const kept = `protocol ${part.protocol.nProt ?? '(no number)'} cStat ${part.protocol.cStat}`;
  if (forward < 0) {
    throw new ConflictError(
      `invoice ${existing.invoice_id} (access key ${part.accessKey}) is ${existing.status}; ${kept} ` +
        `(status ${derived.status}) would move it backwards`,
      [
        nfeProblem(
          part.field,
          `the stored invoice is ${existing.status}; this protocol says ${derived.status}`,
        ),
      ],
    );
  }
  if (forward === 0) {
    const warning = nfeProblem(
      part.field,
      `the invoice keeps its stored protocol ${stored.protocol?.nProt ?? ''}; ${kept} changes nothing`,
    );
    return { outcome: 'unchanged', invoice: existing, warnings: [warning] };
  }
  const fields = documentFields(doc, derived, sha256(joined), joined.byteLength, now);
  await tx.invoices.replaceDocument(sellerId, existing.invoice_id, fields, joined);
  await tx.invoices.markEventsApplied(sellerId, [part.accessKey], now);
  const updated = (await tx.invoices.byId(sellerId, existing.invoice_id)) as InvoiceRecord;
  return { outcome: 'updated', invoice: updated, warnings: [] };
}

export interface EventApplied {
  outcome: 'event-applied' | 'event-pending' | 'event-unchanged';
  invoice?: InvoiceRecord;
  event: EventView;
}

/** An event to apply and the bytes it arrived in. */
export interface EventInput {
  event: NfeEvent;
  bytes: Uint8Array;
}

const eventId = (e: { accessKey: string; eventType: string; sequence: number }) =>
  `${e.accessKey}/${e.eventType}/${e.sequence}`;

/** An event already stored, or stored earlier in the same call (whose request detail is at hand). */
interface KnownEvent {
  record: EventRecord;
  detail?: string | null;
}

/**
 * The same event (key, type, sequence) stored before is unchanged when SEFAZ's status and protocol
 * agree and, when both documents hold the request, so do its details (whatever wrapper carried it).
 */
async function sameAsStored(
  tx: Repositories,
  known: KnownEvent,
  e: NfeEvent,
  hash: string,
): Promise<boolean> {
  const { record } = known;
  if (record.xml_sha256 === hash) return true;
  if (record.status_code !== e.statusCode || (record.protocol ?? null) !== e.protocol) return false;
  if (e.detail === null) return true;
  let storedDetail = known.detail;
  if (storedDetail === undefined) {
    const xml = await tx.invoices.eventDocument(
      record.seller_id,
      record.access_key,
      record.event_type,
      record.sequence,
    );
    const doc = xml ? readNfeDocument(xml, { maxBytes: Number.MAX_SAFE_INTEGER }) : undefined;
    storedDetail = doc?.kind === 'event' ? doc.event.detail : null;
  }
  return storedDetail === null || storedDetail === e.detail;
}

/** Stores the event (unless known) and re-derives the status of its invoice, if stored. */
export async function applyEvent(
  tx: Repositories,
  sellerId: string,
  e: NfeEvent,
  bytes: Uint8Array,
  now: Date,
): Promise<EventApplied> {
  const [applied] = await applyEvents(tx, sellerId, [{ event: e, bytes }], now);
  if (applied instanceof ConflictError) throw applied;
  return applied as EventApplied;
}

/**
 * Events of one seller, in one pass over the store (six statements at most whatever their number,
 * plus one update per invoice whose status changes): each is stored unless known, then the status of
 * every stored invoice they name is re-derived once.
 * The result holds, in input order, what each event did, or the conflict that kept it out (an
 * event stored before with other content); the others apply regardless. Every result shows its
 * invoice as the whole call left it.
 */
export async function applyEvents(
  tx: Repositories,
  sellerId: string,
  inputs: EventInput[],
  now: Date,
): Promise<(EventApplied | ConflictError)[]> {
  const keys = [...new Set(inputs.map((i) => i.event.accessKey))];
  const known = new Map<string, KnownEvent>();
  const eventsOf = new Map<string, NfeEvent[]>(keys.map((k) => [k, []]));
  for (const row of await tx.invoices.eventsFor(sellerId, keys)) {
    const e = eventFromRow(row);
    known.set(eventId(e), { record: row });
    eventsOf.get(row.access_key)?.push(e);
  }
  const fresh: (EventRecord & { xml: Uint8Array })[] = [];
  const verdicts: ({ e: NfeEvent; known: boolean } | ConflictError)[] = [];
  for (const { event: e, bytes } of inputs) {
    const hash = sha256(bytes);
    const stored = known.get(eventId(e));
    if (stored) {
      verdicts.push(
        (await sameAsStored(tx, stored, e, hash))
          ? { e, known: true }
          : new ConflictError(
              `event ${e.eventType} #${e.sequence} for ${e.accessKey} is already stored with different content`,
              [nfeProblem('nSeqEvento', 'this event sequence is already stored with different content')],
            ),
      );
      continue;
    }
    const record = {
      seller_id: sellerId,
      access_key: e.accessKey,
      event_type: e.eventType,
      sequence: e.sequence,
      status_code: e.statusCode,
      protocol: e.protocol,
      registered_at: e.registeredAt,
      xml_sha256: hash,
      received_at: now,
      applied_at: null,
    };
    fresh.push({ ...record, xml: bytes });
    known.set(eventId(e), { record, detail: e.detail });
    eventsOf.get(e.accessKey)?.push(e);
    verdicts.push({ e, known: false });
  }
  await tx.invoices.insertEvents(fresh);

  const applying = new Set(verdicts.flatMap((v) => (v instanceof ConflictError ? [] : [v.e.accessKey])));
  const invoices = await tx.invoices.byAccessKeys(sellerId, [...applying]);
  const documents = await tx.invoices.documents(
    sellerId,
    invoices.map((i) => i.invoice_id),
  );
  const current = new Map<string, InvoiceRecord>();
  const changed: string[] = [];
  for (const invoice of invoices) {
    current.set(invoice.access_key, invoice);
    const doc = storedInvoice(documents.get(invoice.invoice_id) as Uint8Array, invoice.invoice_id);
    const derived = deriveStatus(doc, eventsOf.get(invoice.access_key));
    if (derived.status === invoice.status) continue;
    await tx.invoices.replaceDocument(
      sellerId,
      invoice.invoice_id,
      {
        status: derived.status,
        error_code: derived.errorCode,
        gov_response: derived.govResponse,
        updated_at: now,
      },
      null,
    );
    changed.push(invoice.access_key);
  }
  for (const updated of await tx.invoices.byAccessKeys(sellerId, changed))
    current.set(updated.access_key, updated);
  await tx.invoices.markEventsApplied(sellerId, [...current.keys()], now);

  return verdicts.map((v) => {
    if (v instanceof ConflictError) return v;
    const invoice = current.get(v.e.accessKey);
    if (!invoice)
      return { outcome: v.known ? 'event-unchanged' : 'event-pending', event: eventView(v.e, false) };
    return { outcome: v.known ? 'event-unchanged' : 'event-applied', invoice, event: eventView(v.e, true) };
  });
}
