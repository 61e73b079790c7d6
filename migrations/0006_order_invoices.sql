-- Invoice files attached to orders (Kaufland's order invoices): uploaded by the seller, or issued by
-- the marketplace itself (deemed supplier). The file lives in the blob store under blob_key.
CREATE SEQUENCE order_invoice_ids;

CREATE TABLE order_invoices (
  seller_id        uuid NOT NULL,
  order_id         text NOT NULL,
  invoice_id       bigint NOT NULL DEFAULT nextval('order_invoice_ids'),
  storefront       text NOT NULL,
  deemed_supplier  boolean NOT NULL,
  original_name    text NOT NULL,
  mime_type        text NOT NULL,
  size_bytes       bigint NOT NULL,
  sha256           text NOT NULL,
  -- Public, random: names the file in its download link (the access token is derived from it).
  file_id          uuid NOT NULL,
  blob_key         text NOT NULL,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (seller_id, order_id, invoice_id),
  FOREIGN KEY (seller_id, order_id) REFERENCES orders
);
ALTER SEQUENCE order_invoice_ids OWNED BY order_invoices.invoice_id;
CREATE UNIQUE INDEX order_invoices_file_id ON order_invoices (file_id);
-- The seller's list: newest first, optionally from a creation time, filtered by storefront.
CREATE INDEX order_invoices_by_created ON order_invoices (seller_id, created_at DESC, invoice_id DESC);
