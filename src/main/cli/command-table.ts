import type { ParseArgsConfig } from 'node:util';
import { demo } from './demo-command.js';
import { ingest } from './ingest-command.js';
import { migrateCommand, serve, worker } from './process-commands.js';
import { reset } from './reset-command.js';
import { sellerCreate, type Values } from './seller-command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  /** One or two words (`serve`, `seller create`). */
  name: string;
  summary: string;
  /** What follows the name in the usage line. */
  args: string;
  /** Each flag the command understands, with its help text; anything else is refused. */
  flags: Record<string, { option: Options[string]; help: string }>;
  positionals?: boolean;
  run(values: Values, positionals: string[]): Promise<number>;
}

const remote = {
  url: {
    option: { type: 'string' },
    help: 'work through a running server (http://HOST:PORT) instead of opening the store here',
  },
  'admin-token': {
    option: { type: 'string' },
    help: 'operator token for --url (default: ADMIN_TOKEN, else DATA_DIR/admin-token)',
  },
} as const;

export const COMMANDS: Command[] = [
  {
    name: 'serve',
    summary: 'run the HTTP service (what npm start runs), with the job worker unless WORKER_ENABLED=false',
    args: '',
    flags: {},
    run: () => serve(),
  },
  {
    name: 'worker',
    summary: 'run the job worker alone (exports, webhooks, housekeeping)',
    args: '',
    flags: {},
    run: () => worker(),
  },
  {
    name: 'migrate',
    summary: 'apply database migrations and exit',
    args: '',
    flags: {},
    run: () => migrateCommand(),
  },
  {
    name: 'seller create',
    summary: 'onboard a seller and print its credentials (shown once)',
    args: '--name N --cnpj C [--marketplace ID]... [--storefront S]... [--url U]',
    flags: {
      name: { option: { type: 'string' }, help: 'the seller’s name' },
      cnpj: { option: { type: 'string' }, help: 'its CNPJ (14 digits, or the 2026 alphanumeric form)' },
      marketplace: { option: { type: 'string', multiple: true }, help: 'marketplace id (default: Brazil)' },
      storefront: {
        option: { type: 'string', multiple: true },
        help: 'Kaufland storefront (de, cz, sk, pl, at, fr, it)',
      },
      ...remote,
    },
    run: (values) => sellerCreate(values),
  },
  {
    name: 'ingest',
    summary: 'ingest NF-e XML files, directories of them, or ZIPs; results on stdout, progress on stderr',
    args: '<file|dir|zip>... [--url U]',
    flags: { ...remote },
    positionals: true,
    run: (values, paths) => ingest(paths, values),
  },
  {
    name: 'demo',
    summary: 'generate demo NF-e (and orders) for the demo seller, or for --seller-id',
    args: '[--invoices N] [--seller-id ID] [--url U]',
    flags: {
      invoices: { option: { type: 'string' }, help: 'how many (default 300)' },
      'seller-id': { option: { type: 'string' }, help: 'another seller than the demo seller' },
      ...remote,
    },
    run: (values) => demo(values),
  },
  {
    name: 'reset',
    summary: 'empty this sandbox store (every table and stored file) and seed the demo again',
    args: '--yes',
    flags: { yes: { option: { type: 'boolean' }, help: 'confirm: everything in the store is deleted' } },
    run: (values) => reset(values),
  },
];
