import type { InvoiceError } from './issuer.js';

/** A government invoice request (one per seller and shipment) and the NF-e issued for it. */
export interface GovernmentRequestRecord {
  seller_id: string;
  shipment_id: string;
  marketplace_id: string;
  inbound_plan_id: string | null;
  invoice_type: string;
  transaction_type: string;
  contexts: Record<string, string>[];
  status: 'PROCESSING' | 'SUCCESS' | 'ERROR';
  errors: InvoiceError[];
  /** Bumped by each resubmission after an ERROR: a job of an older generation changes nothing. */
  generation: number;
  series: number | null;
  number: number | null;
  issued_at: Date | null;
  access_key: string | null;
  blob_key: string | null;
  invoice_id: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export type GovernmentRequestChanges = Partial<Omit<GovernmentRequestRecord, 'seller_id' | 'shipment_id'>>;

export interface GovernmentRepository {
  get(sellerId: string, shipmentId: string): Promise<GovernmentRequestRecord | undefined>;
  /** The request, locked until the transaction ends (concurrent submissions take turns). */
  getForUpdate(sellerId: string, shipmentId: string): Promise<GovernmentRequestRecord | undefined>;
  insert(
    record: Omit<
      GovernmentRequestRecord,
      'series' | 'number' | 'issued_at' | 'access_key' | 'blob_key' | 'invoice_id' | 'finished_at'
    >,
  ): Promise<void>;
  /** Updates the request only while it is the PROCESSING run of `generation`; whether it did. */
  updateRun(
    sellerId: string,
    shipmentId: string,
    generation: number,
    changes: GovernmentRequestChanges,
  ): Promise<boolean>;
  update(sellerId: string, shipmentId: string, changes: GovernmentRequestChanges): Promise<void>;
  /** Serializes number allocation per seller: call first inside the allocating transaction. */
  lockSeller(sellerId: string): Promise<void>;
  /** The highest NF-e number (model 55) of `series`: government requests and stored invoices alike. */
  highestNumber(sellerId: string, series: number): Promise<number>;
}
