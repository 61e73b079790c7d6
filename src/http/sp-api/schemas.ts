import { type TSchema, Type } from '@sinclair/typebox';
import { StringEnum } from '../shared/openapi-docs.js';

/**
 * Route schemas of the SP-API Invoices dialect, after InvoicesApiModel_2024-06-19. They validate
 * requests, serialize responses and generate the OpenAPI document served under /docs.
 */
const Str = (description?: string) => Type.String(description ? { description } : {});

export const ErrorList = Type.Object({
  errors: Type.Array(
    Type.Object({
      code: Str('The symbolic code: InvalidInput, Unauthorized, NotFound, QuotaExceeded, …'),
      message: Str("Amazon's generic message for the code."),
      details: Type.Optional(Str('What exactly was wrong (for InvalidInput, each parameter and why).')),
    }),
  ),
});

export const TransactionIdentifier = Type.Object({ name: Str(), id: Str() });

export const Invoice = Type.Object({
  date: Type.String({ format: 'date-time' }),
  errorCode: Str(),
  externalInvoiceId: Str('The NF-e number (nNF).'),
  govResponse: Str(),
  id: Str(),
  invoiceType: Str(),
  series: Str(),
  status: Str(),
  transactionIds: Type.Array(TransactionIdentifier),
  transactionType: Str(),
});

const AttributeOption = Type.Object({ description: Str(), value: Str() });

export const GetInvoicesAttributesResponse = Type.Object(
  {
    invoicesAttributes: Type.Object({
      invoiceStatusOptions: Type.Array(AttributeOption),
      invoiceTypeOptions: Type.Array(AttributeOption),
      transactionIdentifierNameOptions: Type.Array(AttributeOption),
      transactionTypeOptions: Type.Array(AttributeOption),
    }),
  },
  { description: 'The values each filter of getInvoices accepts in this marketplace.' },
);

export const GetInvoicesResponse = Type.Object(
  {
    invoices: Type.Array(Invoice),
    nextToken: Type.Optional(Str('Present when there are more results: pass it to get the next page.')),
  },
  { description: 'One page of invoices, newest first unless sortOrder=ASC.' },
);

export const GetInvoiceResponse = Type.Object({ invoice: Invoice }, { description: 'The invoice.' });

/** Every error status SP-API documents, all in the one ErrorList shape. */
export function withErrors(success: Record<number, TSchema>): Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...success };
  for (const status of [400, 403, 404, 413, 415, 429, 500, 503]) out[status] = ErrorList;
  return out;
}

const MARKETPLACE = 'The marketplace identifier (Brazil: A2Q3Y263D00KWC).';
const NEXT_TOKEN =
  'The nextToken of the previous page; with it, marketplaceId alone is enough (the same arguments again are accepted, different ones are 400).';
const ATTRIBUTE = (name: string) => `One of the ${name} options of getInvoicesAttributes.`;

export const MarketplaceQuery = Type.Object(
  { marketplaceId: Type.String({ description: MARKETPLACE }) },
  { additionalProperties: false },
);

export const GetInvoicesQuery = Type.Object(
  {
    marketplaceId: Type.String({ description: MARKETPLACE }),
    transactionIdentifierName: Type.Optional(
      Type.String({
        description: `${ATTRIBUTE('transactionIdentifierName')} Requires transactionIdentifierId.`,
      }),
    ),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, description: 'Invoices per page, 1 to 200 (default 100).' }),
    ),
    dateEnd: Type.Optional(
      Type.String({
        description: 'Latest invoice date (ISO 8601; a bare date covers that whole day). Default: now.',
      }),
    ),
    transactionType: Type.Optional(Type.String({ description: ATTRIBUTE('transactionType') })),
    transactionIdentifierId: Type.Optional(
      Type.String({
        description: 'The transaction id (e.g. the order id). Requires transactionIdentifierName.',
      }),
    ),
    dateStart: Type.Optional(
      Type.String({
        description: 'Earliest invoice date (ISO 8601, no zone = UTC). Default: 24 hours before dateEnd.',
      }),
    ),
    series: Type.Optional(Type.String({ description: 'The NF-e series.' })),
    nextToken: Type.Optional(Type.String({ description: NEXT_TOKEN })),
    sortOrder: Type.Optional(
      StringEnum(['DESC', 'ASC'], { description: 'By invoice date: DESC (default) or ASC.' }),
    ),
    invoiceType: Type.Optional(Type.String({ description: ATTRIBUTE('invoiceType') })),
    // csv in one value; a repeated key is tolerated too (coerced into an array).
    statuses: Type.Optional(
      Type.Array(Type.String(), {
        minItems: 1,
        description: `${ATTRIBUTE('invoiceStatus')} Several as one comma-separated value or a repeated key.`,
      }),
    ),
    externalInvoiceId: Type.Optional(Type.String({ description: 'The NF-e number (nNF).' })),
    sortBy: Type.Optional(
      StringEnum(['START_DATE_TIME'], { description: 'The only sort key: the invoice date.' }),
    ),
  },
  { additionalProperties: false },
);

/** `statuses=AUTHORIZED%2CREJECTED` and `statuses=AUTHORIZED&statuses=REJECTED` mean the same. */
export function splitCsv(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim());
}

