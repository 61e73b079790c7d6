import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase } from './dataset.js';
import { benchDir, cliPath, fmt, rssMb, startChild, stopChild } from './lib.js';

export interface StartupResult {
  label: string;
  /** From spawn to the first 200 of /readyz (database reachable, demo seeded). */
  readyMs: number;
  /** Resident set after 3 s of idling once ready. */
  idleRssMb: number;
}

async function untilReady(url: string): Promise<void> {
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(
  label: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  probe: string,
) {
  const started = performance.now();
  const { child, match } = await startChild(args, env, ready);
  try {
    const url = match[1]?.startsWith('http') ? match[1] : `http://127.0.0.1:${match[1]}`;
    await untilReady(url + probe);
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 3000));
    return { label, readyMs, idleRssMb: rssMb(child.pid as number) };
  } finally {
    await stopChild(child);
  }
}

/**
 * `invoicehub serve` on an empty store with the demo data on (PGlite in a fresh DATA_DIR, which
 * includes creating the cluster; a fresh PostgreSQL database when a server answers), against a
 * bare Fastify process started the same way, in the same run.
 */
export async function benchStartup(pgServer: string | null): Promise<StartupResult[]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-startup-'));
  const page = path.join(tmp, 'page.json');
  fs.writeFileSync(page, '{}');
  const serve = { PORT: '0', DEMO_DATA: 'true', LOG_LEVEL: 'warn' };
  const listening = /listening on (http:\/\/\S+)/;
  try {
    const results = [
      await measure(
        'bare Fastify (baseline)',
        [path.join(benchDir, 'baseline-server.js'), page],
        {},
        /LISTENING (\d+)/,
        '/',
      ),
      await measure(
        'invoicehub · PGlite, empty DATA_DIR',
        [cliPath, 'serve'],
        { ...serve, DATA_DIR: path.join(tmp, 'pglite') },
        listening,
        '/readyz',
      ),
    ];
    if (pgServer) {
      const url = await freshDatabase(pgServer, 'invoicehub_bench_startup');
      results.push(
        await measure(
          'invoicehub · PostgreSQL, empty database',
          [cliPath, 'serve'],
          { ...serve, DATA_DIR: path.join(tmp, 'pg'), DATABASE_URL: url },
          listening,
          '/readyz',
        ),
      );
    }
    return results;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function startupRows(results: StartupResult[]): string[][] {
  const base = results[0] as StartupResult;
  return [
    ['start with demo data', 'ready in ms', 'vs bare Fastify', 'idle RSS MB', 'vs bare Fastify'],
    ...results.map((r) => [
      r.label,
      fmt(r.readyMs),
      `${fmt(r.readyMs / base.readyMs, 1)}x`,
      fmt(r.idleRssMb),
      `${fmt(r.idleRssMb / base.idleRssMb, 1)}x`,
    ]),
  ];
}
