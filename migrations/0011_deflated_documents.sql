-- Invoice documents stored deflated: the raw deflate stream a ZIP entry holds (method 8, level 6),
-- with its CRC-32 and uncompressed size, computed once at ingestion on the deflate thread. An export
-- frames the stored bytes instead of compressing every document again, and the table is smaller
-- than with PostgreSQL's own TOAST compression (2,850-byte NF-e: ~1,700 bytes with pglz, ~1,000
-- deflated). Reads inflate and check the CRC-32 and size.
--
-- Existing rows keep their plain `xml` and are read as before (an export deflates them while it
-- writes): exactly one of the two forms is set. xml_crc32 holds the unsigned CRC-32 in an int4's
-- bits (the repository converts). EXTERNAL: the deflated bytes are not worth compressing again.
ALTER TABLE invoice_documents ALTER COLUMN xml DROP NOT NULL;
ALTER TABLE invoice_documents
  ADD COLUMN xml_deflated bytea,
  ADD COLUMN xml_crc32 integer,
  ADD COLUMN xml_size integer;
ALTER TABLE invoice_documents ALTER COLUMN xml_deflated SET STORAGE EXTERNAL;
-- NOT VALID: existing rows (plain) are known to satisfy it; a large store is not scanned to prove it.
ALTER TABLE invoice_documents ADD CONSTRAINT invoice_documents_one_form CHECK (
  CASE WHEN xml IS NULL
    THEN xml_deflated IS NOT NULL AND xml_crc32 IS NOT NULL AND xml_size IS NOT NULL
    ELSE xml_deflated IS NULL AND xml_crc32 IS NULL AND xml_size IS NULL
  END) NOT VALID;
