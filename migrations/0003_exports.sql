-- SP-API invoice exports and the ZIP documents they produce (blobs in the blob store).

CREATE TABLE invoice_exports (
  seller_id        uuid NOT NULL REFERENCES sellers,
  export_id        uuid NOT NULL,
  marketplace_id   text NOT NULL,
  -- The resolved filter (dates, statuses, …) as the export saw it at creation.
  filter           jsonb NOT NULL,
  file_format      text NOT NULL,
  status           text NOT NULL CHECK (status IN ('REQUESTED', 'PROCESSING', 'DONE', 'ERROR')),
  error_message    text NOT NULL DEFAULT '',
  started_at       timestamptz,
  finished_at      timestamptz,
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (seller_id, export_id)
);
-- getInvoicesExports: creation window per marketplace, keyset on (created_at, export_id).
CREATE INDEX invoice_exports_by_created ON invoice_exports (seller_id, marketplace_id, created_at, export_id);
CREATE INDEX invoice_exports_expiry ON invoice_exports (expires_at);

CREATE TABLE export_documents (
  seller_id     uuid NOT NULL,
  document_id   uuid NOT NULL,
  export_id     uuid NOT NULL,
  part          integer NOT NULL,
  blob_key      text NOT NULL,
  size_bytes    bigint NOT NULL,
  entries       integer NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (seller_id, document_id),
  FOREIGN KEY (seller_id, export_id) REFERENCES invoice_exports ON DELETE CASCADE
);
-- A part is written once: a re-run after a crash finds its row and moves on.
CREATE UNIQUE INDEX export_documents_part ON export_documents (seller_id, export_id, part);

-- Per-seller webhook, called when an export reaches DONE or ERROR.
CREATE TABLE seller_webhooks (
  seller_id   uuid PRIMARY KEY REFERENCES sellers,
  url         text NOT NULL,
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
