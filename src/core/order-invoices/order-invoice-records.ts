/** An invoice file attached to an order, as stored (the bytes are in the blob store). */
export interface OrderInvoiceRecord {
  seller_id: string;
  order_id: string;
  /** Assigned by the store; unique per order only (Kaufland: "not unique across all invoices"). */
  invoice_id: number;
  storefront: string;
  /** Issued by the marketplace itself (deemed-supplier model): listed to the seller, not deletable. */
  deemed_supplier: boolean;
  original_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  /** Random and public: names the file in its download link. */
  file_id: string;
  blob_key: string;
  created_at: Date;
}

export type NewOrderInvoice = Omit<OrderInvoiceRecord, 'invoice_id'>;

export interface OrderInvoiceFilter {
  storefront?: string | undefined;
  /** Only invoices created at or after this instant. */
  createdFrom?: Date | undefined;
}
