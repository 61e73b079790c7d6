import path from 'node:path';
import type { RatePlan } from '../core/rate-limit/rate-plan.js';
import { SELLERCENTER_RATE_PLANS } from '../http/sellercenter/rate-plans.js';
import { SPAPI_RATE_PLANS } from '../http/sp-api/rate-plans.js';
import type { BlobSettings } from '../infra/blobs/create-blob-store.js';

/**
 * The whole configuration, read once from the environment at boot. Variable names are a contract:
 * other tools set them. Every bad value stops the start with a message naming the variable.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminToken: string | undefined;
  publicBaseUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  demoData: boolean;
  rateLimitsEnabled: boolean;
  spapiRatePlans: Record<string, RatePlan>;
  accessTokenTtlSeconds: number;
  maxXmlBytes: number;
  maxBulkBytes: number;
  maxJsonBytes: number;
  workerEnabled: boolean;
  signingSecret: string | undefined;
  blobBackend: 'disk' | 's3';
  s3: BlobSettings['s3'];
  downloadUrlTtlSeconds: number;
  exportRetentionDays: number;
  exportMaxEntries: number;
  exportMaxBytes: number;
  workerConcurrency: number;
  workerLeaseSeconds: number;
  maxOrderInvoiceBytes: number;
  kauflandRateLimit: number;
  kauflandSignatureWindowSeconds: number;
  sellerCenterRatePlans: Record<string, RatePlan>;
  templateMaxUploadBytes: number;
  templateMaxRows: number;
  headersTimeoutSeconds: number;
  bodyTimeoutSeconds: number;
  bodyMinBytesPerSecond: number;
  requestTimeoutSeconds: number;
  keepAliveTimeoutSeconds: number;
  archiveMaxEntries: number;
  archiveMaxEntryBytes: number;
  archiveMaxTotalBytes: number;
  archiveMaxRatio: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** One row per variable: its name, default, parser and the README's description. */
interface VarSpec<T> {
  name: string;
  describe: string;
  defaultText: string;
  parse: (raw: string | undefined) => T;
}

class VarProblem extends Error {}

function integer(min: number, max: number, fallback: number) {
  return (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim())) throw new VarProblem(`must be an integer between ${min} and ${max}`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new VarProblem(`must be between ${min} and ${max}`);
    return value;
  };
}

function boolean(fallback: boolean) {
  return (raw: string | undefined): boolean => {
    if (raw === undefined || raw === '') return fallback;
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    throw new VarProblem('must be true or false');
  };
}

function optionalText(check?: (v: string) => string | undefined) {
  return (raw: string | undefined): string | undefined => {
    if (raw === undefined || raw === '') return undefined;
    const problem = check?.(raw);
    if (problem) throw new VarProblem(problem);
    return raw;
  };
}

function parseRatePlans(raw: string | undefined): Record<string, RatePlan> {
  const plans: Record<string, RatePlan> = structuredClone(SPAPI_RATE_PLANS);
  if (raw === undefined || raw.trim() === '') return plans;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new VarProblem('must be a JSON object {"<operationId>": {"rate": n, "burst": n}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new VarProblem('must be a JSON object {"<operationId>": {"rate": n, "burst": n}}');
  }
  for (const [operation, plan] of Object.entries(parsed)) {
    if (!(operation in SPAPI_RATE_PLANS)) {
      throw new VarProblem(
        `unknown operation "${operation}" (known: ${Object.keys(SPAPI_RATE_PLANS).join(', ')})`,
      );
    }
    const p = plan as { rate?: unknown; burst?: unknown };
    if (typeof p !== 'object' || p === null || typeof p.rate !== 'number' || !(p.rate > 0)) {
      throw new VarProblem(`${operation}.rate must be a number > 0`);
    }
    if (typeof p.burst !== 'number' || !Number.isInteger(p.burst) || p.burst < 1) {
      throw new VarProblem(`${operation}.burst must be an integer >= 1`);
    }
    plans[operation] = { rate: p.rate, burst: p.burst };
  }
  return plans;
}

