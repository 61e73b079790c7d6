-- invoicehub foundation schema. Tenant tables are keyed by seller_id first (shardable by seller).

CREATE TABLE sellers (
  seller_id        uuid PRIMARY KEY,
  name             text NOT NULL,
  cnpj             text NOT NULL,
  marketplace_ids  text[] NOT NULL,
  storefronts      text[] NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX sellers_cnpj ON sellers (cnpj);

-- One row per issued client id; the secret and the refresh token are stored as SHA-256 hashes.
CREATE TABLE credentials (
  seller_id           uuid NOT NULL REFERENCES sellers,
  client_id           text NOT NULL,
  secret_hash         text NOT NULL,
  refresh_token_hash  text NOT NULL,
  created_at          timestamptz NOT NULL,
  revoked_at          timestamptz,
  PRIMARY KEY (seller_id, client_id)
);
-- Lookup by client id at the token endpoint (a global reference table when sharded).
CREATE UNIQUE INDEX credentials_client_id ON credentials (client_id);

-- Access tokens carry their seller id, so the lookup stays tenant-first.
CREATE TABLE access_tokens (
  seller_id   uuid NOT NULL,
  token_hash  text NOT NULL,
  client_id   text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (seller_id, token_hash)
);
CREATE INDEX access_tokens_expires_at ON access_tokens (expires_at);

CREATE TABLE invoices (
  seller_id          uuid NOT NULL REFERENCES sellers,
  invoice_id         uuid NOT NULL,
  access_key         text NOT NULL,
  marketplace_id     text NOT NULL,
  model              text NOT NULL,
  series             text NOT NULL,
  number             text NOT NULL,
  issued_at          timestamptz NOT NULL,
  status             text NOT NULL CHECK (status IN ('PENDING', 'AUTHORIZED', 'REJECTED', 'CANCELED')),
  error_code         text NOT NULL DEFAULT '',
  gov_response       text NOT NULL DEFAULT '',
  invoice_type       text NOT NULL,
  transaction_type   text NOT NULL,
  transaction_ids    jsonb NOT NULL DEFAULT '[]',
  order_id           text,
  recipient_doc      text,
  total_amount       numeric(17, 2),
  protocol           text,
  layout_version     text NOT NULL,
  discrepancies      jsonb NOT NULL DEFAULT '[]',
  xml_sha256         text NOT NULL,
  xml_size           integer NOT NULL,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  PRIMARY KEY (seller_id, invoice_id)
);
CREATE UNIQUE INDEX invoices_access_key ON invoices (seller_id, access_key);
-- getInvoices: marketplace + date window, keyset on (issued_at, invoice_id) both directions.
CREATE INDEX invoices_by_date ON invoices (seller_id, marketplace_id, issued_at, invoice_id);
CREATE INDEX invoices_by_number ON invoices (seller_id, number, series, model);
CREATE INDEX invoices_by_order ON invoices (seller_id, order_id) WHERE order_id IS NOT NULL;

-- The accepted document, byte for byte, apart from the narrow row that lists scan.
CREATE TABLE invoice_documents (
  seller_id   uuid NOT NULL,
  invoice_id  uuid NOT NULL,
  xml         bytea NOT NULL,
  PRIMARY KEY (seller_id, invoice_id),
  FOREIGN KEY (seller_id, invoice_id) REFERENCES invoices ON DELETE CASCADE
);

CREATE TABLE invoice_transactions (
  seller_id   uuid NOT NULL,
  name        text NOT NULL,
  value       text NOT NULL,
  invoice_id  uuid NOT NULL,
  PRIMARY KEY (seller_id, name, value, invoice_id),
  FOREIGN KEY (seller_id, invoice_id) REFERENCES invoices ON DELETE CASCADE
);

-- Every accepted event document (cancellations, correction letters), kept byte for byte. An event
-- whose invoice is not known yet waits here with applied_at NULL until the invoice arrives.
CREATE TABLE nfe_events (
  seller_id      uuid NOT NULL REFERENCES sellers,
  access_key     text NOT NULL,
  event_type     text NOT NULL,
  sequence       integer NOT NULL,
  status_code    text NOT NULL,
  protocol       text,
  registered_at  timestamptz,
  xml            bytea NOT NULL,
  xml_sha256     text NOT NULL,
  received_at    timestamptz NOT NULL,
  applied_at     timestamptz,
  PRIMARY KEY (seller_id, access_key, event_type, sequence)
);

CREATE TABLE orders (
  seller_id       uuid NOT NULL REFERENCES sellers,
  order_id        text NOT NULL,
  marketplace_id  text,
  storefront      text,
  order_number    text,
  status          text NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (seller_id, order_id)
);
CREATE INDEX orders_by_created ON orders (seller_id, created_at, order_id);

CREATE TABLE order_items (
  seller_id      uuid NOT NULL,
  order_id       text NOT NULL,
  order_item_id  text NOT NULL,
  sku            text,
  status         text,
  access_key     text,
  PRIMARY KEY (seller_id, order_id, order_item_id),
  FOREIGN KEY (seller_id, order_id) REFERENCES orders ON DELETE CASCADE
);

CREATE TABLE settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL
);
