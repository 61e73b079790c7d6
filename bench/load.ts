import fs from 'node:fs';
import autocannon from 'autocannon';

/**
 * The load generator, run as its own process by the benchmarks: N keep-alive connections, each
 * cycling through the given paths, for a fixed duration. Prints one `RESULT {json}` line.
 */
interface Options {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  bodyFile?: string;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const result = await autocannon({
  url: opts.url,
  connections: opts.connections,
  duration: opts.durationSeconds,
  headers: opts.headers,
  requests: opts.paths.map((path) =>
    opts.bodyFile ? { method: 'POST', path, body: fs.readFileSync(opts.bodyFile) } : { method: 'GET', path },
  ),
});
console.log(
  `RESULT ${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytes: result.throughput.total,
  })}`,
);
