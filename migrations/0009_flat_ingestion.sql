-- Ingestion whose cost does not grow with the seller's invoices.
--
-- Each row inserted into invoice_documents and invoice_transactions fired a foreign-key check: a
-- probe of invoices by (seller_id, invoice_id) through a cached generic plan. With statistics stale
-- (autovacuum off, no ANALYZE since the seller was small) that plan walks the seller's invoices
-- through invoices_by_number, so every insert cost O(invoices of the seller) and a 100,000-invoice
-- load slowed from ~1,000 to ~60 documents/s. The code already writes an invoice, its document and
-- its transaction identifiers in one transaction (insertMany, IngestService.ingest) and never
-- inserts a child on its own; what the constraints still did, removing the children of a deleted
-- invoice, this trigger does. test/integration/ingest-integrity.test.ts proves both.
ALTER TABLE invoice_documents DROP CONSTRAINT IF EXISTS invoice_documents_seller_id_invoice_id_fkey;
ALTER TABLE invoice_transactions DROP CONSTRAINT IF EXISTS invoice_transactions_seller_id_invoice_id_fkey;

CREATE FUNCTION invoices_delete_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM invoice_documents WHERE seller_id = OLD.seller_id AND invoice_id = OLD.invoice_id;
  DELETE FROM invoice_transactions WHERE seller_id = OLD.seller_id AND invoice_id = OLD.invoice_id;
  RETURN OLD;
END $$;

CREATE TRIGGER invoices_delete_children AFTER DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_delete_children();

