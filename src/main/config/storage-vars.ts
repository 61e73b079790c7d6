import type { Config } from '../config.js';
import { boolean, integer, VarProblem, type VarTable } from './var-parsers.js';

/** Where files go (disk or S3) and how long exports and their links live. */
export const STORAGE_VARS = {
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
} satisfies VarTable<
  | 'blobBackend'
  | 's3'
  | 'downloadUrlTtlSeconds'
  | 'exportRetentionDays'
  | 'exportMaxEntries'
  | 'exportMaxBytes'
>;

/** S3 settings are several variables; they are parsed together and checked against BLOB_BACKEND. */
export const S3_VARS = {
  endpoint: { name: 'S3_ENDPOINT', describe: 'Endpoint URL of an S3-compatible store (unset: AWS).' },
  region: { name: 'S3_REGION', describe: 'Region (default `us-east-1`).' },
  bucket: { name: 'S3_BUCKET', describe: 'Bucket holding exports and documents (required with `s3`).' },
  accessKeyId: { name: 'S3_ACCESS_KEY_ID', describe: 'Access key (unset: the AWS default chain).' },
  secretAccessKey: { name: 'S3_SECRET_ACCESS_KEY', describe: 'Secret key.' },
  forcePathStyle: { name: 'S3_FORCE_PATH_STYLE', describe: '`true` for path-style URLs (MinIO, s3rver).' },
} as const;

export function parseS3(
  env: Record<string, string | undefined>,
  backend: unknown,
  problems: string[],
): Config['s3'] {
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
