import { type TSchema, Type } from '@sinclair/typebox';

/**
 * Route schemas of the SP-API Invoices dialect, after InvoicesApiModel_2024-06-19. They validate
 * requests, serialize responses and generate the OpenAPI document served under /docs.
 */
const Str = (description?: string) => Type.String(description ? { description } : {});

export const ErrorList = Type.Object({
  errors: Type.Array(Type.Object({ code: Str(), message: Str(), details: Type.Optional(Str()) })),
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

export const GetInvoicesAttributesResponse = Type.Object({
  invoicesAttributes: Type.Object({
    invoiceStatusOptions: Type.Array(AttributeOption),
    invoiceTypeOptions: Type.Array(AttributeOption),
    transactionIdentifierNameOptions: Type.Array(AttributeOption),
    transactionTypeOptions: Type.Array(AttributeOption),
  }),
});

export const GetInvoicesResponse = Type.Object({
  invoices: Type.Array(Invoice),
  nextToken: Type.Optional(Str()),
});

export const GetInvoiceResponse = Type.Object({ invoice: Invoice });

/** Every error status SP-API documents, all in the one ErrorList shape. */
export function withErrors(success: Record<number, TSchema>): Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...success };
  for (const status of [400, 403, 404, 413, 415, 429, 500, 503]) out[status] = ErrorList;
  return out;
}

export const MarketplaceQuery = Type.Object(
  { marketplaceId: Type.String() },
  { additionalProperties: false },
);

export const GetInvoicesQuery = Type.Object(
  {
    marketplaceId: Type.String(),
    transactionIdentifierName: Type.Optional(Type.String()),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    dateEnd: Type.Optional(Type.String()),
    transactionType: Type.Optional(Type.String()),
    transactionIdentifierId: Type.Optional(Type.String()),
    dateStart: Type.Optional(Type.String()),
    series: Type.Optional(Type.String()),
    nextToken: Type.Optional(Type.String()),
    sortOrder: Type.Optional(Type.Union([Type.Literal('DESC'), Type.Literal('ASC')])),
    invoiceType: Type.Optional(Type.String()),
    // csv in one value; a repeated key is tolerated too (coerced into an array).
    statuses: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    externalInvoiceId: Type.Optional(Type.String()),
    sortBy: Type.Optional(Type.Literal('START_DATE_TIME')),
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
  status: Type.Union(['REQUESTED', 'PROCESSING', 'DONE', 'ERROR'].map((s) => Type.Literal(s))),
});

export const ExportInvoicesRequest = Type.Object(
  {
    marketplaceId: Type.String(),
    dateStart: Type.Optional(Type.String()),
    dateEnd: Type.Optional(Type.String()),
    externalInvoiceId: Type.Optional(Type.String()),
    fileFormat: Type.Optional(Type.String()),
    invoiceType: Type.Optional(Type.String()),
    series: Type.Optional(Type.String()),
    statuses: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    transactionIdentifier: Type.Optional(
      Type.Object({ name: Type.String(), id: Type.String() }, { additionalProperties: false }),
    ),
    transactionType: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const GetInvoicesExportsQuery = Type.Object(
  {
    marketplaceId: Type.String(),
    dateStart: Type.Optional(Type.String()),
    dateEnd: Type.Optional(Type.String()),
    nextToken: Type.Optional(Type.String()),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    status: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const GetInvoicesExportsResponse = Type.Object({
  exports: Type.Array(Export),
  nextToken: Type.Optional(Str()),
});

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
  { additionalProperties: false },
);

const governmentLookup = {
  marketplaceId: Type.String(),
  transactionType: Type.String(),
  invoiceType: Type.String(),
  inboundPlanId: Type.Optional(Type.String()),
};

export const GovernmentInvoiceStatusQuery = Type.Object(
  { ...governmentLookup, shipmentId: Type.String() },
  { additionalProperties: false },
);

export const GovernmentInvoiceDocumentQuery = Type.Object(
  { ...governmentLookup, fileFormat: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const GovernmentInvoiceStatusResponse = Type.Object({
  invoiceErrors: Type.Optional(Type.Array(Type.Object({ description: Str(), errorCode: Str() }))),
  invoiceExternalDocumentId: Type.Optional(Str('The NF-e access key (44 characters).')),
  status: Type.Union(['PROCESSING', 'SUCCESS', 'ERROR'].map((s) => Type.Literal(s))),
});

export const GovtInvoiceDocumentResponse = Type.Object({
  invoiceDocument: Type.Object({ invoiceDocumentUrl: Str() }),
});
