import { type FieldProblem, InvalidInputError } from '../errors.js';
import { type AttributeOption, MARKETPLACES, type Marketplace, optionValues } from '../marketplaces.js';
import type { NfeInvoiceDocument } from '../nfe/types.js';
import type { SellerRecord } from '../sellers/seller-records.js';
import { CONTROL_CHARS } from '../text.js';
import { transactionIdentifierProblems } from './transaction-identifier.js';

/** What ingestion is told besides the document (query parameters of the operator API). */
export interface IngestMeta {
  marketplaceId?: string | undefined;
  invoiceType?: string | undefined;
  transactionType?: string | undefined;
  transactionIdentifierName?: string | undefined;
  transactionIdentifierId?: string | undefined;
  orderId?: string | undefined;
}

export interface Classification {
  marketplaceId: string;
  invoiceType: string;
  transactionType: string;
  transactionIds: { name: string; id: string }[];
  orderId: string | null;
}

// CFOPs of goods sent out without a sale: remittance for storage (5905/6905), other remittances (5949/6949).
const REMITTANCE_CFOPS = new Set(['5905', '6905', '5949', '6949', '5152', '6152']);

/**
 * When the operator does not say, the type is read off the document: an inbound document that
 * references a sale is its symbolic return, a remittance CFOP or nature marks a remittance to the
 * fulfillment center, anything else is a customer sale.
 */
function inferTypes(doc: NfeInvoiceDocument): { invoiceType: string; transactionType: string } {
  if (doc.tpNF === '0' && doc.referencedKeys.length > 0) {
    return { invoiceType: 'SYMBOLIC_RETURN', transactionType: 'CUSTOMER_SALES_SYMBOLIC' };
  }
  if (doc.cfops.some((c) => REMITTANCE_CFOPS.has(c)) || /remessa/i.test(doc.natOp)) {
    return { invoiceType: 'REMITTANCE', transactionType: 'INBOUND_SHIPMENT' };
  }
  return { invoiceType: 'CUSTOMER_SALES', transactionType: 'CUSTOMER_SALES' };
}

/** Checks that need neither the seller nor the document: pairing and lengths. */
function shapeProblems(meta: IngestMeta): FieldProblem[] {
  const problems: FieldProblem[] = [];
  problems.push(
    ...transactionIdentifierProblems(meta.transactionIdentifierName, meta.transactionIdentifierId),
  );
  const badText = (v: string) => v.length === 0 || v.length > 128 || CONTROL_CHARS.test(v);
  if (meta.orderId !== undefined && badText(meta.orderId)) {
    problems.push({ field: 'orderId', message: 'must be 1 to 128 characters, no control characters' });
  }
  return problems;
}

/**
 * The parameters alone, against every marketplace they could mean: a bulk call runs this once,
 * so a bad value is one 400 for the call rather than a failure per document.
 * resolveClassification still decides per document (the seller's own marketplaces).
 */
export function checkIngestMeta(meta: IngestMeta): void {
  const problems: FieldProblem[] = [];
  const given = meta.marketplaceId === undefined ? undefined : MARKETPLACES.get(meta.marketplaceId);
  if (meta.marketplaceId !== undefined && !given) {
    problems.push({ field: 'marketplaceId', message: `unknown marketplace "${meta.marketplaceId}"` });
  }
  const candidates = given ? [given] : meta.marketplaceId === undefined ? [...MARKETPLACES.values()] : [];
  const check = (
    field: 'invoiceType' | 'transactionType' | 'transactionIdentifierName',
    pick: (a: Marketplace['invoiceAttributes']) => AttributeOption[],
  ) => {
    const value = meta[field];
    const options = [...new Set(candidates.flatMap((m) => optionValues(pick(m.invoiceAttributes))))];
    if (value !== undefined && candidates.length && !options.includes(value))
      problems.push({ field, message: `"${value}" is not one of ${options.join(', ')}` });
  };
  check('invoiceType', (a) => a.invoiceTypeOptions);
  check('transactionType', (a) => a.transactionTypeOptions);
  check('transactionIdentifierName', (a) => a.transactionIdentifierNameOptions);
  problems.push(...shapeProblems(meta));
  if (problems.length) throw new InvalidInputError('invalid ingestion parameters', problems);
}

export function resolveClassification(
  seller: SellerRecord,
  doc: NfeInvoiceDocument,
  meta: IngestMeta,
): Classification {
  const problems: FieldProblem[] = [];
  const marketplaceId = meta.marketplaceId ?? seller.marketplace_ids[0] ?? '';
  if (!seller.marketplace_ids.includes(marketplaceId)) {
    problems.push({
      field: 'marketplaceId',
      message: `seller ${seller.seller_id} does not participate in marketplace "${marketplaceId}"`,
    });
  }
  const attributes = MARKETPLACES.get(marketplaceId)?.invoiceAttributes;
  const inferred = inferTypes(doc);
  const invoiceType = meta.invoiceType ?? inferred.invoiceType;
  const transactionType = meta.transactionType ?? inferred.transactionType;
  if (attributes) {
    const check = (field: string, value: string, options: string[]) => {
      if (!options.includes(value))
        problems.push({ field, message: `"${value}" is not one of ${options.join(', ')}` });
    };
    check('invoiceType', invoiceType, optionValues(attributes.invoiceTypeOptions));
    check('transactionType', transactionType, optionValues(attributes.transactionTypeOptions));
    if (meta.transactionIdentifierName !== undefined) {
      check(
        'transactionIdentifierName',
        meta.transactionIdentifierName,
        optionValues(attributes.transactionIdentifierNameOptions),
      );
    }
  }
  problems.push(...shapeProblems(meta));
  const { transactionIdentifierName: name, transactionIdentifierId: id } = meta;
  if (problems.length) throw new InvalidInputError('invalid ingestion parameters', problems);
  return {
    marketplaceId,
    invoiceType,
    transactionType,
    transactionIds: name !== undefined && id !== undefined ? [{ name, id }] : [],
    orderId: meta.orderId ?? null,
  };
}
