-- Which rendering of an invoice is current, without reading the rendering: `listing_version` goes up
-- by one whenever a column the rendering shows changes (the same trigger that drops the stored
-- rendering, in the same statement), so a server that kept an invoice's rendering in memory under
-- (invoice_id, listing_version) serves it only while it is the current one. A page's statement then
-- reads the listing index's ids and versions (a few bytes per invoice) instead of the renderings
-- themselves (~340 bytes each), which the database no longer joins and sends for a page the server
-- holds already. Existing rows start at 0, as their renderings are.
ALTER TABLE invoices ADD COLUMN listing_version integer NOT NULL DEFAULT 0;

CREATE INDEX invoices_listing_versions ON invoices (seller_id, marketplace_id, issued_at, invoice_id)
  INCLUDE (status, invoice_type, transaction_type, series, number, listing_version, listing);
DROP INDEX invoices_listing;
ALTER INDEX invoices_listing_versions RENAME TO invoices_listing;

CREATE OR REPLACE FUNCTION invoices_listing_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.invoice_id, NEW.issued_at, NEW.status, NEW.error_code, NEW.gov_response, NEW.invoice_type,
      NEW.transaction_type, NEW.transaction_ids, NEW.series, NEW.number)
     IS DISTINCT FROM
     (OLD.invoice_id, OLD.issued_at, OLD.status, OLD.error_code, OLD.gov_response, OLD.invoice_type,
      OLD.transaction_type, OLD.transaction_ids, OLD.series, OLD.number) THEN
    NEW.listing := NULL;
    NEW.listing_version := OLD.listing_version + 1;
  END IF;
  RETURN NEW;
END $$;
