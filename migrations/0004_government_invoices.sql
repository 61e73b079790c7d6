-- SP-API government invoice requests: one remittance NF-e per seller and shipment, issued by a job.

CREATE TABLE government_invoice_requests (
  seller_id         uuid NOT NULL REFERENCES sellers,
  shipment_id       text NOT NULL,
  marketplace_id    text NOT NULL,
  inbound_plan_id   text,
  invoice_type      text NOT NULL,
  transaction_type  text NOT NULL,
  -- The request's contexts as received (CarrierDetailsContext objects).
  contexts          jsonb NOT NULL DEFAULT '[]',
  status            text NOT NULL CHECK (status IN ('PROCESSING', 'SUCCESS', 'ERROR')),
  -- SEFAZ-style rejections [{errorCode, description}] of an ERROR request.
  errors            jsonb NOT NULL DEFAULT '[]',
  -- Bumped when a request that ended in ERROR is submitted again; its job carries the value.
  generation        integer NOT NULL DEFAULT 1,
  -- Assigned once, before issuing, so a re-run issues the very same document.
  series            integer,
  number            integer,
  issued_at         timestamptz,
  -- Set as soon as the issued XML is in the blob store (before ingestion).
  access_key        text,
  blob_key          text,
  -- The ingested invoice (getInvoices shows it as REMITTANCE / INBOUND_SHIPMENT).
  invoice_id        uuid,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  finished_at       timestamptz,
  PRIMARY KEY (seller_id, shipment_id)
);
-- A number is never given to two requests of one seller and series.
CREATE UNIQUE INDEX government_invoice_requests_number
  ON government_invoice_requests (seller_id, series, number) WHERE number IS NOT NULL;
