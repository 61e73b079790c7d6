/**
 * Marketplaces and their invoice attribute sets. These are data, per marketplace: getInvoicesAttributes
 * returns them and every filter and ingestion value is checked against them.
 */
export interface AttributeOption {
  value: string;
  description: string;
}

export interface MarketplaceInvoiceAttributes {
  invoiceStatusOptions: AttributeOption[];
  invoiceTypeOptions: AttributeOption[];
  transactionIdentifierNameOptions: AttributeOption[];
  transactionTypeOptions: AttributeOption[];
}

export interface Marketplace {
  id: string;
  name: string;
  countryCode: string;
  invoiceAttributes: MarketplaceInvoiceAttributes;
}

export const BRAZIL = 'A2Q3Y263D00KWC';

const brazilAttributes: MarketplaceInvoiceAttributes = {
  invoiceStatusOptions: [
    { value: 'AUTHORIZED', description: 'The government authorized the invoice.' },
    { value: 'REJECTED', description: 'The government rejected the invoice.' },
    { value: 'CANCELED', description: 'The invoice is canceled.' },
  ],
  invoiceTypeOptions: [
    { value: 'CUSTOMER_SALES', description: 'Invoice of a sale to a customer.' },
    { value: 'SYMBOLIC_RETURN', description: 'Symbolic return of goods sold from the fulfillment center.' },
    { value: 'REMITTANCE', description: 'Remittance of goods to the fulfillment center.' },
  ],
  transactionIdentifierNameOptions: [
    { value: 'BUSINESS_TRANSACTION_ID', description: 'Identifier of the marketplace transaction.' },
  ],
  transactionTypeOptions: [
    { value: 'CUSTOMER_SALES', description: 'A sale to a customer.' },
    { value: 'CUSTOMER_SALES_SYMBOLIC', description: 'The symbolic flow that accompanies a fulfilled sale.' },
    { value: 'INBOUND_SHIPMENT', description: 'A shipment of goods into the fulfillment center.' },
  ],
};

export const MARKETPLACES: ReadonlyMap<string, Marketplace> = new Map([
  [BRAZIL, { id: BRAZIL, name: 'Amazon.com.br', countryCode: 'BR', invoiceAttributes: brazilAttributes }],
]);

export const STOREFRONTS = ['de', 'cz', 'sk', 'pl', 'at', 'fr', 'it'] as const;

export function optionValues(options: AttributeOption[]): string[] {
  return options.map((o) => o.value);
}
