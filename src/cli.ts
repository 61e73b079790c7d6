#!/usr/bin/env node
import { runCli } from './main/cli/run-cli.js';

/** The `invoicehub` command line (src/main/cli/): serve, worker, migrate, seller create, ingest, demo, reset. */
runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
