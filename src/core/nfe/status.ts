/**
 * The status an invoice's documents imply. infProt gives the base; a registered cancellation
 * event for the same key (embedded in nfeProc or arriving separately) turns it into CANCELED.
 */
import type { DerivedStatus, NfeEvent, NfeInvoiceDocument, NfeProtocol } from './types.js';

const AUTHORIZED_CSTAT = new Set(['100', '150']);
/** 101 cancelled; 151 and 155 cancelled out of time. */
const CANCELLED_CSTAT = new Set(['101', '151', '155']);
const REGISTERED_EVENT_CSTAT = new Set(['135', '136', '155']);
/** 110111 cancellation; 110112 cancellation by substitution (NFC-e). */
const CANCELLATION_EVENTS = new Set(['110111', '110112']);

export function isCancellationEvent(e: NfeEvent): boolean {
  return CANCELLATION_EVENTS.has(e.eventType);
}

/** SEFAZ accepted and recorded the event (135 linked, 136 registered unlinked, 155 out of time). */
export function isRegisteredEvent(e: NfeEvent): boolean {
  return REGISTERED_EVENT_CSTAT.has(e.statusCode);
}

function fromProtocol(protocol: NfeProtocol | null): DerivedStatus {
  if (!protocol) return { status: 'PENDING', errorCode: '', govResponse: '' };
  if (AUTHORIZED_CSTAT.has(protocol.cStat)) return { status: 'AUTHORIZED', errorCode: '', govResponse: '' };
  if (CANCELLED_CSTAT.has(protocol.cStat)) return { status: 'CANCELED', errorCode: '', govResponse: '' };
  // 110, 301, 302, 303 are denials; any other cStat in infProt is a rejection. Both map to REJECTED.
  return { status: 'REJECTED', errorCode: protocol.cStat, govResponse: protocol.xMotivo };
}

/**
 * Events for other keys and unregistered events are ignored; 110110 (correction letter) changes
 * nothing. A registered cancellation also applies to a PENDING document: SEFAZ only registers a
 * cancellation of an authorized invoice, so the event proves both.
 */
export function deriveStatus(doc: NfeInvoiceDocument, events: NfeEvent[] = []): DerivedStatus {
  const base = fromProtocol(doc.protocol);
  if (base.status !== 'AUTHORIZED' && base.status !== 'PENDING') return base;
  const cancelled = [...doc.embeddedEvents, ...events].some(
    (e) => e.accessKey === doc.accessKey && isCancellationEvent(e) && isRegisteredEvent(e),
  );
  return cancelled ? { status: 'CANCELED', errorCode: '', govResponse: '' } : base;
}
