#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runCommand } from './main/commands.js';

/** The `invoicehub` command line: serve, migrate, seller create, ingest, demo. */
const USAGE = `usage: invoicehub <command> [options]

  serve                         run the HTTP service (what npm start runs)
  worker                        run the job worker alone (exports, webhooks, housekeeping)
  migrate                       apply database migrations and exit
  seller create --name N --cnpj C [--marketplace ID]... [--storefront S]...
                                onboard a seller and print its credentials (once)
  ingest <file|dir|zip>...      ingest NF-e XML files, directories of them, or ZIPs
         [--url http://host:port --admin-token T]  through a running server instead
  demo [--invoices N] [--seller-id ID]
                                generate N demo NF-e (default 300) for the demo seller

Configuration comes from the environment (see README: PORT, DATA_DIR, DATABASE_URL, ...).`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      cnpj: { type: 'string' },
      marketplace: { type: 'string', multiple: true },
      storefront: { type: 'string', multiple: true },
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      invoices: { type: 'string' },
      'seller-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  return runCommand(positionals, values, USAGE);
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
