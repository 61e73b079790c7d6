import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { DB } from '../../../src/infra/db/schema.js';
import type { JobsDB } from '../../../src/infra/jobs/jobs-schema.js';
import type { JobLogger } from '../../../src/infra/jobs/worker.js';

/** The test database seen with the jobs table (until `jobs` joins DB in schema.ts). */
export const withJobs = (db: Kysely<DB>) => db as unknown as Kysely<DB & JobsDB>;

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps entries for assertions; set JOBS_TEST_LOG=1 to print them. */
export function memoryLogger(): JobLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (obj: object, msg: string) => {
    entries.push({ level, obj, msg });
    if (process.env.JOBS_TEST_LOG) console.log(level, msg, obj);
  };
  return { entries, info: log('info'), warn: log('warn'), error: log('error') };
}

export { waitFor } from '../../support/sdk.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const root = path.resolve(fileURLToPath(import.meta.url), '../../../..');

/**
 * Child-process fixtures import the build in dist/. `npm test` builds first; a bare `vitest run`
 * may find dist missing or stale, so rebuild then (tsc emits even when other files have type errors).
 */
export function ensureBuilt(sources: string[]): void {
  const stale = sources.some((src) => {
    const out = path.join(root, 'dist', src.replace(/\.ts$/, '.js'));
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(path.join(root, src)).mtimeMs;
  });
  if (!stale) return;
  spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'ignore',
  });
  for (const src of sources) {
    if (!fs.existsSync(path.join(root, 'dist', src.replace(/\.ts$/, '.js')))) {
      throw new Error(`dist/ lacks ${src} after tsc: run npx tsc -p tsconfig.json and read its errors`);
    }
  }
}

export const fixturePath = (name: string) => path.join(root, 'test/fixtures/jobs', name);
