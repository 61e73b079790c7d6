import path from 'node:path';
import { boolean, integer, optionalText, VarProblem, type VarTable } from './var-parsers.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The process: where it listens and keeps its data, who may operate it, what runs inside it. */
export const SERVICE_VARS = {
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
      const v = (raw?.trim() || 'info') as LogLevel;
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
  signingSecret: {
    name: 'SIGNING_SECRET',
    defaultText: '(generated, kept in the database)',
    describe: 'Key for signed download URLs and page tokens; every process of one deployment shares it.',
    parse: optionalText((v) => (v.length >= 32 ? undefined : 'must be at least 32 characters')),
  },
  workerEnabled: {
    name: 'WORKER_ENABLED',
    defaultText: 'true',
    describe:
      'Run the job worker inside `serve` (set false when separate `invoicehub worker` processes run).',
    parse: boolean(true),
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
  heapGrowthPercent: {
    name: 'HEAP_GROWTH_PERCENT',
    defaultText: '100',
    describe:
      'How far the JavaScript heap may grow past its live size before a full collection (1 + n/100 times) in `serve` and `worker`; `0` leaves V8’s adaptive policy (up to 4x its live size).',
    parse: integer(0, 1000, 100),
  },
  listingCacheEntries: {
    name: 'LISTING_CACHE_ENTRIES',
    defaultText: '50000',
    describe:
      'Invoice renderings a `serve` process keeps in memory for getInvoices pages (~0.5 KB each), served only at the version the store gives each; `0`: the database joins every page.',
    parse: integer(0, 10_000_000, 50_000),
  },
  heapPretenuring: {
    name: 'HEAP_PRETENURING',
    defaultText: 'false',
    describe:
      'V8’s allocation-site pretenuring in `serve` and `worker` (`true`: V8’s default, objects from places it saw outlive a young collection are created in the old generation).',
    parse: boolean(false),
  },
} satisfies VarTable<
  | 'port'
  | 'host'
  | 'dataDir'
  | 'databaseUrl'
  | 'adminToken'
  | 'publicBaseUrl'
  | 'logLevel'
  | 'demoData'
  | 'signingSecret'
  | 'workerEnabled'
  | 'workerConcurrency'
  | 'workerLeaseSeconds'
  | 'heapGrowthPercent'
  | 'heapPretenuring'
  | 'listingCacheEntries'
>;
