import { defineConfig } from 'vitest/config';

// Each test file builds its own app on its own database; files run in parallel on the two cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Files share a worker's module cache: each builds its own app, config and database, so no
    // module state carries over, and the suite no longer loads Fastify, PGlite and the SDKs ~80 times
    // (PGlite suite 411 s → 279 s on this machine).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
