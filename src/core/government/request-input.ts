/**
 * Checks of the government invoice operations' parameters (400 InvalidInput, every problem at
 * once). What SEFAZ would judge (tax ids, IE, plates) is not checked here: the request is accepted
 * and ends in ERROR with SEFAZ's codes (carrier-rules.ts).
 */
import { type FieldProblem, InvalidInputError } from '../errors.js';
import { checkMarketplace, type SellerScope } from '../invoices/invoice-queries.js';
import { CONTROL_CHARS } from '../text.js';
import type { CarrierContext } from './issuer.js';

export const GOVERNMENT_INVOICE_TYPE = 'REMITTANCE';
export const GOVERNMENT_TRANSACTION_TYPE = 'INBOUND_SHIPMENT';
export const CARRIER_CONTEXT = 'CarrierDetailsContext';

/** Shipment ids become blob key segments: letters, digits, `.`, `_`, `-`, starting alphanumeric. */
export const SHIPMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const CONTEXT_FIELDS = [
  'contextType',
  'name',
  'address',
  'federalTaxId',
  'regionCode',
  'regionTaxId',
  'vehicleLicensePlate',
  'vehicleRegistrationRegionCode',
] as const;

export type ContextInput = Partial<Record<(typeof CONTEXT_FIELDS)[number], string>>;

/** What identifies a request in the three operations. */
export interface LookupInput {
  marketplaceId: string;
  invoiceType: string;
  transactionType: string;
  shipmentId: string;
  inboundPlanId?: string | undefined;
}

export interface CreateInput extends LookupInput {
  contexts?: ContextInput[] | undefined;
}

export interface ValidRequest {
  marketplaceId: string;
  shipmentId: string;
  inboundPlanId: string | null;
  /** The contexts in a canonical form (fixed key order): stored, and compared on resubmission. */
  contexts: ContextInput[];
  carrier: CarrierContext | undefined;
}

const badText = (v: string) => CONTROL_CHARS.test(v) || /[\uFFFE\uFFFF]/.test(v);

/** Marketplace, invoiceType and transactionType: only remittances of inbound shipments. */
function kindProblems(scope: SellerScope, input: LookupInput, problems: FieldProblem[]): void {
  try {
    checkMarketplace(scope, input.marketplaceId);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    problems.push(...err.problems);
  }
  if (input.invoiceType !== GOVERNMENT_INVOICE_TYPE) {
    problems.push({
      field: 'invoiceType',
      message: `must be ${GOVERNMENT_INVOICE_TYPE} (government invoices are remittances of inbound shipments), got "${input.invoiceType}"`,
    });
  }
  if (input.transactionType !== GOVERNMENT_TRANSACTION_TYPE) {
    problems.push({
      field: 'transactionType',
      message: `must be ${GOVERNMENT_TRANSACTION_TYPE}, got "${input.transactionType}"`,
    });
  }
  if (
    input.inboundPlanId !== undefined &&
    (input.inboundPlanId.length === 0 || input.inboundPlanId.length > 128 || badText(input.inboundPlanId))
  ) {
    problems.push({ field: 'inboundPlanId', message: 'must be 1 to 128 characters, no control characters' });
  }
}

function fail(problems: FieldProblem[]): never {
  throw new InvalidInputError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}

/** getGovernmentInvoiceStatus / getGovernmentInvoiceDocument: the same checks as creation. */
export function checkLookup(scope: SellerScope, input: LookupInput): void {
  const problems: FieldProblem[] = [];
  kindProblems(scope, input, problems);
  if (!input.shipmentId) problems.push({ field: 'shipmentId', message: 'is required' });
  if (problems.length) fail(problems);
}

export function canonicalContexts(contexts: ContextInput[]): ContextInput[] {
  return contexts.map((c) => {
    const out: ContextInput = {};
    for (const k of CONTEXT_FIELDS) if (c[k] !== undefined) out[k] = c[k];
    return out;
  });
}

/** createGovernmentInvoice's body. */
export function validateCreate(scope: SellerScope, input: CreateInput): ValidRequest {
  const problems: FieldProblem[] = [];
  kindProblems(scope, input, problems);
  if (!input.shipmentId) problems.push({ field: 'shipmentId', message: 'is required' });
  else if (!SHIPMENT_ID.test(input.shipmentId)) {
    problems.push({
      field: 'shipmentId',
      message: 'must be 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", "-", starting with a letter or digit',
    });
  }
  const contexts = canonicalContexts(input.contexts ?? []);
  let carriers = 0;
  contexts.forEach((c, i) => {
    const at = `contexts[${i}]`;
    if (c.contextType === undefined) {
      problems.push({ field: `${at}.contextType`, message: `is required (${CARRIER_CONTEXT})` });
    } else if (c.contextType !== CARRIER_CONTEXT) {
      problems.push({
        field: `${at}.contextType`,
        message: `"${c.contextType}" is not a known context type (${CARRIER_CONTEXT})`,
      });
    } else carriers++;
    for (const k of CONTEXT_FIELDS) {
      const v = c[k];
      if (v !== undefined && badText(v))
        problems.push({ field: `${at}.${k}`, message: 'must not contain control characters' });
    }
  });
  if (carriers > 1) problems.push({ field: 'contexts', message: `at most one ${CARRIER_CONTEXT}` });
  if (problems.length) fail(problems);
  const carrier = contexts.find((c) => c.contextType === CARRIER_CONTEXT);
  return {
    marketplaceId: input.marketplaceId,
    shipmentId: input.shipmentId,
    inboundPlanId: input.inboundPlanId ?? null,
    contexts,
    carrier: carrier ? ({ ...carrier, contextType: CARRIER_CONTEXT } as CarrierContext) : undefined,
  };
}
