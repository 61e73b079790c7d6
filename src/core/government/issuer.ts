/**
 * Issuing a government invoice (the remittance NF-e of an inbound shipment) sits behind this
 * interface. The built-in SandboxIssuer builds the document locally; an issuer that talks to a
 * SEFAZ (or to an issuing provider) implements the same contract.
 */

/** One SEFAZ-style rejection: `errorCode` is the cStat, `description` its xMotivo. */
export interface InvoiceError {
  errorCode: string;
  description: string;
}

/** CarrierDetailsContext as the client sent it (every field optional, as in the model). */
export interface CarrierContext {
  contextType: 'CarrierDetailsContext';
  name?: string | undefined;
  address?: string | undefined;
  federalTaxId?: string | undefined;
  regionCode?: string | undefined;
  regionTaxId?: string | undefined;
  vehicleLicensePlate?: string | undefined;
  vehicleRegistrationRegionCode?: string | undefined;
}

export interface IssueRequest {
  marketplaceId: string;
  shipmentId: string;
  inboundPlanId: string | null;
  carrier: CarrierContext | undefined;
  /** Given by invoicehub before the first call and kept: a re-run asks for the same document. */
  series: number;
  number: number;
  issuedAt: Date;
}

export interface IssuerSeller {
  sellerId: string;
  cnpj: string;
  name: string;
}

export type IssueResult =
  | { ok: true; xml: string; accessKey: string }
  | { ok: false; errors: InvoiceError[] };

export interface InvoiceIssuer {
  /** The NF-e series this issuer numbers its documents in. */
  readonly series: number;
  /**
   * Issues the remittance, or says why the authority rejected it. Must be idempotent per
   * (seller, series, number): after a crash the job may ask again for a document it already got.
   * Throw for transient failures (the job retries); return `ok: false` only for rejections.
   */
  issue(request: IssueRequest, seller: IssuerSeller): Promise<IssueResult>;
}
