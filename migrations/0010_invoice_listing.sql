-- getInvoices from one index: the listing's keyset (seller, marketplace, date, id) with the
-- filtered columns and the dialect's rendering of each invoice INCLUDEd, so a page is an
-- index-only scan and the server concatenates stored strings instead of decoding and re-encoding
-- ten columns per row. `listing` is opaque to the store (the SP-API dialect's JSON of the invoice,
-- produced by its presenter through the core's ListingRendering port); NULL means "render at read"
-- (rows stored before this migration, rows whose listed columns changed), and the read backfills it.
ALTER TABLE invoices ADD COLUMN listing text;

CREATE INDEX invoices_listing ON invoices (seller_id, marketplace_id, issued_at, invoice_id)
  INCLUDE (status, invoice_type, transaction_type, series, number, listing);
DROP INDEX invoices_by_date;

-- Never stale: any change to a column the rendering shows drops the rendering in the same
-- statement, whoever writes it (status changes, cancellations, re-ingestion, manual SQL).
CREATE FUNCTION invoices_listing_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.invoice_id, NEW.issued_at, NEW.status, NEW.error_code, NEW.gov_response, NEW.invoice_type,
      NEW.transaction_type, NEW.transaction_ids, NEW.series, NEW.number)
     IS DISTINCT FROM
     (OLD.invoice_id, OLD.issued_at, OLD.status, OLD.error_code, OLD.gov_response, OLD.invoice_type,
      OLD.transaction_type, OLD.transaction_ids, OLD.series, OLD.number) THEN
    NEW.listing := NULL;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER invoices_listing_stale BEFORE UPDATE ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_listing_stale();