/** A `{"<operation>": {"rate": n, "burst": n}}` variable merged over a dialect's default plans. */
function ratePlans(defaults: Readonly<Record<string, RatePlan>>) {
  return (raw: string | undefined): Record<string, RatePlan> => {
    const plans: Record<string, RatePlan> = structuredClone(defaults);
    if (raw === undefined || raw.trim() === '') return plans;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new VarProblem('must be a JSON object {"<operation>": {"rate": n, "burst": n}}');
    }
    for (const [operation, plan] of Object.entries(parsed)) {
      if (!(operation in defaults)) {
        throw new VarProblem(`unknown operation "${operation}" (known: ${Object.keys(defaults).join(', ')})`);
      }
      const p = plan as { rate?: unknown; burst?: unknown };
      if (typeof p !== 'object' || p === null || typeof p.rate !== 'number' || !(p.rate > 0)) {
        throw new VarProblem(`${operation}.rate must be a number > 0`);
      }
      if (typeof p.burst !== 'number' || !Number.isInteger(p.burst) || p.burst < 1) {
        throw new VarProblem(`${operation}.burst must be an integer >= 1`);
      }
      plans[operation] = { rate: p.rate, burst: p.burst };
    }
    return plans;
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const CONFIG_VARS = {
  port: { name: 'PORT', defaultText: '8080', describe: 'HTTP port.', parse: integer(0, 65535, 8080) },
  host: {
    name: 'HOST',
    defaultText: '127.0.0.1',
    describe: 'Interface to listen on (`0.0.0.0` to expose it).',
    parse: (raw) => raw?.trim() || '127.0.0.1',
  },
  dataDir: {
    name: 'DATA_DIR',
    defaultText: './data',
    describe: 'Embedded database, generated admin token and local files live here.',
    parse: (raw) => path.resolve(raw?.trim() || './data'),
  },
  databaseUrl: {
    name: 'DATABASE_URL',
    defaultText: '(unset: PGlite in DATA_DIR)',
    describe: '`postgres://…` switches from the embedded PGlite to PostgreSQL.',
    parse: optionalText((v) =>
      /^postgres(ql)?:\/\//.test(v) ? undefined : 'must be a postgres:// or postgresql:// URL',
    ),
  },
  adminToken: {
    name: 'ADMIN_TOKEN',
    defaultText: '(generated, kept in DATA_DIR/admin-token)',
    describe: 'Bearer token of the operator API.',
    parse: optionalText((v) => (v.length >= 16 ? undefined : 'must be at least 16 characters')),
  },
  publicBaseUrl: {
    name: 'PUBLIC_BASE_URL',
    defaultText: '(http://HOST:PORT)',
    describe: 'External URL of the service, used in download links and signature checks behind a proxy.',
    parse: optionalText((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'must be an http(s) URL';
      } catch {
        return 'must be an absolute http(s) URL';
      }
    }),
  },
  logLevel: {
    name: 'LOG_LEVEL',
    defaultText: 'info',
    describe: `One of ${LOG_LEVELS.join(', ')}.`,
    parse: (raw) => {
      const v = (raw?.trim() || 'info') as Config['logLevel'];
      if (!LOG_LEVELS.includes(v)) throw new VarProblem(`must be one of ${LOG_LEVELS.join(', ')}`);
      return v;
    },
  },
  demoData: {
    name: 'DEMO_DATA',
    defaultText: 'true',
    describe: 'Seed the demo seller, invoices and orders when the store is empty.',
    parse: boolean(true),
  },
  rateLimitsEnabled: {
    name: 'RATE_LIMITS_ENABLED',
    defaultText: 'true',
    describe: 'Apply the per-seller token buckets of each dialect.',
    parse: boolean(true),
  },
  spapiRatePlans: {
    name: 'SPAPI_RATE_LIMITS',
    defaultText: '(Amazon’s published plans)',
    describe: 'JSON `{"<operationId>": {"rate": n, "burst": n}}` merged over the default SP-API plans.',
    parse: parseRatePlans,
  },
  accessTokenTtlSeconds: {
    name: 'ACCESS_TOKEN_TTL_SECONDS',
    defaultText: '3600',
    describe: 'Lifetime of LWA access tokens.',
    parse: integer(1, 86_400, 3600),
  },
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
  workerEnabled: {
    name: 'WORKER_ENABLED',
    defaultText: 'true',
    describe:
      'Run the job worker inside `serve` (set false when separate `invoicehub worker` processes run).',
    parse: boolean(true),
  },
  signingSecret: {
    name: 'SIGNING_SECRET',
    defaultText: '(generated, kept in the database)',
    describe: 'Key for signed download URLs and page tokens; every process of one deployment shares it.',
    parse: optionalText((v) => (v.length >= 32 ? undefined : 'must be at least 32 characters')),
  },
  blobBackend: {
    name: 'BLOB_BACKEND',
    defaultText: 'disk',
    describe: '`disk` (files under DATA_DIR/blobs) or `s3` (S3-compatible object storage).',
    parse: (raw) => {
      const v = raw?.trim() || 'disk';
      if (v !== 'disk' && v !== 's3') throw new VarProblem('must be disk or s3');
      return v;
    },
  },
  s3: {
    name: 'S3_*',
    defaultText: '',
    describe: 'See the S3 rows below.',
    parse: () => ({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: undefined,
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
    }),
  },
  downloadUrlTtlSeconds: {
    name: 'DOWNLOAD_URL_TTL_SECONDS',
    defaultText: '30',
    describe: 'Lifetime of signed download URLs (SP-API says 30 seconds).',
    parse: integer(1, 7 * 86_400, 30),
  },
  exportRetentionDays: {
    name: 'EXPORT_RETENTION_DAYS',
    defaultText: '7',
    describe: 'Exports and their documents are deleted after this many days.',
    parse: integer(1, 3650, 7),
  },
  exportMaxEntries: {
    name: 'EXPORT_MAX_ENTRIES_PER_ZIP',
    defaultText: '10000',
    describe: 'Invoices per export document; larger exports are split into several ZIPs.',
    parse: integer(1, 65_000, 10_000),
  },
  exportMaxBytes: {
    name: 'EXPORT_MAX_BYTES_PER_ZIP',
    defaultText: '268435456',
    describe: 'Uncompressed bytes per export document before the next ZIP starts.',
    parse: integer(1024, 3 * 1024 ** 3, 256 * 1024 * 1024),
  },
  workerConcurrency: {
    name: 'WORKER_CONCURRENCY',
    defaultText: '2',
    describe: 'Jobs (exports, webhooks, housekeeping) one worker runs at once.',
    parse: integer(1, 64, 2),
  },
  workerLeaseSeconds: {
    name: 'WORKER_LEASE_SECONDS',
    defaultText: '30',
    describe: 'How long a job stays claimed without a heartbeat: a killed worker’s job runs again after it.',
    parse: integer(1, 3600, 30),
  },
  maxOrderInvoiceBytes: {
    name: 'MAX_ORDER_INVOICE_BYTES',
    defaultText: '10485760',
    describe: 'Largest order-invoice file (decoded) a Kaufland upload may carry; 413 beyond.',
    parse: integer(1024, 100 * 1024 * 1024, 10 * 1024 * 1024),
  },
  kauflandRateLimit: {
    name: 'KAUFLAND_RATE_LIMIT',
    defaultText: '111',
    describe: 'Kaufland requests per second per seller, across the dialect (Kaufland’s published limit).',
    parse: integer(1, 100_000, 111),
  },
  kauflandSignatureWindowSeconds: {
    name: 'KAUFLAND_SIGNATURE_WINDOW_SECONDS',
    defaultText: '300',
    describe: 'How far a `Shop-Timestamp` may be from the server clock, either way.',
    parse: integer(1, 86_400, 300),
  },
  sellerCenterRatePlans: {
    name: 'SELLERCENTER_RATE_LIMITS',
    defaultText: '(see docs/sellercenter.md)',
    describe: 'JSON `{"<operation>": {"rate": n, "burst": n}}` merged over the default SellerCenter plans.',
    parse: ratePlans(SELLERCENTER_RATE_PLANS),
  },
  templateMaxUploadBytes: {
    name: 'TEMPLATE_MAX_UPLOAD_BYTES',
    defaultText: '268435456',
    describe: 'Largest filled access-key template accepted for import (CSV or XLSX).',
    parse: integer(1024, 4 * 1024 ** 3, 256 * 1024 * 1024),
  },
  templateMaxRows: {
    name: 'TEMPLATE_MAX_ROWS',
    defaultText: '1048575',
    describe: 'Most data rows read from one filled template (Excel’s own ceiling by default).',
    parse: integer(1, 10_000_000, 1_048_575),
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
} satisfies { [K in keyof Config]: VarSpec<Config[K]> };

/** S3 settings are several variables; they are parsed together and checked against BLOB_BACKEND. */
export const S3_VARS = {
  endpoint: { name: 'S3_ENDPOINT', describe: 'Endpoint URL of an S3-compatible store (unset: AWS).' },
  region: { name: 'S3_REGION', describe: 'Region (default `us-east-1`).' },
  bucket: { name: 'S3_BUCKET', describe: 'Bucket holding exports and documents (required with `s3`).' },
  accessKeyId: { name: 'S3_ACCESS_KEY_ID', describe: 'Access key (unset: the AWS default chain).' },
  secretAccessKey: { name: 'S3_SECRET_ACCESS_KEY', describe: 'Secret key.' },
  forcePathStyle: { name: 'S3_FORCE_PATH_STYLE', describe: '`true` for path-style URLs (MinIO, s3rver).' },
} as const;

function parseS3(env: Env, backend: unknown, problems: string[]): Config['s3'] {
  const get = (k: keyof typeof S3_VARS) => env[S3_VARS[k].name]?.trim() || undefined;
  const endpoint = get('endpoint');
  if (endpoint && !/^https?:\/\//.test(endpoint))
    problems.push(`S3_ENDPOINT: must be an http(s) URL (got "${endpoint}")`);
  let forcePathStyle = false;
  try {
    forcePathStyle = boolean(false)(get('forcePathStyle'));
  } catch (err) {
    problems.push(`S3_FORCE_PATH_STYLE: ${(err as Error).message}`);
  }
  const bucket = get('bucket');
  if (backend === 's3' && !bucket) problems.push('S3_BUCKET: required when BLOB_BACKEND=s3');
  const accessKeyId = get('accessKeyId');
  const secretAccessKey = get('secretAccessKey');
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  }
  return {
    endpoint,
    region: get('region') ?? 'us-east-1',
    bucket,
    accessKeyId,
    secretAccessKey,
    forcePathStyle,
  };
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const [key, spec] of Object.entries(CONFIG_VARS) as [keyof Config, VarSpec<unknown>][]) {
    try {
      out[key] = spec.parse(env[spec.name]);
    } catch (err) {
      if (!(err instanceof VarProblem)) throw err;
      problems.push(`${spec.name}: ${err.message} (got ${JSON.stringify(env[spec.name])})`);
    }
  }
  out.s3 = parseS3(env, out.blobBackend, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

/** The URL clients reach this service at; PUBLIC_BASE_URL wins over the listening address. */
export function publicBaseUrl(config: Config, boundPort?: number): string {
  if (config.publicBaseUrl) return config.publicBaseUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort ?? config.port}`;
}
