import type { RatePlan } from '../core/rate-limit/rate-plan.js';
import type { BlobSettings } from '../infra/blobs/create-blob-store.js';
import { DIALECT_VARS } from './config/dialect-vars.js';
import { LIMIT_VARS } from './config/limit-vars.js';
import { type LogLevel, SERVICE_VARS } from './config/service-vars.js';
import { parseS3, S3_VARS, STORAGE_VARS } from './config/storage-vars.js';
import { VarProblem, type VarSpec } from './config/var-parsers.js';

export { S3_VARS };

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
  logLevel: LogLevel;
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
  heapGrowthPercent: number;
  heapPretenuring: boolean;
  listingCacheEntries: number;
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

/** Every variable, grouped by concern in ./config/; the README's table lists each of them. */
export const CONFIG_VARS = {
  ...SERVICE_VARS,
  ...STORAGE_VARS,
  ...DIALECT_VARS,
  ...LIMIT_VARS,
} satisfies { [K in keyof Config]: VarSpec<Config[K]> };

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