export const Export = Type.Object({
  errorMessage: Str(),
  exportId: Str(),
  generateExportFinishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  generateExportStartedAt: Type.Optional(Type.String({ format: 'date-time' })),
  invoicesDocumentIds: Type.Array(Str()),
  status: StringEnum(['REQUESTED', 'PROCESSING', 'DONE', 'ERROR']),
});

export const ExportInvoicesRequest = Type.Object(
  {
    marketplaceId: Type.String({ description: MARKETPLACE }),
    dateStart: Type.Optional(Type.String({ description: 'Earliest invoice date (ISO 8601).' })),
    dateEnd: Type.Optional(Type.String({ description: 'Latest invoice date (ISO 8601).' })),
    externalInvoiceId: Type.Optional(Type.String({ description: 'The NF-e number (nNF).' })),
    fileFormat: Type.Optional(Type.String({ description: 'XML (the default).' })),
    invoiceType: Type.Optional(Type.String({ description: ATTRIBUTE('invoiceType') })),
    series: Type.Optional(Type.String({ description: 'The NF-e series.' })),
    statuses: Type.Optional(
      Type.Array(Type.String(), { minItems: 1, description: ATTRIBUTE('invoiceStatus') }),
    ),
    transactionIdentifier: Type.Optional(
      Type.Object({ name: Type.String(), id: Type.String() }, { additionalProperties: false }),
    ),
    transactionType: Type.Optional(Type.String({ description: ATTRIBUTE('transactionType') })),
  },
  { additionalProperties: false, description: 'The filters of the invoices to export.' },
);

export const GetInvoicesExportsQuery = Type.Object(
  {
    marketplaceId: Type.String({ description: MARKETPLACE }),
    dateStart: Type.Optional(Type.String({ description: 'Earliest export creation time (ISO 8601).' })),
    dateEnd: Type.Optional(Type.String({ description: 'Latest export creation time (ISO 8601).' })),
    nextToken: Type.Optional(Type.String({ description: NEXT_TOKEN })),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Exports per page, 1 to 100.' }),
    ),
    status: Type.Optional(Type.String({ description: 'REQUESTED, PROCESSING, DONE or ERROR.' })),
  },
  { additionalProperties: false },
);

export const GetInvoicesExportsResponse = Type.Object(
  {
    exports: Type.Array(Export),
    nextToken: Type.Optional(Str('Present when there are more results: pass it to get the next page.')),
  },
  { description: "One page of the seller's exports." },
);

const CarrierDetailsContext = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 255 })),
    address: Type.Optional(Type.String({ maxLength: 255 })),
    contextType: Type.Optional(Type.String({ maxLength: 255 })),
    federalTaxId: Type.Optional(Type.String({ maxLength: 255 })),
    regionCode: Type.Optional(Type.String({ maxLength: 255 })),
    regionTaxId: Type.Optional(Type.String({ maxLength: 255 })),
    vehicleLicensePlate: Type.Optional(Type.String({ maxLength: 255 })),
    vehicleRegistrationRegionCode: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

export const GovernmentInvoiceRequest = Type.Object(
  {
    contexts: Type.Optional(Type.Array(CarrierDetailsContext, { maxItems: 10 })),
    inboundPlanId: Type.Optional(Type.String()),
    invoiceType: Type.String(),
    marketplaceId: Type.String(),
    shipmentId: Type.String(),
    transactionType: Type.String(),
  },
  { additionalProperties: false, description: 'The shipment whose remittance NF-e to issue.' },
);

const governmentLookup = {
  marketplaceId: Type.String({ description: MARKETPLACE }),
  transactionType: Type.String({ description: 'The transaction type of the request (as created).' }),
  invoiceType: Type.String({ description: 'The invoice type of the request (as created).' }),
  inboundPlanId: Type.Optional(Type.String({ description: 'The inbound plan of the shipment, if given.' })),
};
const SHIPMENT_ID = 'The shipment the invoice was requested for.';

export const GovernmentInvoiceStatusQuery = Type.Object(
  { ...governmentLookup, shipmentId: Type.String({ description: SHIPMENT_ID }) },
  { additionalProperties: false },
);

export const GovernmentInvoiceDocumentQuery = Type.Object(
  { ...governmentLookup, fileFormat: Type.Optional(Type.String({ description: 'XML (the default).' })) },
  { additionalProperties: false },
);

export const GovernmentShipmentParams = Type.Object({
  shipmentId: Type.String({ description: SHIPMENT_ID }),
});

export const GovernmentInvoiceStatusResponse = Type.Object(
  {
    invoiceErrors: Type.Optional(Type.Array(Type.Object({ description: Str(), errorCode: Str() }))),
    invoiceExternalDocumentId: Type.Optional(Str('The NF-e access key (44 characters).')),
    status: StringEnum(['PROCESSING', 'SUCCESS', 'ERROR']),
  },
  { description: 'Where the request stands: SUCCESS carries the access key, ERROR the reasons.' },
);

export const GovtInvoiceDocumentResponse = Type.Object(
  {
    invoiceDocument: Type.Object({
      invoiceDocumentUrl: Str('A signed URL to the NF-e XML, valid for a while.'),
    }),
  },
  { description: 'Where to download the issued NF-e.' },
);
