import { postgresServerUrl, prepareDataset } from './dataset.js';
import { token } from './get-invoices.js';
import {
  cliPath,
  cpuMs,
  cpuMsOf,
  fmt,
  peakRssMb,
  runLoad,
  SERVER_ENV,
  startChild,
  stopChild,
} from './lib.js';

/**
 * A/B of getInvoices between this build and another build's CLI (argv[2], e.g. the previous
 * commit built elsewhere) on the same PostgreSQL dataset, alternating runs so both see the same
 * machine load. Not part of `npm run bench`: a tool for checking a change. BENCH_AB_BEFORE_ENV
 * (JSON) adds variables to the "before" server only: with this build's own CLI as argv[2], it
 * compares a setting (`{"HEAP_GROWTH_PERCENT":"0"}`).
 */
const other = process.argv[2] as string;
const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 3);
const kind = (process.env.BENCH_AB_DB ?? 'postgres') as 'postgres' | 'pglite';
const invoices = Number(process.env.BENCH_INVOICES ?? 100_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const durationSeconds = Number(process.env.BENCH_DURATION ?? 5);
const pgUrl = await postgresServerUrl();
const d = await prepareDataset(kind, invoices, pgUrl ?? undefined);
const env = { ...d.env, ...SERVER_ENV };
const beforeEnv = JSON.parse(process.env.BENCH_AB_BEFORE_ENV ?? '{}') as Record<string, string>;
const BASE = '/tax/invoices/2024-06-19/invoices';
const first = `${BASE}?marketplaceId=A2Q3Y263D00KWC&statuses=AUTHORIZED&dateStart=2020-01-01&pageSize=100`;
const results: Record<string, number[][]> = { before: [], after: [] };
for (let round = 0; round < rounds; round++) {
  for (const [label, cli] of [
    ['before', other],
    ['after', cliPath],
  ] as const) {
    // BENCH_AB_PROFILE=<dir>: a CPU profile of the servers (node --cpu-prof), to see where time goes.
    const profile = process.env.BENCH_AB_PROFILE;
    const args = profile
      ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${label}`, cli, 'serve']
      : [cli, 'serve'];
    const { child, match } = await startChild(
      args,
      label === 'before' ? { ...env, ...beforeEnv } : env,
      /listening on (http:\/\/\S+)/,
    );
    try {
      const url = match[1] as string;
      const headers = { 'x-amz-access-token': await token(url, d) };
      const paths = [first];
      for (let i = 0; i < 19; i++) {
        const res = await fetch(url + (paths.at(-1) as string), { headers });
        const next = ((await res.json()) as { nextToken?: string }).nextToken;
        if (!next) break;
        paths.push(`${BASE}?marketplaceId=A2Q3Y263D00KWC&nextToken=${encodeURIComponent(next)}`);
      }
      await runLoad({ url, paths, headers, connections, durationSeconds: 2 });
      const cpu = [cpuMs(child.pid as number), cpuMsOf('postgres')];
      const r = await runLoad({ url, paths, headers, connections, durationSeconds });
      // CPU per request: where the two cores go (the database's share is 0 on PGlite, in the server).
      const [server, database] = [
        cpuMs(child.pid as number) - (cpu[0] ?? 0),
        cpuMsOf('postgres') - (cpu[1] ?? 0),
      ];
      const perRequest = (ms: number) => fmt((ms * 1000) / r.requests);
      results[label]?.push([r.rps, r.p50, r.p99]);
      console.log(
        `${label} round ${round + 1}: ${fmt(r.rps)} req/s p50 ${r.p50} ms p99 ${r.p99} ms; CPU per request: server ${perRequest(server)} µs, PostgreSQL ${perRequest(database)} µs; server peak RSS ${fmt(peakRssMb(child.pid as number))} MB`,
      );
    } finally {
      await stopChild(child);
    }
  }
}
const mean = (xs: number[][], i: number) => xs.reduce((s, x) => s + (x[i] ?? 0), 0) / xs.length;
const b = results.before as number[][];
const a = results.after as number[][];
console.log(
  `${kind}, ${connections} connections: before ${fmt(mean(b, 0))} req/s (p99 ${fmt(mean(b, 2), 1)} ms), after ${fmt(mean(a, 0))} req/s (p99 ${fmt(mean(a, 2), 1)} ms): ${fmt(mean(a, 0) / mean(b, 0), 2)}x`,
);
