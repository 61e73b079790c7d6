import { integer, type VarTable } from './var-parsers.js';

/** Bounds on what a client may send: body sizes, how slowly, and what an archive may unpack to. */
export const LIMIT_VARS = {
  maxXmlBytes: {
    name: 'MAX_XML_BYTES',
    defaultText: '5242880',
    describe: 'Largest NF-e document accepted by ingestion.',
    parse: integer(1024, 100 * 1024 * 1024, 5 * 1024 * 1024),
  },
  maxBulkBytes: {
    name: 'MAX_BULK_BYTES',
    defaultText: '268435456',
    describe: 'Largest bulk-ingestion body (NDJSON or ZIP).',
    parse: integer(1024, 4 * 1024 * 1024 * 1024, 256 * 1024 * 1024),
  },
  maxJsonBytes: {
    name: 'MAX_JSON_BYTES',
    defaultText: '1048576',
    describe: 'Largest JSON request body.',
    parse: integer(1024, 64 * 1024 * 1024, 1024 * 1024),
  },
  maxOrderInvoiceBytes: {
    name: 'MAX_ORDER_INVOICE_BYTES',
    defaultText: '10485760',
    describe: 'Largest order-invoice file (decoded) a Kaufland upload may carry; 413 beyond.',
    parse: integer(1024, 100 * 1024 * 1024, 10 * 1024 * 1024),
  },
  templateMaxUploadBytes: {
    name: 'TEMPLATE_MAX_UPLOAD_BYTES',
    defaultText: '268435456',
    describe: 'Largest filled access-key template accepted for import (CSV or XLSX).',
    parse: integer(1024, 4 * 1024 ** 3, 256 * 1024 * 1024),
  },
  headersTimeoutSeconds: {
    name: 'HEADERS_TIMEOUT_SECONDS',
    defaultText: '10',
    describe: 'Time a client has to send the request line and headers; then 408 and the connection closes.',
    parse: integer(1, 600, 10),
  },
  bodyTimeoutSeconds: {
    name: 'BODY_TIMEOUT_SECONDS',
    defaultText: '30',
    describe:
      'Longest pause while a request body arrives, and the grace before BODY_MIN_BYTES_PER_SECOND applies; 408 beyond.',
    parse: integer(1, 3600, 30),
  },
  bodyMinBytesPerSecond: {
    name: 'BODY_MIN_BYTES_PER_SECOND',
    defaultText: '1024',
    describe:
      'Average rate a body must keep after BODY_TIMEOUT_SECONDS (an upload must make progress; 0: off).',
    parse: integer(0, 1024 ** 3, 1024),
  },
  requestTimeoutSeconds: {
    name: 'REQUEST_TIMEOUT_SECONDS',
    defaultText: '300',
    describe: 'Ceiling on receiving one request body, however fast it arrives; 408 beyond.',
    parse: integer(1, 86_400, 300),
  },
  keepAliveTimeoutSeconds: {
    name: 'KEEP_ALIVE_TIMEOUT_SECONDS',
    defaultText: '72',
    describe: 'How long an idle keep-alive connection stays open.',
    parse: integer(1, 3600, 72),
  },
  archiveMaxEntries: {
    name: 'ARCHIVE_MAX_ENTRIES',
    defaultText: '100000',
    describe: 'Most entries in one uploaded archive (bulk ZIP, XLSX workbook, a ZIP given to the CLI).',
    parse: integer(1, 10_000_000, 100_000),
  },
  archiveMaxEntryBytes: {
    name: 'ARCHIVE_MAX_ENTRY_BYTES',
    defaultText: '1073741824',
    describe: 'Largest uncompressed entry of an archive (bulk XML entries are also held to MAX_XML_BYTES).',
    parse: integer(1024, 16 * 1024 ** 3, 1024 ** 3),
  },
  archiveMaxTotalBytes: {
    name: 'ARCHIVE_MAX_TOTAL_BYTES',
    defaultText: '2147483648',
    describe: 'Uncompressed bytes of all entries of one archive together.',
    parse: integer(1024, 64 * 1024 ** 3, 2 * 1024 ** 3),
  },
  archiveMaxRatio: {
    name: 'ARCHIVE_MAX_RATIO',
    defaultText: '200',
    describe:
      'Largest uncompressed/compressed ratio of an archive entry over 1 MiB (deflated zeros reach 1000).',
    parse: integer(2, 100_000, 200),
  },
} satisfies VarTable<
  | 'maxXmlBytes'
  | 'maxBulkBytes'
  | 'maxJsonBytes'
  | 'maxOrderInvoiceBytes'
  | 'templateMaxUploadBytes'
  | 'headersTimeoutSeconds'
  | 'bodyTimeoutSeconds'
  | 'bodyMinBytesPerSecond'
  | 'requestTimeoutSeconds'
  | 'keepAliveTimeoutSeconds'
  | 'archiveMaxEntries'
  | 'archiveMaxEntryBytes'
  | 'archiveMaxTotalBytes'
  | 'archiveMaxRatio'
>;
